"""``python -m bpsim`` runs the command-line interface."""

import sys

from bpsim.cli import main

sys.exit(main())
