"""mkdocs hooks for bpsim's documentation site.

* ``<!-- bpsim:cli -->`` in a page becomes the ``--help`` of every ``bpsim`` command, so the
  command-line reference is the parser itself and cannot drift from it;
* ``<!-- bpsim:changelog -->`` becomes ``CHANGELOG.md``;
* a link from a page to a file of the repository outside ``docs/`` (``../notebooks/x.ipynb``,
  ``../bpsim/calibrate/laws.py``), which reads well on GitHub, becomes the file's path in
  code on the site; a link to a file that does not exist stays and fails the strict build;
* a page of ``docs/`` that the ``nav`` of ``mkdocs.yml`` forgets is added under "More pages",
  so a new page is never left out of the site;
* before the build, every public name of ``bpsim`` (``bpsim.__all__``) and every public method
  of the main result and model classes must have a docstring: a missing one fails the build
  (``mkdocs build --strict`` also fails on broken links and anchors).
"""

from __future__ import annotations

import inspect
import io
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Classes whose public methods and properties must all carry a docstring.
DOCUMENTED_CLASSES = [
    "bpsim.analysis.Results", "bpsim.scenario.Scenario", "bpsim.model.Process",
    "bpsim.model.Finding",
]


def _object(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


def _missing_docstrings() -> list[str]:
    import bpsim

    missing = []
    for name in bpsim.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(bpsim, name)
        if (inspect.isclass(obj) or callable(obj)) and not inspect.getdoc(obj):
            missing.append(f"bpsim.{name}")
    for dotted in DOCUMENTED_CLASSES:
        cls = _object(dotted)
        for attr, value in vars(cls).items():
            if attr.startswith("_"):
                continue
            target = value.fget if isinstance(value, property) else value
            if callable(target) or isinstance(value, property):
                if not (getattr(target, "__doc__", None) or "").strip():
                    missing.append(f"{dotted}.{attr}")
    return missing


_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def _outside_links(markdown: str, page_path: Path, docs_dir: Path) -> str:
    def repl(m: re.Match) -> str:
        bang, text, target = m.groups()
        if re.match(r"^[a-z]+:", target) or target.startswith(("#", "/")):
            return m.group(0)
        path = target.split("#", 1)[0]
        resolved = (page_path.parent / path).resolve()
        try:
            resolved.relative_to(docs_dir.resolve())
            return m.group(0)  # inside docs/: mkdocs checks it
        except ValueError:
            pass
        if not resolved.exists():
            return m.group(0)  # broken: let mkdocs report it (strict fails)
        shown = resolved.relative_to(ROOT).as_posix()
        return f"{text} (`{shown}`)" if text and not bang else f"`{shown}`"

    return _LINK.sub(repl, markdown)


def on_config(config, **kwargs):  # noqa: ARG001 - mkdocs hook signature
    docs = Path(config["docs_dir"])
    listed: set[str] = set()

    def walk(items) -> None:
        for item in items or []:
            if isinstance(item, dict):
                for value in item.values():
                    walk(value if isinstance(value, list) else [value])
            elif isinstance(item, str):
                listed.add(item)

    walk(config["nav"])
    extra = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
                   if p.relative_to(docs).as_posix() not in listed)
    if extra and config["nav"] is not None:
        config["nav"].append({"More pages": extra})
    return config


def on_pre_build(config, **kwargs) -> None:  # noqa: ARG001 - mkdocs hook signature
    missing = _missing_docstrings()
    if missing:
        raise PluginError("public API without a docstring: " + ", ".join(missing))


def _cli_reference() -> str:
    from bpsim.cli import COMMANDS, build_parser

    parser = build_parser()
    out = ["```text", parser.format_help().rstrip(), "```", ""]
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for command in COMMANDS:
        if command not in sub.choices:
            continue
        out += [f"## bpsim {command}", "", "```text", sub.choices[command].format_help().rstrip(),
                "```", ""]
    return "\n".join(out)


def _json_keys() -> str:
    """The keys of ``simulate --json`` for a short run of the bundled service desk."""
    import json

    import bpsim

    process = bpsim.read(ROOT / "models" / "service_desk.bpmn")
    scenario = bpsim.load_scenario(ROOT / "models" / "service_desk.yaml").vary(
        {"horizon": "14d", "warmup": "7d"})
    data = json.loads(bpsim.simulate(process, scenario, replications=1, seed=1).to_json())
    lines = ["| key | type | example |", "|---|---|---|"]

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            if path:
                lines.append(f"| `{path}` | object | |")
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(value, list):
            lines.append(f"| `{path}[]` | list of {len(value)} | |")
            if value:
                walk(value[0], f"{path}[]")
        else:
            example = json.dumps(value)
            example = example if len(example) < 40 else example[:37] + "..."
            example = example.replace("|", "\\|")
            lines.append(f"| `{path}` | {type(value).__name__} | `{example}` |")

    walk(data, "")
    return "\n".join(lines)


def on_page_markdown(markdown: str, page, config, files, **kwargs) -> str:  # noqa: ARG001
    markdown = _outside_links(markdown, Path(page.file.abs_src_path), Path(config["docs_dir"]))
    if "<!-- bpsim:cli -->" in markdown:
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            text = _cli_reference()
        markdown = markdown.replace("<!-- bpsim:cli -->", text)
    if "<!-- bpsim:json-keys -->" in markdown:
        markdown = markdown.replace("<!-- bpsim:json-keys -->", _json_keys())
    if "<!-- bpsim:changelog -->" in markdown:
        changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
        markdown = markdown.replace("<!-- bpsim:changelog -->",
                                    changelog.split("\n", 1)[1] if changelog.startswith("#")
                                    else changelog)
    return markdown
