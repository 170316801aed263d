"""Docs that cannot drift: the command reference is generated from --help, and the report
examples in docs/examples/ are generated from the shipped plan. NZCLI_UPDATE_GOLDEN=1
regenerates both (review the diff)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from conftest import ROOT, Run
from nzcli.cli.app import app

DOCS = ROOT / "docs"
UPDATE = os.environ.get("NZCLI_UPDATE_GOLDEN") == "1"


def commands() -> Iterator[tuple[list[str], Any]]:
    root = typer.main.get_command(app)

    def walk(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        yield path, cmd
        if hasattr(cmd, "commands"):
            for name in sorted(cmd.commands):
                yield from walk(cmd.commands[name], [*path, name])

    yield from walk(root, [])


def reference(run: Run) -> str:
    parts = [
        "# Command reference\n",
        "Generated from `nzcli --help` and each command's `--help` by `tests/test_docs.py`;",
        "a test fails when this page and the program disagree. Regenerate with",
        "`NZCLI_UPDATE_GOLDEN=1 python -m pytest tests/test_docs.py`.\n",
    ]
    for path, _ in commands():
        result = run(*path, "--help", env={"COLUMNS": "100"})
        assert result.exit_code == 0, result
        title = " ".join(["nzcli", *path])
        parts.append(f"## `{title}`\n")
        parts.append("```text\n" + result.stdout.rstrip() + "\n```\n")
    return "\n".join(parts)


def test_command_reference_is_current(run: Run) -> None:
    text = reference(run)
    target = DOCS / "commands.md"
    if UPDATE:
        target.write_text(text, encoding="utf-8")
    assert target.read_text(encoding="utf-8") == text, "docs/commands.md is stale"


def test_every_command_has_help_with_an_example(run: Run) -> None:
    for path, cmd in commands():
        if not path or hasattr(cmd, "commands"):
            continue
        assert cmd.help, path
        assert "Example" in cmd.help, f"`nzcli {' '.join(path)}` help has no example"


def test_every_command_is_in_the_reference() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    for path, _ in commands():
        assert f"## `{' '.join(['nzcli', *path])}`" in text


EXAMPLES = [
    ("report-2023-12.md", ["report", "december-2023", "--format", "md"]),
    ("report-2023-12.csv", ["report", "december-2023", "--format", "csv"]),
    ("report-2023-12.json", ["report", "december-2023", "--format", "json"]),
    ("report-2023-12.html", ["report", "december-2023", "--format", "html"]),
    ("report-2023-12.docx", ["report", "december-2023", "--format", "docx"]),
    ("report-2023-12-transport.txt", ["report", "december-2023", "--theme", "transport"]),
]


@pytest.mark.parametrize("name,args", EXAMPLES)
def test_report_examples_are_current(
    run: Run, monkeypatch: pytest.MonkeyPatch, name: str, args: list[str]
) -> None:
    monkeypatch.chdir(ROOT)
    result = run(*args, "--data", "data/actions.yaml")
    assert result.exit_code == 0, result
    target = DOCS / "examples" / name
    if UPDATE:
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(result.stdout_bytes)
    assert target.read_bytes() == result.stdout_bytes, f"docs/examples/{name} is stale"


def test_docs_pages_exist() -> None:
    for page in (
        "index.md",
        "getting-started.md",
        "querying.md",
        "reports.md",
        "cron.md",
        "data-format.md",
        "exit-codes.md",
        "commands.md",
        "data-notes.md",
        "deliverability.md",
        "contributing.md",
    ):
        assert (DOCS / page).exists(), page


def test_contributing_names_modules_that_exist() -> None:
    """The architecture page's map stays true: every module or folder it names exists."""
    import re

    text = (DOCS / "contributing.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:[a-z_]+/)*[a-z_]+(?:\.py|/))`", text))
    assert {"cli/", "render/", "storage/", "vocab.py", "store.py", "cli/spec.py"} <= named
    package = ROOT / "src" / "nzcli"
    missing = sorted(n for n in named if not (package / n).exists() and not (ROOT / n).exists())
    assert not missing, f"docs/contributing.md names modules that do not exist: {missing}"


def test_links_between_pages_resolve() -> None:
    import re

    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text("utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_images_in_the_docs_exist() -> None:
    import re

    for page in DOCS.glob("*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text("utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} shows missing {target}"
    assert {p.name for p in (DOCS / "images").glob("report-*.png")} >= {
        "report-390.png",
        "report-1366.png",
        "report-word.png",
    }


def test_readme_commands_match_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "pip install '.[test]' && python -m pytest"
    assert f"```sh\n{test_command}\n```" in readme
    assert f"\n{test_command}\n" in ci
