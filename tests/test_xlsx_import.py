"""`nzcli import` reads workbooks: returned update packs and plain workbooks with a header
row, through the same checked, locked, recorded write as CSV (history and undo), all or
nothing across files, every problem named FILE: SHEET!CELL."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import Run
from nzcli import load_plan
from nzcli.model import Rag, Stage
from nzcli.packs import NO_CHANGE
from nzcli.storage.history import history_path
from test_packs import fill, soffice_resave


@pytest.fixture
def plan_file(mini: Path, run: Run) -> Path:
    """mini with a draft period, December 2024, to gather updates for."""
    assert run("period", "add", "2024-12", "--data", str(mini)).exit_code == 0
    return mini


@pytest.fixture
def pack_file(plan_file: Path, run: Run, tmp_path: Path) -> Path:
    out = tmp_path / "pack.xlsx"
    assert run("pack", "2024-12", "--data", str(plan_file), "-o", str(out)).exit_code == 0
    return out


ANSWERS = {
    "O2": "Completed",
    "P2": NO_CHANGE,  # T1 was green in June 2024
    "Q2": "£5,000 spent; café opened.\nSecond line — done.",
    "Q4": "  Trial agreed with Zoë Brontë.  ",
}


def updates(path: Path, period: str = "2024-12") -> dict[str, tuple[object, ...]]:
    plan = load_plan(path)
    return {
        a.id: (a.updates[period].stage, a.updates[period].rag, a.updates[period].text)
        for a in plan.actions
        if period in a.updates
    }


def refused(result: object, path: Path, before: bytes) -> list[str]:
    assert result.exit_code == 2, result  # type: ignore[attr-defined]
    assert path.read_bytes() == before
    return result.stderr.splitlines()  # type: ignore[attr-defined,no-any-return]


def test_a_filled_in_pack_imports_exactly_its_answers_and_undo_restores_the_bytes(
    pack_file: Path, plan_file: Path, run: Run
) -> None:
    fill(pack_file, ANSWERS)
    data = ("--data", str(plan_file))
    before = plan_file.read_bytes()
    june = updates(plan_file, "2024-06")
    dry = run("import", str(pack_file), "--dry-run", *data)
    assert dry.exit_code == 0, dry
    assert plan_file.read_bytes() == before
    assert "+        text: £5,000 spent; café opened. Second line — done." in dry.stdout
    result = run("import", str(pack_file), *data)
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[-1] == (
        f"imported 2 updates for 2024-12 from {pack_file} (0 of 2 rows unchanged) into "
        f"{plan_file}"
    )
    # the pack's period is the import's; "No change" carried June's RAG; texts cleaned as
    # for CSV (one line, trimmed); nothing else touched
    assert updates(plan_file) == {
        "T1": (Stage.COMPLETED, Rag.GREEN, "£5,000 spent; café opened. Second line — done."),
        "T10": (None, None, "Trial agreed with Zoë Brontë."),
    }
    assert updates(plan_file, "2024-06") == june
    history = run("history", "--format", "json", *data)
    assert f"import {pack_file}" in history.stdout
    undo = run("undo", *data)
    assert undo.exit_code == 0, undo
    assert plan_file.read_bytes() == before


def test_no_change_chosen_in_a_pack_is_an_answer(
    pack_file: Path, plan_file: Path, run: Run
) -> None:
    """An officer who chooses "No change since last time" for stage and RAG has answered:
    June's values are recorded for December (a blank would have changed nothing)."""
    fill(pack_file, {"O2": NO_CHANGE, "P2": NO_CHANGE})
    result = run("import", str(pack_file), "--data", str(plan_file))
    assert result.exit_code == 0, result
    assert updates(plan_file) == {"T1": (Stage.DELIVERY, Rag.GREEN, None)}


def test_a_pack_with_nothing_filled_in_changes_nothing(
    pack_file: Path, plan_file: Path, run: Run
) -> None:
    before = plan_file.read_bytes()
    result = run("import", str(pack_file), "--data", str(plan_file))
    assert result.exit_code == 0, result
    assert plan_file.read_bytes() == before
    assert result.stderr == (
        f"no change: every row of {pack_file} matches 2024-12 already, or is blank; "
        f"{plan_file} is unchanged\n"
    )


@pytest.mark.slow
def test_a_pack_saved_again_by_libreoffice_imports_the_same(
    pack_file: Path, plan_file: Path, run: Run, tmp_path: Path
) -> None:
    fill(pack_file, ANSWERS)
    saved = soffice_resave(pack_file, tmp_path / "libreoffice")
    other = tmp_path / "other.yaml"
    shutil.copyfile(plan_file, other)
    assert run("import", str(pack_file), "--data", str(plan_file)).exit_code == 0
    result = run("import", str(saved), "--data", str(other))
    assert result.exit_code == 0, result
    assert updates(other) == updates(plan_file)
    assert len(updates(other)) == 2


def test_a_stale_pack_is_refused_then_taken_with_force(
    pack_file: Path, plan_file: Path, run: Run
) -> None:
    fill(pack_file, {"P6": "Red"})
    data = ("--data", str(plan_file))
    changed = run("update", "X1", "--period", "2024-06", "--reopen", "--text", "Later.", *data)
    assert changed.exit_code == 0, changed
    before = plan_file.read_bytes()
    lines = refused(run("import", str(pack_file), *data), plan_file, before)
    assert lines == [
        f"{pack_file}: Updates!A6: X1: X1 changed in the plan since this pack was made; its "
        "answers could undo that change, so check them and make a new pack for it",
        "nzcli: error: 1 problem in 1 workbook (listed above); nothing was imported",
    ]
    forced = run("import", str(pack_file), "--force", *data)
    assert forced.exit_code == 0, forced
    assert updates(plan_file) == {"X1": (None, Rag.RED, None)}


def test_a_pack_imports_into_its_own_period_only(
    pack_file: Path, plan_file: Path, run: Run
) -> None:
    fill(pack_file, ANSWERS)
    before = plan_file.read_bytes()
    for extra in ((), ("--force",), ("--reopen", "--force")):
        result = run(
            "import", str(pack_file), "--period", "2024-06", *extra, "--data", str(plan_file)
        )
        assert refused(result, plan_file, before) == [
            f"nzcli: error: {pack_file}: this update pack is for 2024-12 (December 2024), not "
            "2024-06 (June 2024); import it with --period 2024-12, or make a pack for 2024-06 "
            "(nzcli pack 2024-06)"
        ]
    ok = run("import", str(pack_file), "--period", "december-2024", "--data", str(plan_file))
    assert ok.exit_code == 0, ok


def test_a_formula_is_refused_naming_its_cell(pack_file: Path, plan_file: Path, run: Run) -> None:
    fill(pack_file, {**ANSWERS, "Q3": "=SUM(1,2)"})
    before = plan_file.read_bytes()
    lines = refused(run("import", str(pack_file), "--data", str(plan_file)), plan_file, before)
    assert lines == [
        f"{pack_file}: Updates!Q3: a formula ('=SUM(1,2)'); type the text itself (an "
        "apostrophe first keeps =, + or - as text)",
        "nzcli: error: 1 problem in 1 workbook (listed above); nothing was imported",
    ]
    assert not any("Traceback" in line for line in lines)


def test_two_packs_one_bad_nothing_written_every_problem_listed(
    plan_file: Path, run: Run, tmp_path: Path
) -> None:
    data = ("--data", str(plan_file))
    folder = tmp_path / "packs"
    assert run("pack", "2024-12", "--by", "theme", "-o", str(folder), *data).exit_code == 0
    transport = folder / "2024-12 Transport.xlsx"
    nature = folder / "2024-12 Nature and Land Use.xlsx"
    fill(transport, {"Q2": "Good words."})
    fill(nature, {"P2": "#NAME?", "Q2": "=1+1"})
    before = plan_file.read_bytes()
    lines = refused(run("import", str(transport), str(nature), *data), plan_file, before)
    assert lines == [
        f"{nature}: Updates!P2: a spreadsheet error value ('#NAME?'); type the text itself (a "
        "cell beginning with =, + or - is taken as a formula)",
        f"{nature}: Updates!Q2: a formula ('=1+1'); type the text itself (an apostrophe first "
        "keeps =, + or - as text)",
        "nzcli: error: 2 problems in 1 workbook (listed above); nothing was imported",
    ]
    assert not history_path(plan_file).read_text(encoding="utf-8").count("import")
    fill(nature, {"P2": "Amber", "Q2": None})
    both = run("import", str(transport), str(nature), *data)
    assert both.exit_code == 0, both
    assert updates(plan_file) == {
        "T1": (None, None, "Good words."),
        "N1": (None, Rag.AMBER, None),
    }


def test_a_plain_workbook_and_a_csv_in_one_step(plan_file: Path, run: Run, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "June"
    sheet.append(["Action ID", "Project stage", "RAG", "Progress update", "Notes"])
    sheet.append(["T2", "Design", "no change", "Buses ordered.", "ignored"])
    sheet.append(["N1", "Purple", "Amber", None, None])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    csv_file = tmp_path / "x.csv"
    csv_file.write_text("id,update\nX1,From a CSV.\n", encoding="utf-8")
    data = ("--data", str(plan_file), "--period", "2024-12")
    before = plan_file.read_bytes()
    lines = refused(run("import", str(csv_file), str(plain), *data), plan_file, before)
    assert lines == [
        f"{plain}: June!B3: N1: 'Project stage' (column B): unknown stage 'Purple'. Valid "
        "stages: discovery, design, delivery, completed.",
        f"nzcli: error: {csv_file}, {plain}: 1 problem (listed above); nothing was imported "
        "and the data file is unchanged",
    ]
    fill_plain = openpyxl.load_workbook(plain)
    fill_plain["June"]["B3"] = None
    fill_plain.save(plain)
    result = run("import", str(csv_file), str(plain), *data)
    assert result.exit_code == 0, result
    assert updates(plan_file) == {
        # "no change" in the RAG cell carried June 2024's red into the new update
        "T2": (Stage.DESIGN, Rag.RED, "Buses ordered."),
        "N1": (None, Rag.AMBER, None),
        "X1": (None, None, "From a CSV."),
    }


def test_a_blank_never_erases(plan_file: Path, run: Run, tmp_path: Path) -> None:
    data = ("--data", str(plan_file))
    assert run("update", "T1", "--period", "2024-12", "--text", "Kept.", *data).exit_code == 0
    pack = tmp_path / "pack.xlsx"
    assert run("pack", "2024-12", "-o", str(pack), *data).exit_code == 0
    fill(pack, {"Q2": None, "Q3": "New for T2."})
    result = run("import", str(pack), *data)
    assert result.exit_code == 0, result
    assert (
        f"note: {pack}: Updates!Q2: T1: the update was cleared; a blank changes nothing "
        "(nzcli update --clear clears a value)" in result.stderr.splitlines()
    )
    assert updates(plan_file)["T1"][2] == "Kept."
    assert updates(plan_file)["T2"][2] == "New for T2."


def test_pack_is_quiet_with_quiet(plan_file: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    result = run("pack", "2024-12", "-o", str(out), "--quiet", "--data", str(plan_file))
    assert (result.exit_code, result.stderr) == (0, "")
    assert out.exists()


def test_every_binary_format_is_refused_on_a_terminal() -> None:
    """One mechanism for every binary format (xlsx, docx, sqlite): never to a terminal."""
    from nzcli.cli import app
    from nzcli.cli.context import Context

    for argv, fmt in (
        (["list", "--format", "docx"], "docx"),
        (["report", "latest", "--format", "xlsx"], "xlsx"),
        (["export", "--format", "sqlite"], "sqlite"),
    ):
        ctx = Context.from_process()
        ctx.terminal = True
        err = io.StringIO()
        ctx.stderr = err
        assert app.run(argv, ctx) == 2
        assert err.getvalue() == (
            f"nzcli: error: --format: {fmt} is a file, not text for a terminal; give --output "
            f"FILE.{fmt}\n"
        )
