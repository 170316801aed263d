"""Word renderer (python-docx): any Document as a paper, A4 landscape.

Headings are Word's own styles (Title for the document's title, then Heading 1 and 2), so
the navigation pane and a table of contents work. Each grid is a table whose column widths
are chosen from its content (`nzcli.render.layout`), fixed so Word and LibreOffice keep
them; its header row repeats on every page and no row splits across pages. RAG and stage
cells are shaded *and* worded. The footer numbers the pages. A page break ends the first
page where the document asks for one.

`--template FILE` (`Style.template`): the paper is made on the council's template, its
styles, headers and footers; a style the paper needs and the template lacks is a one-line
error naming both. Same document, same bytes: the core properties' dates are fixed and
every part of the package is stored with the same timestamp.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from typing import Any

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from docx.table import Table, _Cell, _Row

from nzcli.errors import DataError
from nzcli.safety import escape_controls

from . import Style
from .cells import human
from .document import (
    NUMBER,
    RAG,
    STAGE,
    Bars,
    Block,
    Contents,
    Document,
    Grid,
    Heading,
    Lines,
    Notice,
    PageBreak,
    Paragraph,
    Trend,
)
from .layout import display, widths_for
from .ooxml import (
    borders,
    field,
    margins,
    paragraph_border,
    paragraph_shade,
    row_flag,
    shade,
    stable_zip,
)

#: Word's style for each heading level of a Document (1 is its title).
HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2", 4: "Heading 3"}
BODY_STYLE = "Normal"
#: The body font of nzcli's own paper (LibreOffice uses the metric-compatible Carlito).
BODY_FONT = "Calibri"

PAGE_WIDTH, PAGE_HEIGHT = Mm(297), Mm(210)
MARGIN = Mm(12)
#: Table text sizes: grids of WIDE_COLUMNS columns or more are set smaller.
WIDE_COLUMNS = 8
WIDE_POINTS, POINTS = 7.5, 8.5
#: An average character's width as a share of the type size, and each cell's left and
#: right padding (0.04 in each side, half Word's default).
CHAR_EM = 0.47
CELL_MARGIN = 58
CELL_PADDING = Twips(CELL_MARGIN * 2)

#: Cell shading (fill, text colour) by the value shown.
RAG_SHADES = {
    "Red": ("C62828", "FFFFFF"),
    "Amber": ("EF8F00", "111111"),
    "Green": ("2E7D32", "FFFFFF"),
    "Not rated": ("E6E6E6", "333333"),
    "No update": ("FFFFFF", "333333"),
}
STAGE_SHADES = {
    "Discovery": "F3E5F5",
    "Design": "E0F2F1",
    "Delivery": "E3F2FD",
    "Completed": "E8F5E9",
}
HEADER_SHADE = "EEF1F4"
NOTICE_SHADE = "FFF4D6"
BAR_COLOURS = {
    "Red": "C62828",
    "Amber": "EF8F00",
    "Green": "2E7D32",
    "Not rated": "757575",
    "No update": "BDBDBD",
    "Discovery": "8E24AA",
    "Design": "00897B",
    "Delivery": "1E6FD0",
    "Completed": "43A047",
    "Mixed": "8D6E63",
}
BAR_WIDTH = 40
#: The core properties' time when the document gives none: the same bytes every time.
FIXED_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)


_ADDRESS = re.compile(r"(?<!\S)(?:https?://|www\.)\S{17,}")


def text(value: str) -> str:
    """Data text as Word may hold it: control characters made visible (XML cannot hold
    most of them, and none should reach the reader); a long web address may break after
    its slashes (a zero-width space after each)."""
    return _ADDRESS.sub(lambda m: m.group(0).replace("/", "/\u200b"), escape_controls(value))


# ---------------------------------------------------------------------------------------------
# The paper


class Paper:
    """A Word document being written from a Document."""

    def __init__(self, doc: Document, style: Style) -> None:
        self.doc = doc
        self.template_name: str | None = None
        source = style.template
        if source is not None:
            from nzcli.storage.templates import read_template

            raw = read_template(source)
            try:
                self.word: Any = WordDocument(io.BytesIO(raw))
            except Exception as exc:  # python-docx's own errors for a damaged package
                raise DataError(source, f"cannot open the template: {exc}") from None
            self.template_name = str(source)
        else:
            self.word = WordDocument()
            self._house_style()
        self._check_styles()
        self._clear_body()
        self._page()
        # looked up once: python-docx finds a style by name with a scan of them all
        self.styles = {name: self.word.styles[name] for name in self._needed()}
        self.widths: dict[tuple[tuple[str, str], ...], list[int]] = {}

    def _house_style(self) -> None:
        """nzcli's own look when there is no template: a sans-serif body (python-docx's
        blank document sets its body in Cambria), tight paragraphs."""
        normal = self.word.styles[BODY_STYLE]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(10)
        normal.paragraph_format.space_after = Pt(3)
        normal.paragraph_format.line_spacing = 1.1

    def _needed(self) -> list[str]:
        levels = {b.level for b in self.doc.blocks if isinstance(b, Heading)} | {1}
        return [BODY_STYLE] + [HEADING_STYLES[min(max(n, 1), 4)] for n in sorted(levels)]

    def _check_styles(self) -> None:
        """Every style the paper uses, present in the template (one-line error if not)."""
        names = {s.name for s in self.word.styles}
        for name in self._needed():
            if name not in names:
                raise DataError(
                    self.template_name,
                    f"the template has no style {name!r}, which the paper uses for "
                    f"{_use(name)}; add it in Word (Styles pane) or leave out --template",
                )

    def _clear_body(self) -> None:
        """The template's own body text goes; its section (page, header, footer) stays."""
        body = self.word.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def _page(self) -> None:
        for section in self.word.sections:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
            section.left_margin = section.right_margin = MARGIN
            section.top_margin = section.bottom_margin = MARGIN
            footer = section.footer
            footer.is_linked_to_previous = False
            last = footer.paragraphs[-1] if footer.paragraphs else None
            number = last if last is not None and not last.text else footer.add_paragraph()
            number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            number.add_run("Page ")
            field(number, "PAGE")
            number.add_run(" of ")
            field(number, "NUMPAGES")
            for run in number.runs:
                run.font.size = Pt(8)

    @property
    def usable(self) -> int:
        """The text width of the page, in EMU."""
        return int(PAGE_WIDTH - 2 * MARGIN)

    # -- blocks ----------------------------------------------------------------------------

    def add(self, block: Block, last: bool) -> None:
        if isinstance(block, Heading):
            style = HEADING_STYLES[min(max(block.level, 1), 4)]
            self.word.add_paragraph(text(block.text), style=self.styles[style])
        elif isinstance(block, Paragraph):
            for line in block.text.split("\n"):
                self.word.add_paragraph(text(line), style=self.styles[BODY_STYLE])
        elif isinstance(block, Notice):
            paragraph = self.word.add_paragraph(style=self.styles[BODY_STYLE])
            run = paragraph.add_run(text(block.text))
            run.bold = True
            run.font.size = Pt(13)
            paragraph_shade(paragraph, NOTICE_SHADE)
            paragraph_border(paragraph, "8A5A00")
        elif isinstance(block, Grid):
            self.grid(block)
        elif isinstance(block, Trend):
            self.grid(block.as_grid())
        elif isinstance(block, Bars):
            self.bars(block)
        elif isinstance(block, Lines):
            for line in block.lines:
                self.word.add_paragraph(text(line), style=self.styles[BODY_STYLE])
        elif isinstance(block, PageBreak):
            if not last:
                self.word.add_page_break()
        else:
            assert isinstance(block, Contents)  # Word builds its own from the headings

    def _caption(self, title: str) -> None:
        caption = self.word.add_paragraph(style=self.styles[BODY_STYLE])
        run = caption.add_run(text(title))
        run.bold = True
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_before = Pt(6)
        caption.paragraph_format.space_after = Pt(2)

    def column_widths(self, block: Grid, points: float) -> list[int]:
        """Each column's width in EMU, from its content (and that of the grids alike),
        filling the page's width."""
        key = tuple((c.key, c.header) for c in block.columns)
        if key not in self.widths:
            self.widths[key] = self._widths(block, points)
        return self.widths[key]

    def _widths(self, block: Grid, points: float) -> list[int]:
        count = len(block.columns)
        char = Pt(points * CHAR_EM)
        room = self.usable - count * CELL_PADDING
        chars = widths_for(*self.alike(block), total=int(room // char), extra=1, header=0.95)
        total = sum(chars) or 1
        return [int(CELL_PADDING + room * c / total) for c in chars]

    def alike(self, block: Grid) -> list[Grid]:
        """The document's grids with the same columns as `block` (sized alike)."""
        key = [(c.key, c.header) for c in block.columns]
        same = [
            b
            for b in self.doc.blocks
            if isinstance(b, Grid) and [(c.key, c.header) for c in b.columns] == key
        ]
        return same or [block]

    def grid(self, block: Grid) -> None:
        if block.title:
            self._caption(block.title)
        points = WIDE_POINTS if len(block.columns) >= WIDE_COLUMNS else POINTS
        widths = self.column_widths(block, points)
        table = self.word.add_table(rows=1 + len(block.rows), cols=len(block.columns))
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        borders(table)
        margins(table, CELL_MARGIN)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Emu(width)
        rows = list(table.rows)
        header = rows[0]
        row_flag(header, "w:tblHeader")
        row_flag(header, "w:cantSplit")
        for cell, column, width in zip(_cells(header, table), block.columns, widths, strict=True):
            cell.width = Emu(width)
            shade(cell, HEADER_SHADE)
            self._write(cell, column.header, points - 1, bold=True, right=column.kind == NUMBER)
        for row, values in zip(rows[1:], block.rows, strict=True):
            row_flag(row, "w:cantSplit")
            for i, (cell, column, width) in enumerate(
                zip(_cells(row, table), block.columns, widths, strict=True)
            ):
                cell.width = Emu(width)
                value = values.get(column.key)
                shown = human(value, column.kind)
                fill, ink = None, None
                if column.kind == RAG:
                    fill, ink = RAG_SHADES.get(shown, (None, None))
                elif column.kind == STAGE:
                    fill = STAGE_SHADES.get(shown)
                if fill:
                    shade(cell, fill)
                self._write(
                    cell,
                    display(value, column.kind),
                    points,
                    bold=i == 0 or column.kind == STAGE or shown in ("Red", "Amber", "Green"),
                    italic=column.kind == RAG and shown in ("Not rated", "No update"),
                    ink=ink,
                    right=column.kind == NUMBER,
                )
        self._space_after()

    def _write(
        self,
        cell: _Cell,
        value: str,
        points: float,
        bold: bool = False,
        italic: bool = False,
        ink: str | None = None,
        right: bool = False,
    ) -> None:
        paragraph = cell.paragraphs[0]
        form = paragraph.paragraph_format
        form.space_before = form.space_after = Pt(0)
        form.line_spacing = 1.0
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for n, line in enumerate(value.split("\n")):
            run = paragraph.add_run()
            if n:
                run.add_break()
            run.add_text(text(line))
            run.font.size = Pt(points)
            run.bold = bold or None
            run.italic = italic or None
            if ink:
                run.font.color.rgb = RGBColor.from_string(ink)

    def _space_after(self) -> None:
        spacer = self.word.add_paragraph(style=self.styles[BODY_STYLE])
        form = spacer.paragraph_format
        form.space_before = Pt(0)
        form.space_after = Pt(4)
        for run in spacer.runs:
            run.font.size = Pt(4)

    def bars(self, block: Bars) -> None:
        """A bar chart as a small table: label, count and share, then a bar of the label's
        colour (the numbers are always written: never colour alone)."""
        self._caption(block.title)
        total = sum(n for _, n in block.items) or 1
        peak = max((n for _, n in block.items), default=0) or 1
        table = self.word.add_table(rows=len(block.items), cols=4)
        table.autofit = False
        widths = [Mm(30), Mm(14), Mm(14), Mm(90)]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row, (label, n) in zip(table.rows, block.items, strict=True):
            values = [label, str(n), f"{100 * n / total:.0f}%", ""]
            cells = _cells(row, table)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
                cell.width = width
                self._write(cell, values[i], POINTS, right=i in (1, 2))
            length = max(round(BAR_WIDTH * n / peak), 1 if n else 0)
            run = cells[3].paragraphs[0].add_run("█" * length)
            run.font.size = Pt(POINTS)
            run.font.color.rgb = RGBColor.from_string(BAR_COLOURS.get(label, "546E7A"))
        self._space_after()

    # -- the file ----------------------------------------------------------------------------

    def properties(self) -> None:
        props = self.word.core_properties
        report = self.doc.meta.get("report") or {}
        props.title = text(self.doc.title)
        props.subject = text(str(report.get("period", {}).get("name") or ""))
        props.author = text(str(report.get("organisation") or ""))
        props.last_modified_by = "nzcli"
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.revision = 1
        when = _date(report.get("published")) or FIXED_TIME
        props.created = props.modified = when
        props.last_printed = when

    def save(self) -> bytes:
        out = io.BytesIO()
        self.word.save(out)
        return stable_zip(out.getvalue())


def _cells(row: _Row, table: Table) -> list[_Cell]:
    """A row's cells, straight from its XML (python-docx's `row.cells` works out the whole
    table's grid each time it is asked)."""
    return [_Cell(tc, table) for tc in row._tr.tc_lst]


def _use(style: str) -> str:
    return {
        "Title": "the title",
        "Heading 1": "each theme and part",
        "Heading 2": "each section",
        "Heading 3": "sub-sections",
        "Normal": "body text and tables",
    }.get(style, "the text")


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(tzinfo=timezone.utc)


def render(doc: Document, style: Style) -> bytes:
    paper = Paper(doc, style)
    if not any(isinstance(b, Heading) and b.level == 1 for b in doc.blocks) and doc.title:
        paper.word.add_paragraph(text(doc.title), style=HEADING_STYLES[1])
    for i, block in enumerate(doc.blocks):
        paper.add(block, last=i == len(doc.blocks) - 1)
    paper.properties()
    return paper.save()
