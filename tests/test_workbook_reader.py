"""`nzcli.storage.workbook`: plain workbooks, files that are not workbooks, and the limits
that keep reading bounded in time and memory."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, invoke
from nzcli.storage import sheetcells, workbook
from nzcli.storage.workbook import WorkbookRejected, read_workbooks
from nzcli.store import load_plan


def sheet_file(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def problems(paths: list[Path]) -> list[str]:
    with pytest.raises(WorkbookRejected) as caught:
        read_workbooks(paths)
    return caught.value.details


def test_a_plain_workbook_is_its_header_and_rows(tmp_path: Path) -> None:
    path = sheet_file(
        tmp_path / "june.xlsx",
        [
            ["ID", "Project stage", "RAG", "Progress update"],
            ["T1", "Delivery", "Green", "£2m secured;\nwork starts in May — café"],
            [None, None, None, None],
            ["T2", None, 18, datetime(2024, 6, 30)],
        ],
        title="June updates",
    )
    (table,) = read_workbooks([path])
    assert table.pack is None
    assert [c.text for c in table.header] == ["ID", "Project stage", "RAG", "Progress update"]
    assert [(r.number, [c.text for c in r.cells]) for r in table.rows] == [
        (2, ["T1", "Delivery", "Green", "£2m secured;\nwork starts in May — café"]),
        (4, ["T2", "", "18", "2024-06-30"]),
    ]
    assert table.rows[1].cells[1].location == f"{path}: 'June updates'!B4"


def test_bad_cells_in_a_plain_workbook_are_each_named(tmp_path: Path) -> None:
    path = sheet_file(
        tmp_path / "bad.xlsx",
        [
            ["id", "stage", "update"],
            ["T1", "design", "=1+1"],
            ["T2", "#N/A", "Err:509"],
        ],
    )
    assert problems([path]) == [
        f"{path}: Sheet1!C2: a formula ('=1+1'); type the text itself (an apostrophe first "
        "keeps =, + or - as text)",
        f"{path}: Sheet1!B3: a spreadsheet error value ('#N/A'); type the text itself (a cell "
        "beginning with =, + or - is taken as a formula)",
        f"{path}: Sheet1!C3: a spreadsheet error value ('Err:509'); type the text itself (a "
        "cell beginning with =, + or - is taken as a formula)",
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"id,stage\nT1,design\n",
            "not an .xlsx workbook (it is not a zip file); if it is CSV, import it as CSV",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "an old-style .xls workbook, or one "
            "with a password; save it as an Excel Workbook (.xlsx) without a password and import "
            "that",
        ),
        (b"PK\x03\x04broken", "not a readable .xlsx workbook (broken zip: File is not a zip file)"),
        (b"", "not an .xlsx workbook (it is not a zip file); if it is CSV, import it as CSV"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "returned.xlsx"
    path.write_bytes(data)
    assert problems([path]) == [f"{path}: {reason}"]


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"not really")
    (line,) = problems([path])
    assert line.startswith(f"{path}: not a workbook nzcli can read (")


def test_a_zip_bomb_is_not_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (workbook.MAX_UNZIPPED + 1))
    assert path.stat().st_size < 1_000_000
    assert problems([path]) == [f"{path}: would unpack to more than 256 MB (a zip bomb?); not read"]


def test_too_many_rows_stops_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheetcells, "MAX_ROWS", 5)
    path = sheet_file(tmp_path / "long.xlsx", [["id"], *([f"T{i}"] for i in range(10))])
    assert problems([path]) == [f"{path}: Sheet1!A6: more than 5 rows"]


def test_a_cell_far_to_the_right_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "id"
    ws.cell(row=2, column=16_000, value="x")
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    assert problems([path]) == [
        f"{path}: Sheet!WQJ2: a cell beyond the 500th column; delete what is there"
    ]


def test_an_empty_workbook(tmp_path: Path) -> None:
    path = sheet_file(tmp_path / "empty.xlsx", [])
    assert problems([path]) == [
        f"{path}: the workbook is empty; expected a header row, then one row per action"
    ]


def test_several_files_all_or_nothing(tmp_path: Path) -> None:
    good = sheet_file(tmp_path / "good.xlsx", [["id", "rag"], ["T1", "red"]])
    bad = sheet_file(tmp_path / "bad.xlsx", [["id", "rag"], ["T2", "=A1"]])
    missing = tmp_path / "missing.xlsx"
    with pytest.raises(WorkbookRejected) as caught:
        read_workbooks([good, bad, missing])
    assert caught.value.details == [
        f"{bad}: Sheet1!B2: a formula ('=A1'); type the text itself (an apostrophe first "
        "keeps =, + or - as text)",
        f"{missing}: no such file",
    ]
    assert str(caught.value) == "2 problems in 2 workbooks (listed above); nothing was imported"
    assert len(read_workbooks([good, good])) == 2


def test_other_sheets_of_a_plain_workbook_are_noted(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.append(["id", "rag"])
    first.append(["T1", "red"])
    wb.create_sheet("Notes").append(["ignore me"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    notes: list[str] = []
    (table,) = read_workbooks([path], notes=notes)
    assert table.sheet == "Sheet"
    assert notes == [f"{path}: read the sheet 'Sheet'; not read: 'Notes'"]


def test_reading_needs_defusedxml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = sheet_file(tmp_path / "ok.xlsx", [["id"], ["T1"]])
    assert openpyxl.DEFUSEDXML is True
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    assert problems([path]) == [
        f"{path}: cannot read workbooks safely: install defusedxml (pip install defusedxml)"
    ]


# ---------------------------------------------------------------------------------------------
# Whatever an officer writes in an update cell comes back exactly


@pytest.fixture(scope="module")
def pack_bytes(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    folder = tmp_path_factory.mktemp("pack")
    out = folder / "pack.xlsx"
    result = invoke("pack", "2024-06", "--data", str(FIXTURES / "mini.yaml"), "-o", str(out))
    assert result.exit_code == 0, result
    return out.read_bytes(), FIXTURES / "mini.yaml"


WORDS = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc"),
        include_characters="\n",
    ),
    min_size=1,
    max_size=300,
).filter(lambda s: s.strip() and not s.startswith("="))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=WORDS)
def test_update_text_round_trips(
    pack_bytes: tuple[bytes, Path], tmp_path_factory: pytest.TempPathFactory, words: str
) -> None:
    data, plan_file = pack_bytes
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Updates"]
    ws["Q4"] = words  # T10, which has no update for June 2024
    ws["Q4"].data_type = "s"
    path = tmp_path_factory.mktemp("filled") / "pack.xlsx"
    wb.save(path)
    (table,) = read_workbooks([path], load_plan(plan_file))
    assert [[c.text for c in r.cells] for r in table.rows] == [["T10", "", "", words]]
