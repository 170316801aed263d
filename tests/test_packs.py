"""`nzcli pack` and reading returned packs back (`nzcli.storage.workbook`).

A pack is opened with openpyxl as a spreadsheet program would (dropdowns and the cells they
cover, locked and unlocked cells, last time's values, the hidden metadata); filled in by a
script as an officer would, with every kind of bad cell; and opened and saved again by
LibreOffice, after which it still reads back the same.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXTURES, Run
from nzcli.packs import META_SHEET, NO_CHANGE, NO_OWNER, fingerprint
from nzcli.storage.workbook import Table, WorkbookRejected, read_workbooks
from nzcli.store import load_plan

LAST = "Last time (June 2024)"
HEADERS = [
    "ID",
    "Theme",
    "Section",
    "Action",
    "LCC role",
    "Who may be involved",
    "Owner",
    "Timescale",
    "Cost",
    "Carbon saving",
    "Deliverability score",
    f"{LAST}: stage",
    f"{LAST}: RAG",
    f"{LAST}: update",
    "December 2024: stage",
    "December 2024: RAG",
    "December 2024: update",
]
ROWS = {"T1": 2, "T2": 3, "T10": 4, "N1": 5, "X1": 6}


@pytest.fixture
def plan_file(mini: Path, run: Run) -> Path:
    """The mini plan with a new period, December 2024, to gather updates for."""
    result = run("period", "add", "2024-12", "--data", str(mini))
    assert result.exit_code == 0, result
    return mini


@pytest.fixture
def pack_file(plan_file: Path, run: Run, tmp_path: Path) -> Path:
    out = tmp_path / "pack.xlsx"
    result = run("pack", "2024-12", "--data", str(plan_file), "-o", str(out))
    assert result.exit_code == 0, result
    assert result.stderr == f"wrote 1 update pack for December 2024 (5 actions) to {out}\n"
    return out


def test_the_updates_sheet_as_an_officer_sees_it(pack_file: Path, plan_file: Path) -> None:
    wb = openpyxl.load_workbook(pack_file)
    assert wb.sheetnames == ["Instructions", "Updates", "Lists", META_SHEET]
    assert [wb[n].sheet_state for n in wb.sheetnames] == [
        "visible",
        "visible",
        "hidden",
        "veryHidden",
    ]
    sheet = wb["Updates"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert [sheet.cell(row=r, column=1).value for r in range(2, 7)] == list(ROWS)
    assert sheet.max_row == 6
    t1 = {h: c.value for h, c in zip(HEADERS, sheet[2], strict=True)}
    assert t1 == {
        "ID": "T1",
        "Theme": "Transport",
        "Section": "Policy and Strategy",
        "Action": "Develop a vision for transport.",
        "LCC role": "Lead",
        "Who may be involved": "Districts",
        "Owner": None,
        "Timescale": "S",
        "Cost": "M",
        "Carbon saving": "M",
        "Deliverability score": "12",
        f"{LAST}: stage": "Delivery",
        f"{LAST}: RAG": "Green",
        f"{LAST}: update": "Now delivering.",
        "December 2024: stage": None,
        "December 2024: RAG": None,
        "December 2024: update": None,
    }
    t10 = [c.value for c in sheet[4]]
    assert t10[11:14] == [None, None, "No update for June 2024"]
    # locked, except this period's three columns; the sheet is protected
    assert sheet.protection.sheet is True
    for row in sheet.iter_rows(min_row=1, max_row=6):
        for cell in row:
            editable = cell.row > 1 and cell.column >= 15
            assert cell.protection.locked is not editable, cell.coordinate
    # "last time" is visibly different: grey, italic
    assert sheet["N2"].font.i is True
    assert sheet["N2"].fill.fgColor.rgb == "FFEFEFEF"
    assert sheet["O2"].fill.fgColor.rgb == "FFFFF8C5"
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:Q6"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.oddHeader.left.text == "Test County Council: Test Net Zero Plan"
    assert sheet.oddHeader.right.text == "Update for December 2024"
    assert sheet.column_dimensions["D"].width > 30
    assert sheet["D2"].alignment.wrap_text is True


def test_dropdowns_their_lists_and_the_cells_they_cover(pack_file: Path) -> None:
    wb = openpyxl.load_workbook(pack_file)
    lists = wb["Lists"]
    assert [c.value for c in lists["A"]] == [
        "Stage",
        NO_CHANGE,
        "Discovery",
        "Design",
        "Delivery",
        "Completed",
    ]
    assert [c.value for c in lists["B"]] == ["RAG", NO_CHANGE, "Green", "Amber", "Red", None]
    rules = {
        str(dv.sqref): (dv.type, dv.formula1, dv.showDropDown, dv.errorStyle, dv.promptTitle)
        for dv in wb["Updates"].data_validations.dataValidation
    }
    # (showDropDown False is the file's way of saying the in-cell arrow is shown; no
    # errorStyle is "stop": a value not in the list is refused)
    assert rules == {
        # T2 reports a stage per scheme: no list there, a message saying how to write them
        "O2": ("list", "Lists!$A$2:$A$6", False, None, "December 2024: stage"),
        "O3": (None, None, False, None, "December 2024: stage"),
        "O4:O6": ("list", "Lists!$A$2:$A$6", False, None, "December 2024: stage"),
        "P2:P6": ("list", "Lists!$B$2:$B$5", False, None, "December 2024: RAG"),
        "Q2:Q6": (None, None, False, None, "December 2024: update"),
    }
    prompts = {str(dv.sqref): dv.prompt for dv in wb["Updates"].data_validations.dataValidation}
    # each stage in the plan's words (they fit in an input message); the RAG key's do not
    assert prompts["O2"] == (
        "In discovery (research, fact finding, gather evidence)\n"
        "In design (develop techniques/plan for delivery)\n"
        "In delivery (executing plan agreed at design)\n"
        "Competed (work has been finished)\n"
        f"“{NO_CHANGE}” keeps June 2024's."
    )
    assert prompts["P2:P6"] == (
        f"Choose the RAG rating from the list. “{NO_CHANGE}” keeps June 2024's. The "
        "Instructions sheet says what each means."
    )
    assert "Scheme A: Delivery; Scheme B: Design" in prompts["O3"]
    assert all(len(p) <= 255 for p in prompts.values())


def test_the_hidden_metadata(pack_file: Path, plan_file: Path) -> None:
    plan = load_plan(plan_file)
    meta = openpyxl.load_workbook(pack_file)[META_SHEET]
    keys = {r[0]: r[1] for r in meta.iter_rows(min_row=1, max_row=10, values_only=True)}
    assert keys == {
        "format": "nzcli update pack",
        "version": "1",
        "plan": "Test Net Zero Plan",
        "organisation": "Test County Council",
        "period": "2024-12",
        "period_name": "December 2024",
        "last_period": "2024-06",
        "group": None,
        "columns": "id,theme,section,action,role,partners,owner,timescale,cost,carbon_saving,"
        "deliverability_score,last_stage,last_rag,last_update,stage,rag,update",
        "actions": "5",
    }
    table = list(meta.iter_rows(min_row=12, values_only=True))
    assert table[0][:4] == ("action", "row", "fingerprint", "id")
    assert [(r[0], r[1], r[2]) for r in table[1:]] == [
        (a, str(ROWS[a]), fingerprint(plan.action(a)))
        for a in ROWS  # type: ignore[arg-type]
    ]


def test_instructions_name_the_period_and_quote_the_key(pack_file: Path) -> None:
    sheet = openpyxl.load_workbook(pack_file)["Instructions"]
    texts = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert texts[0] == "Test Net Zero Plan: update for December 2024"
    assert "In design (develop techniques/plan for delivery)" in texts
    assert any(t.startswith(f"4. If nothing has changed, choose “{NO_CHANGE}”") for t in texts)


def test_a_pack_with_nothing_filled_in_is_no_change(pack_file: Path, plan_file: Path) -> None:
    (table,) = read_workbooks([pack_file], load_plan(plan_file))
    assert table.rows == ()
    assert table.pack is not None
    assert table.pack.period == "2024-12"
    assert table.pack.actions == tuple(ROWS)
    assert [(c.text, c.ref) for c in table.header] == [
        ("id", "A1"),
        ("stage", "O1"),
        ("rag", "P1"),
        ("update", "Q1"),
    ]


def fill(path: Path, cells: dict[str, object]) -> None:
    """Fill in a pack as an officer's spreadsheet program would save it."""
    wb = openpyxl.load_workbook(path)
    sheet = wb["Updates"]
    for ref, value in cells.items():
        sheet[ref] = value
    wb.save(path)


GOOD = {
    "O2": "Completed",
    "P2": NO_CHANGE,
    "Q2": "£5,000 spent; café opened.\nSecond line — done.",
    "Q4": "Trial agreed with Zoë Brontë.",
}
BAD = {
    "Q3": "=SUM(1,2)",  # a formula
    "P4": "#NAME?",  # an error value, as "+ funding secured" becomes
    "O4": NO_CHANGE,  # nothing last time to keep
    "D5": "Develop a strategy.",  # a locked cell
    "P5": "Purple",  # not a RAG rating
    "P6": "Red",  # X1 changes in the plan after packing
    "R2": "note to self",  # outside the pack
}


def answers(table: Table) -> dict[str, tuple[str, ...]]:
    return {row.cells[0].text: tuple(c.text for c in row.cells[1:]) for row in table.rows}


def test_a_filled_in_pack_names_every_bad_cell_then_reads_the_good_rows(
    pack_file: Path, plan_file: Path, run: Run
) -> None:
    fill(pack_file, {**GOOD, **BAD})
    changed = run(
        "update", "X1", "--period", "2024-06", "--text", "Changed since.", "--reopen",
        "--data", str(plan_file),
    )
    assert changed.exit_code == 0, changed
    plan = load_plan(plan_file)
    with pytest.raises(WorkbookRejected) as caught:
        read_workbooks([pack_file], plan)
    f = str(pack_file)
    assert caught.value.details == [
        f"{f}: Updates!Q3: a formula ('=SUM(1,2)'); type the text itself (an apostrophe first "
        "keeps =, + or - as text)",
        f"{f}: Updates!P4: a spreadsheet error value ('#NAME?'); type the text itself (a cell "
        "beginning with =, + or - is taken as a formula)",
        f"{f}: Updates!R2: nothing may be written outside the pack's rows and columns (found "
        "'note to self'); move it into an update cell or delete it",
        f"{f}: Updates!O4: T10: “{NO_CHANGE}”, but there was no stage last time; choose one",
        f"{f}: Updates!D5: N1: this cell is locked and was 'Develop a Nature Recovery "
        "Strategy.' when packed, not 'Develop a strategy.'; put it back (only the yellow "
        "cells are read)",
        f"{f}: Updates!P5: N1: unknown RAG rating 'Purple'. Valid RAG ratings: red, amber, "
        "green, unrated.",
        f"{f}: Updates!A6: X1: X1 changed in the plan since this pack was made; its answers "
        "could undo that change, so check them and make a new pack for it",
    ]
    assert str(caught.value) == "7 problems in 1 workbook (listed above); nothing was imported"

    # the bad cells put right (X1's answer taken out): exactly the good rows are read
    fill(
        pack_file,
        {
            "Q3": "Both lines under way.",
            "P4": "Amber",
            "O4": "Design",
            "D5": "Develop a Nature Recovery Strategy.",
            "P5": "Amber",
            "P6": None,
            "R2": None,
        },
    )
    (table,) = read_workbooks([pack_file], plan)
    assert answers(table) == {
        "T1": ("Completed", "Green", "£5,000 spent; café opened.\nSecond line — done."),
        "T2": ("", "", "Both lines under way."),
        "T10": ("Design", "Amber", "Trial agreed with Zoë Brontë."),
        "N1": ("", "Amber", ""),
    }
    assert table.pack is not None
    assert table.pack.carried == {("T1", "rag")}
    assert [c.location for c in table.rows[0].cells] == [
        f"{f}: Updates!A2",
        f"{f}: Updates!O2",
        f"{f}: Updates!P2",
        f"{f}: Updates!Q2",
    ]


def test_a_stale_action_may_be_read_when_asked(pack_file: Path, plan_file: Path, run: Run) -> None:
    fill(pack_file, {"P6": "Red"})
    changed = run(
        "update", "X1", "--period", "2024-06", "--rag", "red", "--reopen", "--data", str(plan_file)
    )
    assert changed.exit_code == 0, changed
    (table,) = read_workbooks([pack_file], load_plan(plan_file), allow_stale=True)
    assert answers(table) == {"X1": ("", "Red", "")}


def test_the_same_action_answered_in_two_packs(
    pack_file: Path, plan_file: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.xlsx"
    shutil.copyfile(pack_file, other)
    fill(pack_file, {"Q2": "One."})
    fill(other, {"Q2": "Two."})
    with pytest.raises(WorkbookRejected) as caught:
        read_workbooks([pack_file, other], load_plan(plan_file))
    assert caught.value.details == [
        f"{other}: Updates!A2: T1: also answered in {pack_file}: Updates!A2; keep one"
    ]


def soffice_resave(source: Path, folder: Path) -> Path:
    """Open `source` in LibreOffice and save it again as .xlsx (as an officer with
    LibreOffice would), with a profile of its own so parallel runs do not collide."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed; .ci/run installs it"
    folder.mkdir()
    profile = (folder.parent / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = folder / source.name
    assert out.exists()
    assert out.read_bytes() != source.read_bytes()
    return out


@pytest.mark.slow
def test_a_pack_saved_again_by_libreoffice_reads_back_the_same(
    pack_file: Path, plan_file: Path, tmp_path: Path
) -> None:
    plan = load_plan(plan_file)
    fill(pack_file, GOOD)
    before = read_workbooks([pack_file], plan)[0]
    saved = soffice_resave(pack_file, tmp_path / "libreoffice")
    (after,) = read_workbooks([saved], plan)
    assert (
        answers(after)
        == answers(before)
        == {
            "T1": ("Completed", "Green", "£5,000 spent; café opened.\nSecond line — done."),
            "T10": ("", "", "Trial agreed with Zoë Brontë."),
        }
    )
    assert after.pack == before.pack
    # and the dropdowns, protection and hidden sheets survive it
    wb = openpyxl.load_workbook(saved)
    assert wb["Lists"].sheet_state == "hidden"
    assert wb[META_SHEET].sheet_state in {"hidden", "veryHidden"}
    assert wb["Updates"].protection.sheet is True
    covered = {str(dv.sqref) for dv in wb["Updates"].data_validations.dataValidation}
    assert {"P2:P6", "O2", "O4:O6"} <= covered


@pytest.mark.slow
def test_an_unfilled_pack_saved_by_libreoffice_is_still_no_change(
    pack_file: Path, plan_file: Path, tmp_path: Path
) -> None:
    saved = soffice_resave(pack_file, tmp_path / "libreoffice")
    (table,) = read_workbooks([saved], load_plan(plan_file))
    assert table.rows == ()


def test_identical_bytes_twice(plan_file: Path, run: Run, tmp_path: Path) -> None:
    for name in ("a", "b"):
        result = run(
            "pack", "2024-12", "--by", "theme", "--data", str(plan_file), "-o", str(tmp_path / name)
        )
        assert result.exit_code == 0, result
    a = sorted((tmp_path / "a").iterdir())
    assert [p.name for p in a] == [
        "2024-12 Cross Cutting Actions.xlsx",
        "2024-12 Nature and Land Use.xlsx",
        "2024-12 Transport.xlsx",
    ]
    for path in a:
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_by_owner_puts_the_unowned_last(plan_file: Path, run: Run, tmp_path: Path) -> None:
    text = plan_file.read_text(encoding="utf-8")
    for action, owner in (("T1", "Zoë Brontë"), ("N1", "Ann Lee"), ("T2", "ann lee")):
        text = text.replace(f"  - id: {action}\n", f"  - id: {action}\n    owner: {owner}\n")
    plan_file.write_text(text, encoding="utf-8")
    result = run(
        "pack", "2024-12", "--by", "owner", "--data", str(plan_file), "-o", str(tmp_path / "o")
    )
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[1:] == [
        "  2024-12 Ann Lee.xlsx: 1 action",
        "  2024-12 ann lee (2).xlsx: 1 action",
        "  2024-12 Zoë Brontë.xlsx: 1 action",
        f"  2024-12 {NO_OWNER}.xlsx: 2 actions",
    ]


def test_a_pack_is_never_written_over(pack_file: Path, plan_file: Path, run: Run) -> None:
    fill(pack_file, GOOD)
    kept = pack_file.read_bytes()
    result = run("pack", "2024-12", "--data", str(plan_file), "-o", str(pack_file))
    assert result.exit_code == 2
    assert result.stderr == (
        f"nzcli: error: {pack_file} is already there and may be a pack an officer has filled "
        "in; give another --output, or --force to replace it\n"
    )
    assert pack_file.read_bytes() == kept
    forced = run("pack", "2024-12", "--data", str(plan_file), "-o", str(pack_file), "--force")
    assert forced.exit_code == 0, forced
    assert pack_file.read_bytes() != kept


def test_filters_choose_the_actions(plan_file: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "red.xlsx"
    # --rag reads last time (June 2024) unless --period says otherwise
    result = run("pack", "2024-12", "--rag", "red", "--data", str(plan_file), "-o", str(out))
    assert result.exit_code == 0, result
    sheet = openpyxl.load_workbook(out)["Updates"]
    assert [c.value for c in sheet["A"]] == ["ID", "T2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "colour"], "nzcli: error: --by: 'colour': use owner or theme\n"),
        (
            ["--theme", "N", "--rag", "red"],
            "nzcli: error: no pack written: No actions match these filters.\n",
        ),
    ],
)
def test_bad_command_lines(
    plan_file: Path, run: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    result = run("pack", "2024-12", *args, "--data", str(plan_file), "-o", str(tmp_path / "x.xlsx"))
    assert (result.exit_code, result.stderr) == (2, message)
    assert not (tmp_path / "x.xlsx").exists()


def test_file_names_on_any_system() -> None:
    from nzcli.cli.packs import file_names

    assert file_names(["2024-06 A/B: C?", "con", "2024-06 Zoë", "2024-06 zoë", " . "]) == [
        "2024-06 A-B- C-",
        "_con",
        "2024-06 Zoë",
        "2024-06 zoë (2)",
        "pack",
    ]


def test_first_period_pack_has_nothing_last_time(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "first.xlsx"
    result = run("pack", "2023-12", "--data", str(FIXTURES / "mini.yaml"), "-o", str(out))
    assert result.exit_code == 0, result
    sheet = openpyxl.load_workbook(out)["Updates"]
    assert sheet["L1"].value == "Last time (none): stage"
    # what the plan already holds for the period is filled in
    assert sheet["O2"].value == "Design"
    assert sheet["O3"].value == "Line A: Delivery; Line B: Design"


def test_hostile_text_is_packed_as_text_and_reads_back_unchanged(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "hostile.xlsx"
    hostile = FIXTURES / "hostile.yaml"
    # June 2024: last time (December 2023) holds the texts that look like formulas
    result = run("pack", "2024-06", "--data", str(hostile), "-o", str(out))
    assert result.exit_code == 0, result
    sheet = openpyxl.load_workbook(out)["Updates"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} == {"s"}
    texts = {c.value for c in cells}
    assert {'=HYPERLINK("https://example.invalid","click")', "-minus first; @at; café £"} <= texts
    assert any(str(t).startswith("+44 call -1 @SUM(A1) \\x1b[31mred") for t in texts)
    (table,) = read_workbooks([out], load_plan(hostile))
    assert table.rows == ()


def test_a_pack_for_another_plan_is_refused(pack_file: Path, run: Run, tmp_path: Path) -> None:
    fill(pack_file, {"Q2": "Words."})
    other = load_plan(FIXTURES / "mini.yaml")
    renamed = type(other.plan)(title="Another Plan", organisation="Elsewhere")
    plan = type(other)(
        plan=renamed,
        keys=other.keys,
        periods=other.periods,
        themes=other.themes,
        partners=other.partners,
        actions=other.actions,
    )
    with pytest.raises(WorkbookRejected) as caught:
        read_workbooks([pack_file], plan)
    assert caught.value.details == [
        f"{pack_file}: this pack is for the plan 'Test Net Zero Plan', not 'Another Plan'"
    ]


def test_a_tampered_metadata_sheet_is_refused(pack_file: Path, plan_file: Path) -> None:
    wb = openpyxl.load_workbook(pack_file)
    wb[META_SHEET]["B2"] = "9"
    wb.save(pack_file)
    with pytest.raises(WorkbookRejected) as caught:
        read_workbooks([pack_file], load_plan(plan_file))
    assert caught.value.details == [
        f"{pack_file}: made by another version of nzcli (pack version '9', this nzcli reads "
        "1); make the pack again with this nzcli"
    ]
