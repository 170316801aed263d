"""What python-docx has no call for, as small OOXML helpers for `nzcli.render.docx`: cell
and paragraph shading and borders, header rows that repeat, rows that do not split, cell
padding, fields (page numbers), and a package whose bytes depend only on its content."""

from __future__ import annotations

import io
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph

#: Every part of a package is stored with this time (zip's earliest).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def row_flag(row: _Row, tag: str) -> None:
    """`w:tblHeader` (repeat as a header row on every page) or `w:cantSplit`."""
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def margins(table: Table, margin: int) -> None:
    """Narrow cell padding at the sides, none above and below."""
    padding = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 0), ("left", margin), ("bottom", 0), ("right", margin)):
        side = OxmlElement(f"w:{edge}")
        side.set(qn("w:w"), str(width))
        side.set(qn("w:type"), "dxa")
        padding.append(side)
    table._tbl.tblPr.append(padding)


def borders(table: Table) -> None:
    """Thin grey rules round every cell (no table style needed from the template)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "A6A6A6")
        borders.append(line)
    table._tbl.tblPr.append(borders)


def field(paragraph: WordParagraph, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    for kind, body in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        run = paragraph.add_run()
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {body} "
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
            if kind == "separate":
                paragraph.add_run("1")


def paragraph_border(paragraph: WordParagraph, colour: str) -> None:
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "18")
        line.set(qn("w:space"), "4")
        line.set(qn("w:color"), colour)
        borders.append(line)
    paragraph._p.get_or_add_pPr().append(borders)


def paragraph_shade(paragraph: WordParagraph, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().append(shading)


def stable_zip(data: bytes) -> bytes:
    """The same package with every member's time fixed, in the same order: identical bytes
    for identical content."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
