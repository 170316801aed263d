"""Open data: `export --format datapackage` is a valid Frictionless Data Package (checked with
the frictionless package), `--format sqlite` a database with keys, and `--format yaml` the
data file's own text."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from frictionless import Package, validate

from conftest import FIXTURES, SHIPPED, Run
from nzcli import load_plan

MINI = str(FIXTURES / "mini.yaml")
TABLES = [
    "periods",
    "themes",
    "sections",
    "partners",
    "partner_aliases",
    "actions",
    "action_partners",
    "updates",
    "update_stages",
]


def export_package(run: Run, folder: Path, *more: str) -> dict[str, Any]:
    result = run("export", "--format", "datapackage", "--output", str(folder), *more)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), result
    descriptor: dict[str, Any] = json.loads((folder / "datapackage.json").read_text("utf-8"))
    return descriptor


def rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def report_errors(path: Path) -> list[str]:
    report = validate(str(path))
    return [] if report.valid else [str(e[0]) for e in report.flatten(["message"])]


# ---------------------------------------------------------------------------------------------
# Data package


@pytest.mark.parametrize("data", [str(SHIPPED), MINI])
def test_data_package_is_valid_frictionless(run: Run, tmp_path: Path, data: str) -> None:
    folder = tmp_path / "pkg"
    descriptor = export_package(run, folder, "--data", data)
    assert report_errors(folder / "datapackage.json") == []
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["format_version"] == 1
    assert [r["name"] for r in descriptor["resources"]] == TABLES
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["datapackage.json", *(f"{t}.csv" for t in TABLES)]
    )


def test_data_package_holds_the_plan(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    descriptor = export_package(run, folder)
    plan = load_plan(SHIPPED)
    actions = rows(folder, "actions")
    assert [a["id"] for a in actions] == [a.id for a in plan.actions]
    by_id = {a.id: a for a in plan.actions}
    for row in actions:
        action = by_id[row["id"]]
        assert row["action"] == action.action
        assert row["theme"] == action.theme
        assert row["section"] == (action.section or "")
    assert len(rows(folder, "updates")) == sum(len(a.updates) for a in plan.actions) == 176
    t17 = [r for r in rows(folder, "update_stages") if r["action_id"] == "T17"]
    assert [(r["position"], r["stage"]) for r in t17] == [
        ("1", "delivery"),
        ("2", "design"),
        ("3", "discovery"),
    ]
    single = next(r for r in rows(folder, "update_stages") if r["action_id"] == "T1")
    assert (single["scheme"], single["stage"]) == ("", "design")
    links = rows(folder, "action_partners")
    assert len(links) == sum(len(a.partners) for a in plan.actions)
    assert [r["name"] for r in rows(folder, "partners")] == [p.name for p in plan.partners]
    # keys are declared, and frictionless reads the typed values back
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    assert schemas["actions"]["primaryKey"] == ["id"]
    assert {"fields": ["theme"], "reference": {"resource": "themes", "fields": ["key"]}} in (
        schemas["actions"]["foreignKeys"]
    )
    assert schemas["update_stages"]["foreignKeys"] == [
        {
            "fields": ["action_id", "period"],
            "reference": {"resource": "updates", "fields": ["action_id", "period"]},
        }
    ]
    package = Package(str(folder / "datapackage.json"))
    typed = package.get_resource("actions").read_rows()
    b21 = next(r for r in typed if r["id"] == "B21")
    assert b21["deliverability_score"] == 6 and b21["position"] > 0
    assert next(r for r in typed if r["id"] == "N6")["deliverability_score"] is None


def test_frictionless_catches_a_changed_file(run: Run, tmp_path: Path) -> None:
    """The descriptor's sizes and hashes make a torn or edited copy detectable, and a broken
    reference fails: the validation can fail."""
    folder = tmp_path / "pkg"
    export_package(run, folder, "--data", MINI)
    actions = folder / "actions.csv"
    actions.write_text(actions.read_text("utf-8").replace("T1,", "T9,", 1), encoding="utf-8")
    assert report_errors(folder / "datapackage.json")
    # with sizes and hashes put right, the dangling reference is what fails
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:
        resource.pop("hash")
        resource.pop("bytes")
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    errors = report_errors(folder / "datapackage.json")
    assert any("foreign" in e.casefold() or "reference" in e.casefold() for e in errors), errors


def test_data_package_is_deterministic(run: Run, tmp_path: Path) -> None:
    export_package(run, tmp_path / "a")
    export_package(run, tmp_path / "b")
    for name in ["datapackage.json", *(f"{t}.csv" for t in TABLES)]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_data_package_needs_a_folder(run: Run, tmp_path: Path) -> None:
    result = run("export", "--format", "datapackage")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "nzcli: error: --format datapackage writes a folder of files; give --output DIR\n"
    )
    a_file = tmp_path / "plan.txt"
    a_file.write_text("keep me", encoding="utf-8")
    result = run("export", "--format", "datapackage", "--output", str(a_file))
    assert result.exit_code == 2
    assert (
        result.stderr == f"nzcli: error: {a_file}: is not a folder; give a folder for the files\n"
    )
    assert a_file.read_text("utf-8") == "keep me"
    missing = tmp_path / "no" / "such"
    result = run("export", "--format", "datapackage", "--output", str(missing))
    assert result.stderr == f"nzcli: error: {missing}: its parent folder does not exist\n"


def test_data_package_leaves_other_files_alone(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "README.md").write_text("mine", encoding="utf-8")
    export_package(run, folder, "--data", MINI)
    export_package(run, folder, "--data", MINI)  # again, over the last one
    assert (folder / "README.md").read_text("utf-8") == "mine"
    assert report_errors(folder / "datapackage.json") == []


def test_data_package_csv_escapes_controls(run: Run, tmp_path: Path) -> None:
    text = (
        Path(MINI)
        .read_text("utf-8")
        .replace(
            "action: Develop a vision for transport.",
            'action: "Develop\\e[2J a vision\\u202e for transport."',
        )
    )
    data = tmp_path / "nasty.yaml"
    data.write_text(text, encoding="utf-8")
    folder = tmp_path / "pkg"
    export_package(run, folder, "--data", str(data))
    raw = (folder / "actions.csv").read_text("utf-8")
    assert "\x1b" not in raw and "\u202e" not in raw
    assert "Develop\\x1b[2J a vision\\u202e for transport." in raw
    assert report_errors(folder / "datapackage.json") == []


# ---------------------------------------------------------------------------------------------
# SQLite


def test_sqlite_has_the_tables_with_keys(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "plan.sqlite"
    result = run("export", "--output", str(target))  # the extension chooses sqlite
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    db = sqlite3.connect(target)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert names == TABLES
        assert db.execute("SELECT count(*) FROM actions").fetchone() == (176,)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        pk = [r[1] for r in db.execute("PRAGMA table_info(updates)") if r[5]]
        assert pk == ["action_id", "period"]
        fks = {(r[2], r[3], r[4]) for r in db.execute("PRAGMA foreign_key_list(update_stages)")}
        assert fks == {("updates", "action_id", "action_id"), ("updates", "period", "period")}
        assert db.execute(
            "SELECT deliverability_score, typeof(deliverability_score) FROM actions WHERE id='B21'"
        ).fetchone() == (6.0, "real")
        joined = db.execute(
            "SELECT a.id, s.scheme, s.stage FROM actions a JOIN update_stages s "
            "ON s.action_id = a.id WHERE a.id = 'T17' ORDER BY s.position"
        ).fetchall()
        assert [r[2] for r in joined] == ["delivery", "design", "discovery"]
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("INSERT INTO action_partners VALUES ('T1', 'Nobody', 9)")
    finally:
        db.close()


def test_sqlite_is_deterministic(run: Run, tmp_path: Path) -> None:
    for name in ("a.db", "b.sqlite3"):
        assert run("export", "--output", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.sqlite3").read_bytes()
    assert run("export", "--format", "sqlite").stdout_bytes == (tmp_path / "a.db").read_bytes()


# ---------------------------------------------------------------------------------------------
# YAML: the file itself


@pytest.mark.parametrize("source", [SHIPPED, FIXTURES / "mini.yaml"])
def test_yaml_export_is_the_files_own_text(run: Run, tmp_path: Path, source: Path) -> None:
    copy = tmp_path / "plan.yaml"
    shutil.copyfile(source, copy)
    result = run("export", "--format", "yaml", "--data", str(copy))
    assert result.exit_code == 0
    assert result.stdout_bytes == source.read_bytes()
    assert "null" not in result.stdout or "null" in source.read_text("utf-8")
    target = tmp_path / "out.yml"
    assert run("export", "--data", str(copy), "--output", str(target)).exit_code == 0
    assert target.read_bytes() == source.read_bytes()
    # the comments are kept: they are half of what makes the file readable
    assert result.stdout.startswith("#")


def test_export_extension_decides_the_format(run: Run, tmp_path: Path) -> None:
    expected = {
        "x.json": lambda b: json.loads(b)["format_version"] == 1,
        "x.yaml": lambda b: b.startswith(b"#"),
        "x.ndjson": lambda b: len(b.splitlines()) == 176,
        "x.db": lambda b: b.startswith(b"SQLite format 3\x00"),
    }
    for name, check in expected.items():
        target = tmp_path / name
        assert run("export", "--output", str(target)).exit_code == 0, name
        assert check(target.read_bytes()), name


def test_csv_tables_read_back_with_the_csv_module(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    export_package(run, folder)
    data = (folder / "updates.csv").read_text("utf-8")
    parsed = list(csv.reader(io.StringIO(data, newline="")))
    assert parsed[0] == ["action_id", "period", "rag", "text"]
    assert len(parsed) == 177
