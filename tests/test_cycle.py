"""The reporting cycle end to end, through the command line, as a programme officer runs it:
a working copy (`init`, how nzcli finds it, the shipped plan read-only), draft and published
periods (`latest` is the latest published), the full round with its history and undo."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import SHIPPED, Run
from nzcli import load_plan
from nzcli.model import Rag, Stage
from nzcli.store import PLAN_FILE, resolve_data_path
from nzcli.vocab import CARRY

SHIPPED_HINT = (
    "is the plan shipped with nzcli and is read-only; run `nzcli init` to make a working copy "
    "(nzcli.yaml) in this folder, or give --data FILE"
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty folder to work in (the current folder), with no plan in it or above."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# The shipped plan is read-only


@pytest.mark.parametrize(
    "args",
    [
        ["period", "add", "2024-06"],
        ["period", "publish", "2023-12"],
        ["period", "remove", "2023-12"],
        ["update", "T1", "--period", "2023-12", "--rag", "red", "--reopen"],
        ["update", "T1", "--owner", "Transport team"],
        ["import", "sheet.csv", "--period", "2023-12"],
        ["undo"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_an_edit_without_data_in_a_fresh_folder_is_refused(
    run: Run, folder: Path, args: list[str]
) -> None:
    (folder / "sheet.csv").write_text("id,update\nT1,words\n", encoding="utf-8")
    before = SHIPPED.read_bytes()
    result = run(*args)
    assert result.exit_code == 2, result
    assert result.stderr == f"nzcli: error: {SHIPPED} {SHIPPED_HINT}\n"
    assert SHIPPED.read_bytes() == before
    assert not SHIPPED.with_name("actions.yaml.history.jsonl").exists()


def test_the_shipped_plan_is_refused_even_when_named(run: Run, folder: Path) -> None:
    for how in (("--data", str(SHIPPED)),):
        result = run("period", "add", "2024-06", *how)
        assert result.exit_code == 2, result
        assert SHIPPED_HINT in result.stderr
    result = run("period", "add", "2024-06", env={"NZCLI_DATA": str(SHIPPED)})
    assert result.exit_code == 2 and SHIPPED_HINT in result.stderr


def test_read_commands_still_read_the_shipped_plan(run: Run, folder: Path) -> None:
    result = run("list", "--id", "T1", "--format", "json")
    assert result.exit_code == 0, result
    assert [r["id"] for r in json.loads(result.stdout)["actions"]] == ["T1"]
    assert resolve_data_path(None, {}, folder) == SHIPPED


# ---------------------------------------------------------------------------------------------
# init, and how nzcli finds the plan


def test_init_copies_the_shipped_plan_and_says_how_it_is_found(run: Run, folder: Path) -> None:
    result = run("init")
    assert result.exit_code == 0, result
    assert result.stderr == (
        "created nzcli.yaml: a copy of the plan shipped with nzcli\n"
        "nzcli uses it when run in this folder or any folder inside it; from elsewhere, give "
        f"--data {folder / PLAN_FILE} or set NZCLI_DATA\n"
    )
    assert (folder / PLAN_FILE).read_bytes() == SHIPPED.read_bytes()
    history = [json.loads(line) for line in (folder / "nzcli.yaml.history.jsonl").open()]
    assert [(e["command"], e["changes"][0]["after"]) for e in history] == [
        ("init", "a copy of the plan shipped with nzcli")
    ]
    # found from the folder and from a folder inside it
    inner = folder / "reports" / "2024"
    inner.mkdir(parents=True)
    assert resolve_data_path(None, {}, inner) == folder / PLAN_FILE
    assert resolve_data_path(None, {"NZCLI_DATA": "x.yaml"}, inner) == Path("x.yaml")
    assert resolve_data_path("y.yaml", {"NZCLI_DATA": "x.yaml"}, inner) == Path("y.yaml")
    # and edits now go there
    result = run("period", "add", "2024-06")
    assert result.exit_code == 0, result
    assert f"to {folder / PLAN_FILE}" in result.stderr
    assert load_plan(folder / PLAN_FILE).newest_period.id == "2024-06"


def test_init_refuses_to_overwrite(run: Run, folder: Path) -> None:
    assert run("init").exit_code == 0
    assert run("period", "add", "2024-06").exit_code == 0
    before = (folder / PLAN_FILE).read_bytes()
    result = run("init")
    assert result.exit_code == 2, result
    assert result.stderr == (
        f"nzcli: error: {PLAN_FILE} already exists; nzcli uses the plan there (nothing was "
        "changed). To start again, move it away first\n"
    )
    assert (folder / PLAN_FILE).read_bytes() == before


def test_init_into_a_folder_and_with_nzcli_data_set(run: Run, folder: Path) -> None:
    result = run("init", "plans/leics", env={"NZCLI_DATA": "/elsewhere/plan.yaml"})
    assert result.exit_code == 0, result
    assert (folder / "plans" / "leics" / PLAN_FILE).is_file()
    assert "nzcli uses it when run in plans/leics or any folder inside it" in result.stderr
    assert "note: NZCLI_DATA is set (/elsewhere/plan.yaml) and comes first" in result.stderr


def test_init_empty_with_options(run: Run, folder: Path) -> None:
    result = run(
        "init",
        "--empty",
        "--title",
        "Rutland Climate Plan: 2030",
        "--organisation",
        "Rutland County Council",
        "--period",
        "june-2024",
    )
    assert result.exit_code == 0, result
    assert "an empty plan for Rutland County Council" in result.stderr
    plan = load_plan(folder / PLAN_FILE)
    assert (plan.plan.title, plan.plan.organisation) == (
        "Rutland Climate Plan: 2030",
        "Rutland County Council",
    )
    assert [(p.id, p.name, p.status) for p in plan.periods] == [("2024-06", "June 2024", "draft")]
    assert plan.themes == [] and plan.actions == []
    check = run("check")
    assert check.exit_code == 0, check
    assert run("list").exit_code == 0


def test_init_empty_asks(run: Run, folder: Path) -> None:
    result = run("init", "--empty", input="Oakham Net Zero Plan\nOakham Town Council\n2024-12\n")
    assert result.exit_code == 0, result
    assert result.stderr.startswith(
        "Plan title: Organisation: First period (YYYY-MM): created nzcli.yaml"
    )
    plan = load_plan(folder / PLAN_FILE)
    assert plan.plan.organisation == "Oakham Town Council"
    assert plan.periods[0].id == "2024-12"


def test_init_empty_without_answers_is_refused(run: Run, folder: Path) -> None:
    result = run("init", "--empty", "--title", "T", input="")
    assert result.exit_code == 2, result
    assert result.stderr.endswith(
        "nzcli: error: --organisation is required: give it on the command line "
        "(--organisation ...)\n"
    )
    assert not (folder / PLAN_FILE).exists()
    result = run("init", "--title", "T")
    assert result.exit_code == 2
    assert "--title, --organisation and --period go with --empty" in result.stderr
    result = run("init", "--empty", "--title", "T", "--organisation", "O", "--period", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a period id" in result.stderr


# ---------------------------------------------------------------------------------------------
# Draft and published periods


@pytest.fixture
def working(run: Run, folder: Path) -> Path:
    """A working copy of the shipped plan with a draft period, 2024-06."""
    assert run("init").exit_code == 0
    assert run("period", "add", "2024-06").exit_code == 0
    return folder / PLAN_FILE


def test_latest_is_unchanged_by_a_draft(run: Run, working: Path) -> None:
    report = json.loads(run("report", "latest", "--format", "json").stdout)
    assert report["period"] == {"id": "2023-12", "name": "December 2023"}
    assert report["draft"] is False
    listed = json.loads(run("list", "--id", "T1", "--format", "json").stdout)["actions"]
    assert listed[0]["period"] == "2023-12"
    assert listed[0]["stage"] == [{"scheme": None, "stage": "design"}]
    result = run("diff", "2023-12", "latest")
    assert result.exit_code == 2
    assert "PERIOD_A and PERIOD_B are both 2023-12" in result.stderr
    check = json.loads(run("check", "--format", "json").stdout)
    assert not [p for p in check["problems"] if p["code"] == "no-update"]
    periods = json.loads(run("periods", "--format", "json").stdout)["periods"]
    assert [(p["id"], p["status"], p["latest"]) for p in periods] == [
        ("2023-12", "published", True),
        ("2024-06", "draft", False),
    ]


def test_a_report_of_a_draft_says_so(run: Run, working: Path) -> None:
    doc = json.loads(run("report", "2024-06", "--format", "json").stdout)
    assert doc["draft"] is True
    md = run("report", "2024-06", "--format", "md").stdout
    assert md.splitlines()[2] == (
        "> **Draft — not published. These updates are still being gathered and may change.**"
    )
    html = run("report", "2024-06", "--format", "html").stdout
    assert "Draft — not published" in html
    assert "Draft — not published" not in run("report", "latest", "--format", "md").stdout


def test_completion_offers_drafts_to_publish(working: Path) -> None:
    from nzcli.cli.complete import values

    assert values("draft", "", str(working), {}) == ["2024-06"]
    assert values("period", "", str(working), {}) == ["latest", "2023-12", "2024-06"]


def test_a_published_period_is_read_only_unless_reopened(run: Run, working: Path) -> None:
    before = working.read_bytes()
    result = run("update", "T1", "--period", "2023-12", "--rag", "red")
    assert result.exit_code == 2, result
    assert result.stderr == (
        "nzcli: error: 2023-12 (December 2023) is published and read-only; to correct it, give "
        "--reopen (the history records the reopening)\n"
    )
    assert working.read_bytes() == before
    result = run("update", "T1", "--period", "latest", "--rag", "red", "--reopen")
    assert result.exit_code == 0, result
    assert "note: 2023-12 (December 2023) is published: reopened (--reopen)" in result.stderr
    entry = json.loads(run("history", "--format", "json").stdout)["entries"][0]
    assert entry["reopened"] == ["2023-12"]
    assert entry["command"] == "update T1 --period latest --rag red --reopen"
    assert entry["changes"] == [
        {"action": "T1", "period": "2023-12", "field": "rag", "before": None, "after": "red"}
    ]
    # the draft is open: no --reopen needed
    assert run("update", "T1", "--period", "2024-06", "--rag", "green").exit_code == 0


def test_latest_with_no_period_published(run: Run, folder: Path) -> None:
    args = ["--title", "T", "--organisation", "O", "--period", "2024-06"]
    assert run("init", "--empty", *args).exit_code == 0
    result = run("report", "latest")
    assert result.exit_code == 2
    assert result.stderr == (
        "nzcli: error: no period is published yet, so there is no latest period (2024-06 is a "
        "draft): name the period (--period 2024-06) or publish it with "
        "`nzcli period publish 2024-06`\n"
    )
    assert run("report", "2024-06", "--format", "json").exit_code == 0


def test_publish_refuses_while_updates_are_missing(run: Run, folder: Path, mini: Path) -> None:
    data = ("--data", str(mini))
    assert run("period", "add", "2024-12", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-12", "--text", "Done.", *data).exit_code == 0
    assert run("update", "T2", "--owner", "Bus team", *data).exit_code == 0
    before = mini.read_bytes()
    result = run("period", "publish", "2024-12", *data)
    assert result.exit_code == 2, result
    assert result.stderr.splitlines() == [
        "no update for 2024-12: T2 (owner: Bus team)",
        "no update for 2024-12: T10",
        "no update for 2024-12: N1",
        "no update for 2024-12: X1",
        "nzcli: error: 2024-12 cannot be published: 4 actions have no update for it (listed "
        "above; `nzcli status 2024-12` shows who owes them); record them, or give "
        "--allow-missing to publish without them",
    ]
    assert mini.read_bytes() == before
    result = run("period", "publish", "2024-12", "--allow-missing", "--date", "2025-01-20", *data)
    assert result.exit_code == 0, result
    assert result.stderr.endswith(
        f"published period 2024-12 (December 2024) on 2025-01-20 in {mini}\n"
    )
    plan = load_plan(mini)
    assert plan.latest_period.id == "2024-12"
    assert (plan.latest_period.status, plan.latest_period.published) == ("published", "2025-01-20")
    assert '    status: published\n    published: "2025-01-20"\n' in mini.read_text("utf-8")
    again = run("period", "publish", "2024-12", *data)
    assert again.exit_code == 2
    assert "2024-12 (December 2024) is already published on 2025-01-20" in again.stderr
    assert (
        "--date: '20/01/2025' is not a date"
        in run("period", "publish", "2024-12", "--date", "20/01/2025", *data).stderr
    )


def test_period_remove_takes_drafts_only_and_undo_brings_it_back(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    assert run("period", "add", "2024-12", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-12", "--rag", "red", *data).exit_code == 0
    with_draft = mini.read_bytes()
    result = run("period", "remove", "2024-12", *data)
    assert result.exit_code == 0, result
    assert result.stderr == (
        "note: 1 update for 2024-12 removed with it (kept in the history; `nzcli undo` brings "
        "them back)\n"
        f"removed draft period 2024-12 (December 2024) from {mini}\n"
    )
    plan = load_plan(mini)
    assert [p.id for p in plan.periods] == ["2023-12", "2024-06"]
    assert all("2024-12" not in a.updates for a in plan.actions)
    assert run("undo", *data).exit_code == 0
    assert mini.read_bytes() == with_draft
    refused = run("period", "remove", "2024-06", *data)
    assert refused.exit_code == 2
    assert "2024-06 (June 2024) is published; only a draft period can be removed" in (
        refused.stderr
    )
    assert (
        "name the period (such as 2024-06), not latest"
        in run("period", "remove", "latest", *data).stderr
    )


# ---------------------------------------------------------------------------------------------
# The full round


def test_the_full_cycle(run: Run, folder: Path) -> None:
    plan_file = folder / PLAN_FILE
    assert run("init").exit_code == 0
    assert run("period", "add", "2024-06").exit_code == 0

    # export the update sheet, fill it in as the officers would
    sheet = folder / "june-2024.csv"
    result = run("sheet", "2024-06", "--excel", "--output", str(sheet))
    assert result.exit_code == 0, result
    rows = rows_of(sheet.read_bytes().decode("utf-8"))
    assert len(rows) == 176
    t1 = next(r for r in rows if r["id"] == "T1")
    assert (t1["previous_period"], t1["previous_stage"], t1["period"], t1["stage"]) == (
        "2023-12",
        "design",
        "2024-06",
        CARRY,
    )
    filled = {
        "T1": {"rag": "Red", "update": "LTP4 is delayed to 2025: £1.2m funding gap."},
        "T2": {"stage": "design", "rag": "amber", "update": "Back to design after the review."},
        "T3": {"stage": "", "update": "Work continues with the districts."},
        "B1": {"update": "Café retrofit — complete.", "owner": "Warm Homes team"},
    }
    for row in rows:
        row.update(filled.get(row["id"], {}))
    write_rows(sheet, rows)

    before_import = plan_file.read_bytes()
    dry = run("import", str(sheet), "--dry-run")
    assert dry.exit_code == 0, dry
    assert plan_file.read_bytes() == before_import
    result = run("import", str(sheet))
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[-1] == (
        f"imported 4 updates for 2024-06 from {sheet} (172 of 176 rows unchanged) into {plan_file}"
    )
    plan = load_plan(plan_file)
    t1_june = plan.action("T1").updates["2024-06"]  # type: ignore[union-attr]
    assert (t1_june.stage, t1_june.rag, t1_june.text) == (
        Stage.DESIGN,  # carried forward: the sheet said "no change since last time"
        Rag.RED,
        "LTP4 is delayed to 2025: £1.2m funding gap.",
    )
    assert plan.action("T3").updates["2024-06"].stage is None  # type: ignore[union-attr]
    assert plan.action("B1").owner == "Warm Homes team"  # type: ignore[union-attr]
    assert sum(1 for a in plan.actions if "2024-06" in a.updates) == 4

    # chase, publish
    status = json.loads(run("status", "2024-06", "--format", "json").stdout)
    assert (status["actions"], status["owing"]) == (176, 172)
    refused = run("period", "publish", "2024-06")
    assert refused.exit_code == 2
    assert "172 actions have no update for it" in refused.stderr
    draft_report = run("report", "2024-06", "--format", "md").stdout
    assert "Draft — not published" in draft_report
    assert run("period", "publish", "2024-06", "--allow-missing").exit_code == 0

    # report and diff of the published round
    page = folder / "progress.html"
    assert (
        run("report", "latest", "--format", "html", "--output", str(page), "--quiet").exit_code == 0
    )
    assert "June 2024" in page.read_text("utf-8")
    assert "Draft — not published" not in page.read_text("utf-8")
    diff = json.loads(run("diff", "2023-12", "latest", "--format", "json").stdout)
    assert [c["id"] for c in diff["changes"][:2]] == ["T1", "T2"]
    assert not {"T3", "B1"} & {c["id"] for c in diff["changes"]}  # no stage or RAG change
    assert diff["changes"][0]["kinds"] == ["newly_red"]
    assert diff["changes"][1]["kinds"] == ["stage_back", "rag_rated"]
    assert diff["changes"][-1]["kinds"] == ["not_updated"]

    # the history shows each step, newest first; undo takes the last back
    history = json.loads(run("history", "--format", "json").stdout)["entries"]
    assert [e["command"] for e in history] == [
        "period publish 2024-06 --allow-missing",
        f"import {sheet}",
        "period add 2024-06",
        "init",
    ]
    assert {(c["action"], c["field"]) for c in history[1]["changes"]} == {
        ("T1", "update"),
        ("T2", "update"),
        ("T3", "update"),
        ("B1", "update"),
        ("B1", "owner"),
    }
    before_publish = run("periods", "--format", "json").stdout
    assert '"status": "published"' in before_publish
    result = run("undo")
    assert result.exit_code == 0, result
    assert result.stderr.startswith("undid `period publish 2024-06 --allow-missing` of ")
    assert load_plan(plan_file).period("2024-06").status == "draft"  # type: ignore[union-attr]
    assert run("report", "latest", "--format", "json").exit_code == 0
    assert json.loads(run("report", "latest", "--format", "json").stdout)["period"]["id"] == (
        "2023-12"
    )
    history = json.loads(run("history", "--format", "json").stdout)["entries"]
    assert history[0]["command"] == "undo" and history[0]["undoes"] == history[1]["id"]


def test_the_readme_round_works_as_written(run: Run, folder: Path) -> None:
    """README's workflow lines, typed in order in a new folder: each works (publishing waits
    for the missing updates, and says so), and nothing is written into the installed plan."""
    import shlex

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme[readme.index("mkdir netzero && cd netzero") :]
    block = block[: block.index("```")]
    shipped = SHIPPED.read_bytes()
    ran = []
    for line in block.splitlines()[1:]:
        words = shlex.split(line, comments=True)
        if not words:
            continue
        assert words[0] == "nzcli", line
        result = run(*words[1:])
        ran.append(words[1])
        if words[1:3] == ["period", "publish"]:
            assert result.exit_code == 2, result
            assert "have no update for it" in result.stderr
            assert run(*words[1:], "--allow-missing").exit_code == 0
        else:
            assert result.exit_code == 0, (line, result)
    assert ran == [
        "init", "period", "sheet", "import", "import", "pack", "import", "status", "update",
        "period", "diff", "history",
    ]  # fmt: skip
    assert SHIPPED.read_bytes() == shipped
    assert load_plan(folder / PLAN_FILE).latest_period.id == "2024-06"
