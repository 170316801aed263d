"""Shell completion, driven through bash itself: typer's generated script is sourced, the
line is put in COMP_WORDS/COMP_CWORD as bash puts it, the completion function runs, and
COMPREPLY is what bash would offer; a value with spaces comes back as one word."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, SHIPPED
from nzcli.cli.read import SCHEMA_OUTPUTS

SCRIPT = Path(sys.executable).parent / "nzcli"
MINI = str(FIXTURES / "mini.yaml")

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or not SCRIPT.exists(),
    reason="needs bash and the installed nzcli console script",
)

DRIVER = r"""
set -e
eval "$(_NZCLI_COMPLETE=source_bash nzcli)"
complete -p nzcli >&2
read -r -a COMP_WORDS <<< "$LINE"
if [[ "$LINE" == *" " ]]; then COMP_WORDS+=(""); fi
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$LINE"
COMP_POINT=${#LINE}
_nzcli_completion nzcli
for reply in "${COMPREPLY[@]}"; do
  # what bash puts on the line is read back as the shell reads it: one word each
  eval "set -- $reply"
  printf '%s\t%s\t%s\n' "$reply" "$#" "$1"
done
"""


def complete(line: str, **env: str) -> list[tuple[str, str]]:
    """(as inserted, as the shell reads it back) for each completion bash offers."""
    environ = {
        "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LINE": line,
        "NZCLI_CACHE_DIR": os.environ["NZCLI_CACHE_DIR"],
        **env,
    }
    done = subprocess.run(
        ["bash", "-c", DRIVER], capture_output=True, text=True, env=environ, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "-F _nzcli_completion nzcli" in done.stderr  # `complete -p`: the script is in place
    out = []
    for row in done.stdout.splitlines():
        inserted, words, word = row.split("\t")
        assert words == "1", row  # one word, however many spaces the value has
        out.append((inserted, word))
    return out


def words(line: str, **env: str) -> list[str]:
    return [word for _, word in complete(line, **env)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("nzcli list --stage ", ["discovery", "design", "delivery", "completed"]),
        ("nzcli list --rag ", ["red", "amber", "green", "unrated"]),
        ("nzcli list --role ", ["lead", "ask", "influence"]),
        ("nzcli list --format ", ["table", "md", "csv", "json", "docx", "ndjson", "xlsx"]),
        ("nzcli report latest --format ", ["table", "md", "csv", "json", "html", "docx", "xlsx"]),
        ("nzcli status latest --format ", ["table", "md", "csv", "json", "docx"]),
        ("nzcli export --format ", ["json", "yaml", "ndjson", "xlsx", "datapackage", "sqlite"]),
        ("nzcli list --color ", ["auto", "always", "never"]),
        ("nzcli list --timescale ", ["S", "M", "L", "S/M", "M/L"]),
        ("nzcli list --cost ", ["L", "M", "H", "L/M", "M/H"]),
        (
            "nzcli summary --by ",
            ["theme", "section", "role", "stage", "rag", "timescale", "cost", "carbon", "partner"],
        ),
        ("nzcli schema --output-of ", list(SCHEMA_OUTPUTS)),
        ("nzcli list --theme tr", ["transport"]),
        ("nzcli list --sort deliv", ["deliverability_score"]),
        ("nzcli list --columns id,sta", ["id,stage"]),
        ("nzcli show T1", ["T1", *[f"T{n}" for n in range(10, 20)]]),
        ("nzcli report ", ["latest", "2023-12"]),
        ("nzcli diff 2023-12 ", ["latest", "2023-12"]),
        ("nzcli list --period ", ["latest", "2023-12"]),
        ("nzcli import back.csv --period ", ["latest", "2023-12"]),
        ("nzcli update T1 --period ", ["latest", "2023-12"]),
        ("nzcli update T1 --stage ", ["discovery", "design", "delivery", "completed"]),
        ("nzcli update T1 --rag ", ["red", "amber", "green", "unrated"]),
        ("nzcli li", ["list"]),
        ("nzcli sheet ", ["latest", "2023-12"]),
        ("nzcli status ", ["latest", "2023-12"]),
        ("nzcli update T1 --clear ", ["stage", "rag", "text", "owner"]),
        ("nzcli pack ", ["latest", "2023-12"]),
        ("nzcli pack 2023-12 --by ", ["owner", "theme"]),
        (
            "nzcli diff 2023-12 latest --only ",
            [
                "newly-red",
                "rag-worse",
                "stage-back",
                "rag-removed",
                "rag-rated",
                "stage-changed",
                "first-update",
                "new-action",
                "rag-better",
                "stage-forward",
                "not-updated",
            ],
        ),
    ],
)
def test_enumerated_values_complete(line: str, expected: list[str]) -> None:
    assert words(line) == expected


def test_values_with_spaces_are_escaped_for_bash() -> None:
    found = complete("nzcli list --partner Midl")
    assert found == [
        ("Midlands\\ Connect", "Midlands Connect"),
        ("Midlands\\ Net\\ Zero\\ Hub", "Midlands Net Zero Hub"),
    ]
    assert words("nzcli partners Business") == ["Business", "Business - charge point operators"]
    assert words("nzcli list --section 'Public") == ["Public Transport"]
    assert words("nzcli list --partner LPA") == ["LPA'S"]  # a quote in a name, escaped too


def test_completion_honours_data_wherever_it_is_given() -> None:
    expected = ["latest", "2023-12", "2024-06"]
    assert words(f"nzcli --data {MINI} report ") == expected
    assert words(f"nzcli report --data {MINI} ") == expected
    assert words(f"nzcli diff --data {MINI} 2023-12 ") == expected
    assert words(f"nzcli list --data {MINI} --period ") == expected
    assert words("nzcli list --period ", NZCLI_DATA=MINI) == expected
    assert words(f"nzcli list --data {MINI} --partner ") == [
        "Districts",
        "Midlands Connect",
        "Ofgem",
    ]
    assert words(f"nzcli list --data {MINI} --theme ") == [
        "transport",
        "nature-and-land-use",
        "cross-cutting",
    ]
    assert words(f"nzcli list --data {MINI} --section ") == [
        "Policy and Strategy",
        "Public Transport",
        "Land Management and Use",
        "Leadership",
        "none",
    ]


def test_owners_complete_from_the_data(tmp_path: Path) -> None:
    text = SHIPPED.read_text("utf-8").replace(
        "  - id: T1\n", "  - id: T1\n    owner: Transport Policy Team\n", 1
    )
    plan = tmp_path / "owned.yaml"
    plan.write_text(text, encoding="utf-8")
    from nzcli.cli.complete import values

    assert values("owner", "trans", str(plan), {}) == ["Transport Policy Team"]
    assert values("owner", "", str(SHIPPED), {}) == []


def test_a_broken_plan_completes_nothing_rather_than_failing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("plan: [\n", encoding="utf-8")
    assert words(f"nzcli list --data {broken} --partner ") == []
