"""`--format docx`: the Word paper read back with python-docx, made on a council's
template, and converted to PDF by LibreOffice headless as the committee's printer would.

The LibreOffice test needs soffice and poppler's pdfinfo: `.ci/run` installs them, and
the test fails when they are missing unless NZCLI_SKIP_OFFICE=1 is set.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

import browser
from conftest import FIXTURES, Run

#: The shipped plan's December 2023 paper, converted by LibreOffice (Carlito for Calibri):
#: 21 pages when this was written; "about 20" was asked for.
PAPER_PAGES = 22
CYCLE = str(FIXTURES / "cycle.yaml")


def paper(run: Run, *args: str) -> Any:
    result = run(*args, "-f", "docx")
    assert result.exit_code == 0, result
    assert result.stdout_bytes.startswith(b"PK")
    return docx.Document(io.BytesIO(result.stdout_bytes))


@pytest.fixture(scope="module")
def shipped() -> Any:
    from conftest import invoke

    return paper(invoke, "report", "latest")


def _styles(word: Any, name: str) -> list[str]:
    return [p.text for p in word.paragraphs if p.style.name == name]


def test_a4_landscape_with_page_numbers(shipped: Any) -> None:
    (section,) = shipped.sections
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert "Page " in section.footer.paragraphs[0].text


def test_real_word_headings(shipped: Any) -> None:
    assert _styles(shipped, "Title") == [
        "Leicestershire Net Zero Action Plan: progress report, December 2023"
    ]
    assert _styles(shipped, "Heading 1") == [
        "At a glance",
        "Summary",
        "Key",
        "Transport",
        "Buildings and Energy",
        "Business and Economy",
        "Resources and Waste",
        "Communities",
        "Nature and Land Use",
        "Cross Cutting Actions",
    ]
    assert len(_styles(shipped, "Heading 2")) == 22
    assert "Public Transport" in _styles(shipped, "Heading 2")


def test_tables_header_rows_and_shading(shipped: Any) -> None:
    tables = shipped.tables
    # two summaries, two bar charts, three key tables, one per theme section
    assert len(tables) == 2 + 2 + 3 + 23
    action_tables = [t for t in tables if len(t.columns) in (12, 5) and t.cell(0, 0).text == "ID"]
    assert len(action_tables) == 23
    assert sum(len(t.rows) - 1 for t in action_tables) == 176
    for table in tables[:2] + tables[4:]:
        first = table.rows[0]._tr
        assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None  # repeats
    t17 = next(r for t in action_tables for r in t.rows if r.cells[0].text == "T17")
    stage, rag = t17.cells[9], t17.cells[10]
    assert stage.text == "MMLe: Delivery;\nIvanhoe: Design;\nNetwork North: Discovery"
    fill = rag._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert (rag.text, fill) == ("Not rated", "E6E6E6")
    design = next(r for t in action_tables for r in t.rows if r.cells[9].text == "Design")
    assert design.cells[9]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "E0F2F1"


def test_column_widths_fill_the_page_and_suit_the_content(shipped: Any) -> None:
    table = next(t for t in shipped.tables if len(t.columns) == 12)
    widths = [c.width for c in table.columns]
    assert abs(sum(widths) - Mm(297 - 24)) < Mm(1)
    header = [c.text for c in table.rows[0].cells]
    by = dict(zip(header, widths, strict=True))
    assert by["Update"] > by["Action"] > by["Who may be involved"] > by["Timescale"]
    assert by["Action"] > 4 * by["Cost"]
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_first_page_what_changed(run: Run) -> None:
    word = paper(run, "report", "2024-12", "--data", CYCLE)
    body = [p.text for p in word.paragraphs]
    assert body[:4] == [
        "Cycle Test Plan: progress report, December 2024",
        "Test County Council. Period: December 2024 (2024-12).",
        "Published 20 January 2025.",
        "Contact: Net Zero Team, netzero@example.org",
    ]
    assert "What changed since June 2024" in _styles(word, "Heading 1")
    newly_red = word.tables[0]
    assert [c.text for c in newly_red.rows[1].cells] == [
        "T1",
        "Turns red.",
        "stage design → delivery; RAG green → red",
    ]
    assert "Newly red (1): rated red this period, and not red in the previous one" in body


def test_draft_banner(run: Run) -> None:
    word = paper(run, "report", "2025-06", "--data", CYCLE)
    banner = word.paragraphs[1]
    assert banner.text.startswith("Draft — not published.")
    assert banner.runs[0].bold
    assert banner._p.pPr.find(qn("w:shd")) is not None


def test_same_data_same_bytes(run: Run) -> None:
    first = run("report", "latest", "-f", "docx").stdout_bytes
    second = run("report", "latest", "-f", "docx").stdout_bytes
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.title == "Leicestershire Net Zero Action Plan: progress report, December 2023"
    assert props.author == "Leicestershire County Council"
    assert props.created.year == props.modified.year == 2000  # no publication date known
    dated = paper(run, "report", "2024-12", "--data", CYCLE).core_properties
    assert dated.created.isoformat().startswith("2025-01-20")


def test_list_and_diff_as_word(run: Run) -> None:
    listed = paper(run, "list", "--theme", "transport", "--rag", "unrated")
    assert listed.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert _styles(listed, "Title") == [
        "Leicestershire Net Zero Action Plan: 34 actions, December 2023"
    ]
    (table,) = listed.tables
    header = [c.text for c in table.rows[0].cells]
    assert header[:3] == ["ID", "Theme", "Section"] and len(header) == 16  # every column
    assert len(table.rows) == 1 + 34
    chosen = paper(run, "list", "--theme", "transport", "--columns", "id,action,stage")
    assert [c.text for c in chosen.tables[0].rows[0].cells] == ["ID", "Action", "Stage"]
    changes = paper(run, "diff", "2023-12", "2024-06", "--data", str(FIXTURES / "mini.yaml"))
    assert _styles(changes, "Title") == ["Changes from December 2023 to June 2024"]
    assert changes.tables[0].cell(0, 0).text == "ID"


def test_status_as_word_on_the_template(run: Run, tmp_path: Path) -> None:
    # `status` (issue 13) makes a paper too: who still owes an update, to send round
    template = _template(tmp_path)
    word = paper(run, "status", "2024-12", "--data", CYCLE, "--template", str(template))
    assert word.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert word.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor(0x6A, 0x1B, 0x9A)
    assert _styles(word, "Title") == ["Updates still owed for December 2024 (2024-12, published)"]
    assert _styles(word, "Heading 1") == ["By theme", "By owner", "Actions without an update"]
    owed = word.tables[-1]
    assert [[c.text for c in r.cells] for r in owed.rows] == [
        ["ID", "Theme", "Owner", "Action"],
        ["T5", "Transport", "", "Unchanged, and no update in December 2024."],
    ]
    result = run("status", "2024-12", "--data", CYCLE, "--template", str(template))
    assert (result.exit_code, result.stderr) == (
        2,
        "nzcli: error: --template: --template goes with --format docx\n",
    )


def test_the_format_follows_the_file_name(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "paper.docx"
    result = run("report", "latest", "-o", str(target))
    assert result.stderr == f"wrote the December 2023 report (176 actions, docx) to {target}\n"
    assert target.read_bytes().startswith(b"PK")


# ---------------------------------------------------------------------------------------------
# The council's template


def _template(tmp_path: Path, name: str = "council.dotx", drop: str | None = None) -> Path:
    """A template as Word saves one: a .dotx, a house colour for Heading 1, a footer
    line, some placeholder text in the body; optionally without one style."""
    word = docx.Document()
    word.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0x6A, 0x1B, 0x9A)
    word.sections[0].footer.paragraphs[0].text = "OFFICIAL"
    word.add_paragraph("Replace this text with your report.")
    if drop is not None:
        style = word.styles[drop]
        style.element.getparent().remove(style.element)
    buffer = io.BytesIO()
    word.save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and name.endswith(".dotx"):
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(info, data)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def test_made_on_the_councils_template(run: Run, tmp_path: Path) -> None:
    template = _template(tmp_path)
    word = paper(run, "report", "latest", "--theme", "transport", "--template", str(template))
    assert word.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor(0x6A, 0x1B, 0x9A)
    assert "Replace this text" not in "\n".join(p.text for p in word.paragraphs)
    footer = [p.text for p in word.sections[0].footer.paragraphs]
    assert footer[0].startswith("OFFICIAL") or "OFFICIAL" in footer
    assert any(t.startswith("Page ") for t in footer)
    assert word.sections[0].orientation == WD_ORIENT.LANDSCAPE
    # a .docx template works the same
    plain = _template(tmp_path, "council.docx")
    assert paper(run, "list", "--template", str(plain)).tables


def test_a_style_missing_from_the_template_is_one_clear_line(run: Run, tmp_path: Path) -> None:
    template = _template(tmp_path, drop="Heading 2")
    result = run("report", "latest", "-f", "docx", "--template", str(template))
    assert result.exit_code == 2
    assert result.stderr == (
        f"nzcli: error: {template}: the template has no style 'Heading 2', which the paper "
        "uses for each section; add it in Word (Styles pane) or leave out --template\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda p: p, "no such template; give a Word file (.docx or .dotx)"),
        (
            lambda p: (p.write_text("not a zip", encoding="utf-8"), p)[1],
            "is not a Word file (.docx or .dotx); save the template from Word and try again",
        ),
        (
            lambda p: (zipfile.ZipFile(p, "w").writestr("a.txt", "x"), p)[1],
            "is not a Word file (.docx or .dotx); save the template from Word and try again",
        ),
    ],
)
def test_a_bad_template_is_one_clear_line(
    run: Run, tmp_path: Path, make: Any, message: str
) -> None:
    template = make(tmp_path / "council.dotx")
    result = run("report", "latest", "-f", "docx", "--template", str(template))
    assert (result.exit_code, result.stderr) == (2, f"nzcli: error: {template}: {message}\n")


def test_template_goes_with_docx(run: Run, tmp_path: Path) -> None:
    result = run("report", "latest", "-f", "md", "--template", str(_template(tmp_path)))
    assert result.exit_code == 2
    assert result.stderr == "nzcli: error: --template: --template goes with --format docx\n"


# ---------------------------------------------------------------------------------------------
# LibreOffice


@pytest.mark.slow
def test_libreoffice_prints_it_in_about_twenty_pages(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "december-2023.docx"
    assert run("report", "latest", "-o", str(target), "-q").exit_code == 0
    pdf = browser.docx_to_pdf(target, tmp_path)
    pages, (width, height) = browser.pdf_pages(pdf)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    assert 15 <= pages <= PAPER_PAGES


def test_hostile_text_is_shown_as_it_is(run: Run) -> None:
    """Markup, control characters and escape sequences reach Word as visible text."""
    word = paper(run, "report", "latest", "--data", str(FIXTURES / "hostile.yaml"))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    first = next(c for c in cells if c.startswith("[bold]Bold?[/]"))
    assert "<script>alert(1)</script> <img src=x onerror=alert(2)> & £5 café" in first
    escapes = next(c for c in cells if c.startswith("+44 call"))
    assert "\\x1b[31mred\\x1b[0m \\x9b31m" in escapes
    assert "\x1b" not in "".join(cells)
