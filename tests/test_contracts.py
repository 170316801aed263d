"""JSON that keeps its word: every command's real JSON output validates against its published
schema (`nzcli schema --output-of`, docs/schemas/), carries a format_version, uses
identifiers for keys, and never holds a number JSON cannot."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conftest import FIXTURES, ROOT, SHIPPED, Run
from nzcli.cli.read import SCHEMA_OUTPUTS
from nzcli.errors import DataError
from nzcli.render.json import render_json
from nzcli.views.schemas import OUTPUTS, output_schema, plan_schema

MINI = str(FIXTURES / "mini.yaml")
SCHEMAS = ROOT / "docs" / "schemas"
UPDATE = os.environ.get("NZCLI_UPDATE_GOLDEN") == "1"

#: Command lines whose JSON output is checked, by the schema that describes them.
CASES: list[tuple[str, list[str]]] = [
    ("list", ["list"]),
    ("list", ["list", "--columns", "id,stage,rag", "--sort", "score"]),
    ("list", ["list", "--limit", "0"]),
    ("list", ["list", "--rag", "red"]),
    ("list", ["list", "--data", MINI, "--period", "2023-12", "--theme", "T"]),
    ("list", ["list", "--data", MINI, "--rag", "red", "--partner", "districts"]),
    ("show", ["show", "T17"]),
    ("show", ["show", "B21"]),
    ("show", ["show", "N6"]),
    ("show", ["show", "X1"]),
    ("partners", ["partners"]),
    ("partners", ["partners", "Midlands Connect"]),
    ("partners", ["partners", "--theme", "transport", "--stage", "design"]),
    ("partners", ["partners", "ofgem", "--data", MINI]),
    ("themes", ["themes"]),
    ("themes", ["themes", "--data", MINI]),
    ("periods", ["periods"]),
    ("periods", ["periods", "--data", MINI]),
    ("summary", ["summary"]),
    ("summary", ["summary", "--by", "stage", "--by", "rag"]),
    ("summary", ["summary", "--by", "partner", "--theme", "T"]),
    ("summary", ["summary", "--by", "section", "--by", "role"]),
    ("summary", ["summary", "--by", "timescale", "--by", "partner", "--data", MINI]),
    ("summary", ["summary", "--id", "Z*"]),
    ("diff", ["diff", "2023-12", "2024-06", "--data", MINI]),
    ("diff", ["diff", "2024-06", "2023-12", "--data", MINI, "--theme", "T"]),
    ("report", ["report", "latest"]),
    ("report", ["report", "2023-12", "--theme", "transport", "--rag", "unrated"]),
    ("report", ["report", "2024-06", "--data", MINI]),
    # three periods: what changed, the trend; then a draft (its banner, no published date)
    ("report", ["report", "2024-12", "--data", str(FIXTURES / "cycle.yaml")]),
    ("report", ["report", "2025-06", "--data", str(FIXTURES / "cycle.yaml")]),
    ("status", ["status", "2024-12", "--data", str(FIXTURES / "cycle.yaml")]),
    ("export", ["export"]),
    ("export", ["export", "--data", MINI]),
    ("check", ["check"]),
    ("check", ["check", "--data", MINI, "--strict"]),
    *[("check", ["check", "--data", str(p)]) for p in sorted((FIXTURES / "bad").glob("*.yaml"))],
    ("sheet", ["sheet", "2023-12"]),
    ("sheet", ["sheet", "2024-06", "--data", MINI, "--theme", "T"]),
    ("status", ["status", "2023-12"]),
    ("status", ["status", "2024-06", "--data", MINI]),
    ("history", ["history", "--data", MINI]),  # (no history beside it: no entries)
]
NDJSON_CASES: list[tuple[str, list[str]]] = [
    ("list-ndjson", ["list"]),
    ("list-ndjson", ["list", "--columns", "id,stage", "--theme", "T"]),
    ("list-ndjson", ["list", "--data", MINI, "--period", "2023-12"]),
    ("export-ndjson", ["export"]),
    ("export-ndjson", ["export", "--data", MINI]),
]


def validator(name: str) -> Draft202012Validator:
    schema = output_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(name: str, document: Any) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_every_output_has_a_schema_and_every_schema_is_offered() -> None:
    assert set(OUTPUTS) == set(SCHEMA_OUTPUTS)
    covered = {name for name, _ in CASES + NDJSON_CASES}
    assert covered == set(OUTPUTS)


@pytest.mark.parametrize(("name", "args"), CASES, ids=[" ".join(a) for _, a in CASES])
def test_output_validates_against_its_schema(run: Run, name: str, args: list[str]) -> None:
    result = run(*args, "--format", "json")
    assert result.exit_code in (0, 1), result
    document = json.loads(result.stdout)
    assert next(iter(document)) == "format_version"
    # the version is the schema's own (urn:nzcli:output:NAME:VERSION)
    assert document["format_version"] == int(output_schema(name)["$id"].rsplit(":", 1)[1])
    assert_valid(name, document)


def test_a_rounds_outputs_validate_against_their_schemas(run: Run, mini: Path) -> None:
    """The outputs of a reporting round in progress: a draft period, owners, carried
    stages, reopening, undo; every document still keeps to its schema."""
    data = ("--data", str(mini))
    for args in (
        ["period", "add", "2024-12"],
        ["update", "T1", "--owner", "Transport team"],
        ["update", "T1", "--period", "2024-12", "--rag", "red", "--text", "Late."],
        ["update", "T2", "--period", "2024-12", "--stage", "Line A: delivery; Line B: design"],
        ["update", "T10", "--period", "2024-06", "--rag", "green", "--reopen"],
        ["undo"],
    ):
        result = run(*args, *data)
        assert result.exit_code == 0, (args, result)
    documents = {
        name: json.loads(run(*args, *data, "--format", "json").stdout)
        for name, args in [
            ("sheet", ["sheet", "2024-12"]),
            ("status", ["status", "2024-12"]),
            ("history", ["history"]),
            ("periods", ["periods"]),
            ("report", ["report", "2024-12"]),
            ("list", ["list", "--period", "2024-12", "--owner", "transport team"]),
            ("diff", ["diff", "2024-06", "2024-12"]),
        ]
    }
    for name, document in documents.items():
        assert next(iter(document)) == "format_version", name
        assert_valid(name, document)
    assert documents["report"]["draft"] is True
    assert [e["command"] for e in documents["history"]["entries"]][:2] == [
        "undo",
        "update T10 --period 2024-06 --rag green --reopen",
    ]
    assert documents["history"]["entries"][1]["reopened"] == ["2024-06"]
    rows = {r["id"]: r for r in documents["sheet"]["rows"]}
    assert rows["N1"]["stage"] == [] and rows["N1"]["carry_stage"] is True  # no update yet
    assert rows["N1"]["previous_stage"] == [{"scheme": None, "stage": "completed"}]
    assert rows["T1"]["stage"] == [] and rows["T1"]["carry_stage"] is False  # RAG only
    assert [s["scheme"] for s in rows["T2"]["stage"]] == ["Line A", "Line B"]
    assert rows["T2"]["carry_stage"] is False
    assert [(a["id"], a["owner"]) for a in documents["list"]["actions"]] == [
        ("T1", "Transport team")
    ]
    assert "newly_red" in documents["diff"]["counts"]


@pytest.mark.parametrize(("name", "args"), NDJSON_CASES, ids=[" ".join(a) for _, a in NDJSON_CASES])
def test_ndjson_lines_validate_against_their_schema(run: Run, name: str, args: list[str]) -> None:
    result = run(*args, "--format", "ndjson")
    assert result.exit_code == 0, result
    lines = result.stdout.split("\n")
    assert lines[-1] == ""  # every line ends with a newline
    assert len(lines) > 1
    check = validator(name)
    for line in lines[:-1]:
        record = json.loads(line)
        assert next(iter(record)) == "format_version"
        errors = list(check.iter_errors(record))
        assert not errors, errors[0].message


def test_ndjson_is_the_json_documents_records(run: Run) -> None:
    listed = json.loads(run("list", "--theme", "T", "-f", "json").stdout)
    lines = run("list", "--theme", "T", "-f", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"format_version": listed["format_version"], **row} for row in listed["actions"]
    ]
    exported = json.loads(run("export", "-f", "json").stdout)
    lines = run("export", "-f", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"format_version": exported["format_version"], **a} for a in exported["actions"]
    ]
    assert len(lines) == 176


def test_output_extension_chooses_ndjson(run: Run, tmp_path: Path) -> None:
    for name in ("out.ndjson", "out.jsonl"):
        target = tmp_path / name
        assert run("list", "--id", "T1", "--output", str(target)).exit_code == 0
        (line,) = target.read_text(encoding="utf-8").splitlines()
        assert json.loads(line)["id"] == "T1"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    columns=st.lists(
        st.sampled_from(
            ["id", "theme", "section", "objectives", "action", "role", "partners", "timescale",
             "cost", "carbon", "score", "period", "stage", "rag", "update"]
        ),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    filters=st.lists(
        st.sampled_from(
            [("--theme", "T"), ("--theme", "nature-and-land-use"), ("--stage", "design"),
             ("--rag", "unrated"), ("--role", "lead"), ("--timescale", "S"), ("--cost", "H"),
             ("--partner", "districts"), ("--objective", "all"), ("--min-score", "9"),
             ("--search", "rail"), ("--id", "T1*"), ("--section", "none")]
        ),
        max_size=3,
    ),
    fmt=st.sampled_from(["json", "ndjson"]),
)  # fmt: skip
def test_any_list_validates(
    run: Run, columns: list[str], filters: list[tuple[str, str]], fmt: str
) -> None:
    args = ["list", "--columns", ",".join(columns), "--format", fmt]
    for flag, value in filters:
        args += [flag, value]
    result = run(*args)
    assert result.exit_code == 0, result
    if fmt == "json":
        assert_valid("list", json.loads(result.stdout))
    else:
        check = validator("list-ndjson")
        for line in result.stdout.splitlines():
            assert not list(check.iter_errors(json.loads(line)))


def test_schema_rejects_what_the_contract_does_not_promise(run: Run) -> None:
    """A schema that accepts anything could not fail: drift in a key is caught."""
    document = json.loads(run("list", "--id", "T1", "-f", "json").stdout)
    document["actions"][0]["colour"] = "red"
    assert list(validator("list").iter_errors(document))
    document = json.loads(run("summary", "-f", "json").stdout)
    document["format_version"] = 99
    assert list(validator("summary").iter_errors(document))
    document = json.loads(run("report", "latest", "-f", "json").stdout)
    document["summary"]["total"]["rag"]["not rated"] = 1
    assert list(validator("report").iter_errors(document))


def test_export_validates_against_the_export_schema_not_the_data_files(run: Run) -> None:
    """The data file's schema has no format_version; the export's has (issue 17's first
    finding: export failed its own schema)."""
    document = json.loads(run("export", "-f", "json").stdout)
    data_schema = Draft202012Validator(plan_schema())
    assert [e.message for e in data_schema.iter_errors(document)] == [
        "Additional properties are not allowed ('format_version' was unexpected)"
    ]
    data_schema.validate({k: v for k, v in document.items() if k != "format_version"})
    assert_valid("export", document)


# ---------------------------------------------------------------------------------------------
# Keys are identifiers


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


@pytest.mark.parametrize(("name", "args"), [c for c in CASES if c[0] != "export"])
def test_keys_are_identifiers(run: Run, name: str, args: list[str]) -> None:
    document = json.loads(run(*args, "--format", "json").stdout)
    found = keys(document)
    if name == "show":  # the updates are keyed by period id, as in the data file
        found -= set(document["updates"])
    bad = sorted(k for k in found if not k.replace("_", "a").isalnum() or not k.islower())
    assert bad == [], bad


# ---------------------------------------------------------------------------------------------
# Schemas are published, and cannot drift


@pytest.mark.parametrize("name", [*SCHEMA_OUTPUTS, "plan"])
def test_published_schema_is_current(name: str) -> None:
    schema = plan_schema() if name == "plan" else output_schema(name)
    text = render_json(schema)
    target = SCHEMAS / f"{name}.json"
    if UPDATE:
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
    assert target.read_text(encoding="utf-8") == text, f"docs/schemas/{name}.json is stale"


def test_schema_command_prints_them(run: Run) -> None:
    for name in SCHEMA_OUTPUTS:
        result = run("schema", "--output-of", name)
        assert result.exit_code == 0, result
        assert result.stdout == (SCHEMAS / f"{name}.json").read_text(encoding="utf-8")
    assert run("schema").stdout == (SCHEMAS / "plan.json").read_text(encoding="utf-8")
    # --data is accepted like on every command
    assert run("schema", "--data", MINI).stdout == run("schema").stdout
    bad = run("schema", "--output-of", "lst")
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert bad.stderr.startswith(
        "nzcli: error: --output-of: unknown output 'lst'; did you mean 'list'?"
    )


# ---------------------------------------------------------------------------------------------
# Numbers JSON cannot hold


def test_the_json_writer_refuses_non_finite_numbers() -> None:
    for value in (math.inf, -math.inf, math.nan):
        with pytest.raises(DataError, match="infinite or not a number"):
            render_json({"score": value})


def test_an_infinite_score_never_becomes_infinity(run: Run, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "deliverability_score: 18\n", "deliverability_score: .inf\n", 1
    )
    path = tmp_path / "inf.yaml"
    path.write_text(text, encoding="utf-8")
    for args in (["list"], ["export"], ["report", "latest"], ["show", "T1"]):
        for fmt in ("json", "ndjson") if args[0] in ("list", "export") else ("json",):
            result = run("--data", str(path), *args, "--format", fmt)
            assert result.exit_code == 2, (args, fmt, result)
            assert "Infinity" not in result.stdout and "NaN" not in result.stdout
            assert result.stdout == ""
            assert result.stderr.startswith("nzcli: error: ")
            assert result.stderr.count("\n") == 1


def test_schema_enumerations_follow_the_code() -> None:
    from typing import get_args

    from nzcli.diff import KINDS
    from nzcli.views import schemas
    from nzcli.views.changes import kind_id
    from nzcli.views.report import RAG_KEYS, STAGE_KEYS

    assert list(get_args(schemas.DiffKind)) == [kind_id(k) for k in KINDS]
    assert list(get_args(schemas.StageKey)) == STAGE_KEYS
    assert list(get_args(schemas.RagKey)) == RAG_KEYS
