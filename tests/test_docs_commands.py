"""Every ``bpsim ...`` command line shown in README.md and any page under docs/ runs, as
documented.

How a documented command is tested (see docs/index.md, "Documented commands are tested"):

* the pages are README.md and every ``*.md`` below ``docs/`` (``howto/``, ``reference/``...);
* every line of a fenced code block (except ``python``/``yaml``/``toml``/``json`` blocks) that
  starts with ``bpsim `` or ``python -m bpsim `` (after an optional ``$ `` prompt, or after
  ``&&``) is a command; a trailing backslash continues it on the next line;
* a line whose first word after ``bpsim`` ends with ``:`` is printed output (an error
  message), not a command;
* a *synopsis* (an option in ``[...]``, alternatives ``a|b``, a placeholder in capitals such
  as ``FILE``, ``DIR`` or ``N``) is not run;
* it runs in process (``bpsim.cli.main`` with the standard output captured), in a fresh
  temporary folder holding a copy of ``models/``, the files of ``tests/*/data`` and
  ``tests/validate/models``, and the FIXTURES below (files a page names as an example);
  the bundled scenarios are made cheap there (2 replications; the service desk and the
  support blueprint over a short horizon, see SHORTENED) and ``--replications`` values are
  capped at 2, so the commands run as written, only faster;
* it must exit 0, or the code its line states in a comment: ``# exits 1`` (a page showing what
  an error looks like);
* ``> FILE`` at the end redirects the standard output into FILE, as a shell does;
* a command that reads a file an earlier command of its page writes (``fit -o fitted.yaml``
  then ``compare --scenario fitted.yaml``) runs after that command, in the same folder; every
  other command runs alone, with ``../shared`` beside its folder as beside a clone;
* each distinct command (or chain of commands) is one test item, run once however many pages
  show it (the item's name says where), so ``pytest -n 2`` spreads them;
* ``bpsim optimize`` evaluates only its starting plan (the search is the expensive part and has
  its own tests); its options, inputs, checks, report and ``--out`` all run. Set
  ``BPSIM_DOCS_FULL=1`` to run the whole search.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SKIP_LANGS = {"python", "py", "yaml", "yml", "toml", "json", "xml", "csv", "ini", "pycon"}
CAP = 2  # replications at most, for speed (the --replications of a command, every models/*.yaml)
#: bundled scenarios simulated over 3 days after a 1-day warm-up instead of their 4 weeks
#: (models/helpdesk.yaml keeps its own: its horizon is tied to the ticket log it was fitted to)
SHORTENED = {"service_desk", "support_blueprint"}
#: ``BPSIM_DOCS_FULL=1`` runs the staffing search of ``bpsim optimize`` to its end.
FULL = os.environ.get("BPSIM_DOCS_FULL") == "1"


def _fixture_drawio(pages: list[str]) -> str:
    """A draw.io file with the bundled desk drawn on each of ``pages``."""
    text = (ROOT / "models" / "service_desk.drawio").read_text(encoding="utf-8")
    match = re.search(r"<diagram\b.*?</diagram>", text, re.S)
    assert match, "models/service_desk.drawio has a <diagram>"
    one = match.group(0)
    diagrams = [re.sub(r'name="[^"]*"', f'name="{p}"', one, count=1).replace(
        'id="', f'id="{i}', 1) for i, p in enumerate(pages)]
    return text[: match.start()] + "".join(diagrams) + text[match.end():]


#: Files that pages name as examples (``broken.bpmn``), made for the test.
FIXTURES = {
    "broken.bpmn": lambda: (ROOT / "tests/validate/models/dangling-reference.bpmn").read_text(),
    "plan.drawio": lambda: _fixture_drawio(["As is", "To be"]),
    "process.drawio": lambda: _fixture_drawio(["Overview", "Process order"]),
}


def _is_synopsis(tokens: list[str]) -> bool:
    return any(t.startswith("[") or t.endswith("]") or "|" in t
               or (t.isupper() and t.isalpha()) or re.fullmatch(r"[A-Z]+\.[a-z]+", t)
               for t in tokens)


def documented_commands() -> list[tuple[str, int, str, int]]:
    """(page, line, command, expected exit code) of every runnable documented command."""
    found = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        fence, lang = None, ""
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith("```"):
                if fence is None:
                    fence, lang = stripped[:3], stripped[3:].strip().lower()
                else:
                    fence = None
                i += 1
                continue
            if fence is None or lang in SKIP_LANGS:
                i += 1
                continue
            number = i + 1
            text = stripped
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text[:-1].rstrip() + " " + lines[i].strip()
            i += 1
            text = text.removeprefix("$ ")
            for part in text.split("&&"):
                part = part.strip()
                expected = 0
                comment = re.search(r"\s#\s*(.*)$", part)
                if comment:
                    code = re.match(r"exits? (\d+)", comment.group(1))
                    expected = int(code.group(1)) if code else 0
                    part = part[: comment.start()].rstrip()
                if not re.match(r"(bpsim|python -m bpsim) [a-z-]+( |$)", part):
                    continue  # not a command (an error message "bpsim fit: ..." is output)
                try:
                    tokens = shlex.split(part)
                except ValueError:
                    continue  # unbalanced quotes: printed output, not a command
                if _is_synopsis(tokens):
                    continue
                found.append((page.relative_to(ROOT).as_posix(), number, part, expected))
    return found


COMMANDS = documented_commands()
#: options whose value is a file or folder the command writes
OUTPUT_OPTIONS = {"-o", "--output", "--out", "--html", "--annotate"}


def _argv(command: str) -> tuple[list[str], str | None]:
    """``bpsim.cli.main``'s arguments for a documented command, and its ``> FILE``."""
    tokens = shlex.split(command)
    redirect = None
    if len(tokens) >= 2 and tokens[-2] == ">":
        redirect, tokens = tokens[-1], tokens[:-2]
    return _cheap_argv(tokens[1:] if tokens[0] == "bpsim" else tokens[3:]), redirect


def _writes(command: str) -> set[str]:
    argv, redirect = _argv(command)
    out = {argv[i + 1] for i, t in enumerate(argv[:-1]) if t in OUTPUT_OPTIONS}
    return {p.rstrip("/") for p in out | ({redirect} if redirect else set())}


def _reads(command: str) -> set[str]:
    """Relative paths the command names that a fresh folder does not hold."""
    argv, _ = _argv(command)
    writes = _writes(command)
    names = set()
    for t in argv:
        if t.startswith("-") or "=" in t or t.startswith("../shared"):
            continue
        if "/" in t or re.search(r"\.(bpmn|drawio|ya?ml|csv|xes|json|xml)$", t):
            path = t.rstrip("/")
            if path not in writes and path not in FIXTURES and not (ROOT / path).exists():
                names.add(path)
    return names


def command_items() -> dict[str, list[tuple[str, int, str, int]]]:
    """The test items: ``{item id: [(page, line, command, expected), ...]}``, run in order.

    A command that reads what an earlier command of its page wrote is chained after it; a
    chain that another one starts with, and a chain already seen on another page, is not run
    again."""
    chains: list[list[tuple[str, int, str, int]]] = []
    for k, (page, line, command, expected) in enumerate(COMMANDS):
        chain: list[tuple[str, int, str, int]] = []
        for needed in sorted(_reads(command)):
            for earlier in reversed([c for c in COMMANDS[:k] if c[0] == page]):
                if needed in _writes(earlier[2]):
                    prior = next(ch for ch in chains if ch[-1] == earlier)
                    chain += [c for c in prior if c not in chain]
                    break
        chains.append(chain + [(page, line, command, expected)])

    def key(chain):
        return tuple((tuple(_argv(c[2])[0]), _argv(c[2])[1], c[3]) for c in chain)

    keys = [key(ch) for ch in chains]
    items: dict[str, list[tuple[str, int, str, int]]] = {}
    seen: dict[tuple, str] = {}
    for chain, k in zip(chains, keys):
        if any(len(other) > len(k) and other[:len(k)] == k for other in keys):
            continue  # the start of a longer chain: runs there
        if k in seen:
            continue  # the same command(s) on another page
        page, line, command, _ = chain[-1]
        where = f"{page}:{line}"
        also = sorted({f"{c[0]}:{c[1]}" for ch, kk in zip(chains, keys) if kk == k
                       for c in ch[-1:]} - {where})
        name = f"{where} {' '.join(_argv(command)[0][:1])}" + (f" (also {', '.join(also)})"
                                                                 if also else "")
        seen[k] = name
        items[name] = chain
    return items



def _cheap_models(folder: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "models", folder / "models", ignore=ignore)
    for data in [*(ROOT / "tests").glob("*/data"), ROOT / "tests" / "validate" / "models"]:
        if data.is_dir():
            shutil.copytree(data, folder / data.relative_to(ROOT), ignore=ignore)
    for name, make in FIXTURES.items():
        (folder / name).write_text(make(), encoding="utf-8")
    for yaml in (folder / "models").glob("*.yaml"):
        text = re.sub(r"(?m)^replications: *\d+", f"replications: {CAP}",
                      yaml.read_text(encoding="utf-8"))
        if yaml.stem in SHORTENED:
            text = re.sub(r"(?m)^horizon: *\S+", "horizon: 3d", text)
            text = re.sub(r"(?m)^warmup: *\S+", "warmup: 1d", text)
        yaml.write_text(text, encoding="utf-8")


def _cheap_argv(tokens: list[str]) -> list[str]:
    argv = list(tokens)
    for i, t in enumerate(argv[:-1]):
        if t in ("--replications", "-r") and argv[i + 1].isdigit():
            argv[i + 1] = str(min(int(argv[i + 1]), CAP))
    return argv


ITEMS = command_items()


def test_the_pages_show_commands():
    pages = {c[0] for c in COMMANDS}
    assert "README.md" in pages and "docs/whatif.md" in pages
    assert any(p.startswith("docs/howto/") for p in pages)       # pages below docs/ too
    assert any("sweep" in c[2] for c in COMMANDS) and any("optimize" in c[2] for c in COMMANDS)


def test_every_documented_command_is_in_an_item():
    ran = {(tuple(_argv(c[2])[0]), c[3]) for chain in ITEMS.values() for c in chain}
    for page, line, command, expected in COMMANDS:
        assert (tuple(_argv(command)[0]), expected) in ran, f"{page}:{line} {command}"
    assert len(ITEMS) < len(COMMANDS)                           # repeated commands run once


def test_a_command_reading_an_earlier_output_runs_after_it():
    fit = [chain for chain in ITEMS.values() if chain[-1][2].startswith("bpsim compare")
           and "fitted.yaml" in chain[-1][2]]
    assert fit and all(chain[0][2].startswith("bpsim fit") for chain in fit)
    assert "fitted.yaml" in _writes(fit[0][0][2]) and "fitted.yaml" in _reads(fit[0][-1][2])


def test_synopsis_and_output_lines_are_not_commands():
    assert _is_synopsis(shlex.split("bpsim simulate FILE --scenario S.yaml [--json]"))
    assert _is_synopsis(shlex.split("bpsim demo --event-log all|first|none"))
    assert not _is_synopsis(shlex.split('bpsim validate p.drawio --page "Process order"'))


@pytest.mark.slow
@pytest.mark.parametrize("item", list(ITEMS))
def test_documented_command_runs(item, tmp_path, monkeypatch, capsys):
    """One documented command (after the commands of its page whose output it reads), in a
    fresh folder, as a reader following the page would type it."""
    from bpsim.cli import main

    work = tmp_path / "repo"          # ../shared beside it, as beside a clone
    work.mkdir()
    shared = ROOT.parent / "shared"
    if shared.exists():
        (tmp_path / "shared").symlink_to(shared, target_is_directory=True)
    elif any("../shared" in c[2] for c in ITEMS[item]):
        pytest.skip(f"{shared} not found: the command reads ../shared (CI has it beside the "
                    "clone)")
    _cheap_models(work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("BPSIM_MODELS", str(work / "models"))
    truncated = not FULL
    if truncated:  # the staffing search stops after its starting plan (see the docstring)
        import bpsim.whatif.optimize as optimize

        monkeypatch.setattr(optimize, "_climb",
                            lambda search, current, max_staff: search.evaluate([current],
                                                                               "seed")[0])
    for page, line, command, expected in ITEMS[item]:
        argv, redirect = _argv(command)
        code = main(argv)
        out, err = capsys.readouterr()
        if redirect:
            Path(redirect).write_text(out, encoding="utf-8")
        if truncated and argv[0] == "optimize" and code == 1 and expected == 0 \
                and "Plans tried" in out and "bpsim optimize:" not in err:
            code = 0  # the starting plan misses an SLA: the full search would go on
        assert code == expected, (f"{page}:{line}: `{command}` exited {code}, the page says "
                                  f"{expected}.\nstderr: {err[-2000:]}")
        assert "internal error" not in err and "Traceback" not in err
