"""`--format xlsx` for list, report and export: read back with openpyxl as a spreadsheet
user's program would, values as people read them, shading, no formulas, identical bytes."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from conftest import FIXTURES, SHIPPED, Run
from nzcli.model import Action
from nzcli.records import field_names
from nzcli.render import Column, Document, Grid, Sheet, render, xlsxkit
from nzcli.store import load_plan

HOSTILE = FIXTURES / "hostile.yaml"


def book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def values(sheet: Worksheet) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_list_is_one_table_of_names_not_keys(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "list.xlsx"
    result = run("list", "--theme", "T", "--data", str(FIXTURES / "mini.yaml"), "-o", str(out))
    assert result.exit_code == 0, result
    assert result.stdout == ""
    wb = book(out)
    assert wb.sheetnames == ["Actions"]
    sheet = wb["Actions"]
    rows = values(sheet)
    assert rows[0] == [
        "ID",
        "Theme",
        "Section",
        "Objective",
        "Action",
        "Role",
        "Who may be involved",
        "Owner",
        "Timescale",
        "Cost",
        "Carbon saving",
        "Deliverability",
        "Period",
        "Stage",
        "RAG",
        "Update",
    ]
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {"T1", "T2", "T10"}
    t1 = by_id["T1"]
    assert t1["Theme"] == "Transport"
    assert t1["Role"] == "Lead"
    assert t1["Stage"] == "Delivery"
    assert t1["RAG"] == "Green"
    assert t1["Objective"] == "All"
    assert t1["Deliverability"] == 12
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:P{len(rows)}"
    # RAG and stage cells are shaded as well as worded
    rag = sheet.cell(row=[r[0] for r in rows].index("T1") + 1, column=15)
    assert rag.value == "Green"
    assert rag.fill.fgColor.rgb == "FF" + xlsxkit.RAG_COLOURS["green"][0][1:]
    stage = sheet.cell(row=rag.row, column=14)
    assert stage.fill.fgColor.rgb == "FF" + xlsxkit.STAGE_COLOURS["delivery"][0][1:]
    # printed: A4 landscape, the header row on every page
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$1:$1"


def test_text_that_looks_like_a_formula_is_text(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "hostile.xlsx"
    result = run("list", "--data", str(HOSTILE), "--period", "2023-12", "-o", str(out))
    assert result.exit_code == 0, result
    sheet = book(out)["Actions"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} <= {"s", "n"}
    texts = {c.value for c in cells if c.data_type == "s"}
    assert '=HYPERLINK("https://example.invalid","click")' in texts
    assert "-minus first; @at; café £" in texts
    # control characters are shown, not passed on (as in every human format)
    assert any("\\x1b[31mred" in t for t in texts if isinstance(t, str))


def test_report_has_a_summary_the_key_and_a_sheet_per_theme(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    result = run("report", "latest", "-o", str(out), "--quiet")
    assert result.exit_code == 0, result
    assert result.stderr == ""
    plan = load_plan(SHIPPED)
    wb = book(out)
    assert wb.sheetnames == ["Summary", "Key", *(t.name for t in plan.themes)]
    summary = values(wb["Summary"])
    assert summary[0][0] == "Leicestershire Net Zero Action Plan: progress report, December 2023"
    total = next(r for r in summary if r[0] == "Total")
    assert total[1] == 176
    for theme in plan.themes:
        rows = values(wb[theme.name])
        ids = {r[0] for r in rows[1:]}
        assert ids == {a.id for a in plan.actions if a.theme == theme.key}
        assert rows[0][:2] == ["ID", "Section"]
    key = values(wb["Key"])
    assert key[0] == ["Key", "Value", "As worded in the plan"]
    assert [
        "RAG rating",
        "Amber",
        "Orange some delivery off track/timelines, further work to be completed",
    ] in key
    assert ["Project stage", "Completed", "Competed (work has been finished)"] in key


def test_report_shades_every_rag_cell(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    result = run("report", "2024-06", "--data", str(FIXTURES / "mini.yaml"), "-o", str(out))
    assert result.exit_code == 0, result
    sheet = book(out)["Transport"]
    header = [c.value for c in sheet[1]]
    rag_column = header.index("RAG") + 1
    seen = {}
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=rag_column)
        seen[cell.value] = cell.fill.fgColor.rgb
    expected = {
        "Green": xlsxkit.RAG_COLOURS["green"][0],
        "Red": xlsxkit.RAG_COLOURS["red"][0],
        # (report v2: an action with nothing for the period is "No update", not "Not rated")
        "No update": xlsxkit.RAG_COLOURS[None][0],
    }
    assert {k: v for k, v in seen.items()} == {k: "FF" + v[1:] for k, v in expected.items()}


def test_export_keeps_every_field_of_every_record(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = run("export", "-o", str(out))
    assert result.exit_code == 0, result
    plan = load_plan(SHIPPED)
    wb = book(out)
    assert wb.sheetnames == ["Plan", "Keys", "Periods", "Themes", "Partners", "Actions", "Updates"]
    actions = values(wb["Actions"])
    assert actions[0] == [k for k in field_names(Action) if k != "updates"]
    assert [r[0] for r in actions[1:]] == [a.id for a in plan.actions]
    updates = values(wb["Updates"])
    assert updates[0] == ["action", "period", "stage", "schemes", "rag", "text"]
    assert len(updates) - 1 == sum(len(a.updates) for a in plan.actions)
    t17 = next(r for r in updates if r[0] == "T17")
    assert t17[3] == "MMLe: delivery; Ivanhoe: design; Network North: discovery"
    scores = [r[actions[0].index("deliverability_score")] for r in actions[1:]]
    assert all(isinstance(s, int | float) for s in scores if s is not None)


@pytest.mark.parametrize(
    "command",
    [
        ["list", "--theme", "transport"],
        ["report", "latest"],
        ["export", "--format", "xlsx"],
    ],
)
def test_identical_bytes_twice(run: Run, tmp_path: Path, command: list[str]) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run(*command, "-o", str(first)).exit_code == 0
    assert run(*command, "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    props = book(first).properties
    assert props.created is not None and props.created.year == 1980
    assert props.modified is not None and props.modified.year == 1980


def test_a_big_workbook_is_written_row_by_row_and_still_identical(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsxkit, "BIG", 10)
    doc = Document(
        blocks=[],
        sheets=[
            Sheet(
                "Rows",
                [
                    Grid(
                        [Column("id", "ID"), Column("text", "Text")],
                        [{"id": f"T{i}", "text": f"row {i}"} for i in range(50)],
                    )
                ],
            )
        ],
    )
    first, second = render(doc, "xlsx"), render(doc, "xlsx")
    assert isinstance(first, bytes) and first == second
    sheet = openpyxl.load_workbook(io.BytesIO(first))["Rows"]
    assert sheet.max_row == 51
    assert sheet["B51"].value == "row 49"


def test_a_workbook_is_refused_on_a_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from nzcli.cli import app
    from nzcli.cli.context import Context

    ctx = Context.from_process()
    ctx.terminal = True
    err = io.StringIO()
    ctx.stderr = err
    code = app.run(["list", "--format", "xlsx"], ctx)
    assert code == 2
    assert err.getvalue() == (
        "nzcli: error: --format: xlsx is a file, not text for a terminal; give --output FILE.xlsx\n"
    )


def test_a_workbook_goes_to_a_pipe(run: Run) -> None:
    result = run("list", "--format", "xlsx", "--theme", "N", "--data", str(FIXTURES / "mini.yaml"))
    assert result.exit_code == 0, result
    sheet = openpyxl.load_workbook(io.BytesIO(result.stdout_bytes))["Actions"]
    assert [c.value for c in sheet["A"]] == ["ID", "N1"]


def test_a_cell_too_long_for_a_spreadsheet_is_refused() -> None:
    doc = Document(
        blocks=[],
        sheets=[
            Sheet("S", [Grid([Column("update", "Update")], [{"id": "T9", "update": "x" * 40_000}])])
        ],
    )
    with pytest.raises(Exception) as caught:
        render(doc, "xlsx")
    assert str(caught.value) == (
        "T9's update is 40,000 characters, more than a spreadsheet cell holds (32,767); "
        "use another format (csv, json) for it"
    )


def test_sheet_names_excel_accepts() -> None:
    assert xlsxkit.sheet_names(
        ["Transport", "transport", "A/B: [x]?", "History", "x" * 40, "x" * 40, "'quoted'"]
    ) == [
        "Transport",
        "transport (2)",
        "A-B- -x--",
        "History (plan)",
        "x" * 31,
        "x" * 27 + " (2)",
        "quoted",
    ]


def test_report_workbook_follows_report_v2(run: Run, tmp_path: Path) -> None:
    """The workbook says what the report says: a draft's banner, the publication date,
    contact and source (a name, never a path), what changed, "no update" counted apart
    from "not rated", and actions without an update shown as such."""
    data = str(FIXTURES / "cycle.yaml")
    draft, published = tmp_path / "draft.xlsx", tmp_path / "published.xlsx"
    assert run("report", "2025-06", "--data", data, "-o", str(draft)).exit_code == 0
    assert run("report", "2024-12", "--data", data, "-o", str(published)).exit_code == 0

    def lines(path: Path) -> list[list[object]]:
        return [[v for v in r if v is not None] for r in values(book(path)["Summary"])]

    summary = lines(draft)
    assert summary[:6] == [
        ["Cycle Test Plan: progress report, June 2025"],
        ["Draft — not published. These updates are still being gathered and may change."],
        [],
        ["Test County Council. Period: June 2025 (2025-06)."],
        ["Contact: Net Zero Team, netzero@example.org"],
        ["Data: cycle.yaml"],
    ]
    assert ["Theme", "Actions", "Red", "Amber", "Green", "Not rated", "No update"] in summary
    assert ["Total", 5, 1, 0, 0, 0, 4] in summary
    rows = values(book(draft)["Transport"])
    t2 = dict(zip(rows[0], next(r for r in rows if r[0] == "T2"), strict=True))
    shown = (t2["Stage"], t2["RAG"], t2["Update"])
    assert shown == (None, "No update", "No update for this period")

    summary = lines(published)
    assert summary[1:4] == [
        ["Test County Council. Period: December 2024 (2024-12)."],
        ["Published 20 January 2025."],
        ["Contact: Net Zero Team, netzero@example.org"],
    ]
    assert ["T1", "Turns red.", "stage design → delivery; RAG green → red"] in summary
    # the trend: counts by period, drafts left out
    assert ["Period", "Red", "Amber", "Green", "Not rated", "No update"] in summary
    assert ["June 2024", 0, 1, 3, 1, 0] in summary
    assert ["December 2024", 1, 2, 1, 0, 1] in summary
