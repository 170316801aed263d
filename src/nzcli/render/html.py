"""HTML renderer: one self-contained page for publishing (inline CSS and SVG, no script,
nothing fetched) that reads on a phone and prints on A4.

The page has landmarks (header, a contents list in nav, main) and a skip link; every
anchored heading and row has an `id` (`#transport`, `#T17`) and the contents list links
the headings. Tables have columns sized for their content and become cards on narrow
screens (`nzcli.render.html_style`). Every data string is escaped; RAG and stage cells are
coloured and worded. Same document, same bytes.
"""

from __future__ import annotations

import re
from html import escape

from nzcli.safety import UNSAFE, escape_controls

from . import Style
from .cells import human, human_column
from .document import (
    NUMBER,
    RAG,
    REF,
    STAGE,
    Bars,
    Block,
    Column,
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
from .html_style import CSS
from .layout import LONG_WORD, widths_for
from .svg import bars, trend

#: Tables with this many columns or more become cards below 60em; the others below 36em.
WIDE_COLUMNS = 6
#: A cell longer than this spans a card's full width.
LONG_CELL = 24
#: Cells at most this long are written once per distinct text in a table (codes, stages).
SHORT_CELL = 40
#: Characters across a wide screen's table, for sharing out column widths.
NOMINAL_WIDTH = 180

_ADDRESS = re.compile(rf"(?<!\S)(?:https?://|www\.)\S{{{LONG_WORD - 8},}}")


#: A character `text` or `prose` changes: text without one is written as it is.
_SPECIAL = re.compile(f"[&<>\"'\n{UNSAFE}]")


def text(value: str) -> str:
    """Escape for HTML text and attributes; control characters made visible."""
    if _SPECIAL.search(value) is None:
        return value
    return escape(escape_controls(value), quote=True)


def prose(value: str) -> str:
    """Escaped text whose long web addresses may break after their slashes, and whose line
    breaks are kept."""
    if _SPECIAL.search(value) is None and "://" not in value and "www." not in value:
        return value
    raw = escape_controls(value)
    out: list[str] = []
    at = 0
    for match in _ADDRESS.finditer(raw):
        out.append(escape(raw[at : match.start()], quote=True))
        out.append("/<wbr>".join(escape(part, quote=True) for part in match.group(0).split("/")))
        at = match.end()
    out.append(escape(raw[at:], quote=True))
    return "".join(out).replace("\n", "<br>")


def slug(value: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in value.casefold())
    return "-".join(part for part in out.split("-") if part)


class Page:
    """What one page knows while it is written: the anchors it has (each used once)."""

    def __init__(self, doc: Document) -> None:
        self.anchors: set[str] = set()
        alike: dict[tuple[tuple[str, str], ...], list[Grid]] = {}
        for block in doc.blocks:
            if isinstance(block, Heading) and block.anchor:
                self.anchors.add(block.anchor)
            elif isinstance(block, Grid):
                if block.anchor:
                    self.anchors.update(str(r.get(block.anchor)) for r in block.rows)
                alike.setdefault(_signature(block), []).append(block)
        self.used: set[str] = set()
        #: Column widths (percent) by the columns a grid has: grids alike are sized alike.
        self.widths = {key: col_widths(*grids) for key, grids in alike.items()}

    def col_widths(self, block: Grid) -> list[str]:
        return self.widths.get(_signature(block)) or col_widths(block)

    def id(self, anchor: str | None) -> str:
        """` id="…"` the first time an anchor is written, else nothing."""
        if not anchor or anchor in self.used:
            return ""
        self.used.add(anchor)
        return f' id="{text(anchor)}"'


# ---------------------------------------------------------------------------------------------
# Tables


def _cell(value: object, column: Column, page: Page, first: bool) -> str:
    """A row's cell: its first as the row's header (the ID, the theme), the others
    labelled with their column (the label shows when the row is a card)."""
    return _shown_cell(human(value, column.kind), column, page, first)


def _shown_cell(shown: str, column: Column, page: Page, first: bool) -> str:
    """`_cell` of a value shown as `shown` (`human`)."""
    classes: list[str] = []
    if column.kind == RAG:
        classes += ["rag", f"rag-{slug(shown)}"]
        body = text(shown)
    elif column.kind == STAGE:
        parts = shown.split("; ") if shown else []
        classes.append("stage")
        if len(parts) == 1 and ": " not in parts[0]:
            classes.append(f"stage-{slug(parts[0])}")
            body = text(parts[0])
        else:
            body = "".join(f'<span class="scheme">{text(p)}</span>' for p in parts)
    elif column.kind == REF and shown in page.anchors:
        body = f'<a href="#{text(shown)}">{text(shown)}</a>'
    else:
        body = prose(shown)
    if column.kind == NUMBER:
        classes.append("num")
    if len(shown) > LONG_CELL:
        classes.append("long")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    if first:
        return f'<th scope="row"{cls}>{body}</th>'
    return f'<td{cls} data-label="{text(column.header)}">{body}</td>'


def _column_cells(block: Grid, i: int, page: Page) -> list[str]:
    """Column `i`'s cells in every row (`_shown_cell`), short ones made once a text."""
    column = block.columns[i]
    first = i == 0
    made: dict[str, str] = {}
    out: list[str] = []
    # A cell of running text over SHORT_CELL (> LONG_CELL) is `<td class="long" …>`.
    running = not first and column.kind not in (RAG, STAGE, REF, NUMBER)
    start = f'<td class="long" data-label="{text(column.header)}">'
    shown_cells = human_column([row.get(column.key) for row in block.rows], column.kind)
    if running:  # text with nothing to escape or break is its own `prose`
        joined = "".join(shown_cells)
        as_is = _SPECIAL.search(joined) is None and "://" not in joined and "www." not in joined
        write = str if as_is else prose
    for shown in shown_cells:
        if len(shown) > SHORT_CELL:
            if running:
                out.append(start + write(shown) + "</td>")
            else:
                out.append(_shown_cell(shown, column, page, first))
            continue
        cell = made.get(shown)
        if cell is None:
            cell = made[shown] = _shown_cell(shown, column, page, first)
        out.append(cell)
    return out


def _signature(block: Grid) -> tuple[tuple[str, str], ...]:
    return tuple((c.key, c.header) for c in block.columns)


def col_widths(*blocks: Grid) -> list[str]:
    """Each column's share of a wide table, in percent, from the content of one grid or
    several alike. (The browser keeps every column at least as wide as its longest word.)"""
    widths = widths_for(*blocks, total=NOMINAL_WIDTH)
    total = sum(widths) or 1
    return [f"{100 * w / total:.1f}%" for w in widths]


def grid(block: Grid, page: Page) -> str:
    size = "wide" if len(block.columns) >= WIDE_COLUMNS else "narrow"
    if all(c.kind == NUMBER for c in block.columns[1:]):
        size += " counts"
    out = [f'<table class="grid {size}">']
    if block.title:
        out.append(f"<caption>{text(block.title)}</caption>")
    out.append("<colgroup>")
    out += [f'<col style="width: {w}">' for w in page.col_widths(block)]
    out.append("</colgroup><thead><tr>")
    for column in block.columns:
        cls = ' class="num"' if column.kind == NUMBER else ""
        out.append(f'<th scope="col"{cls}>{text(column.header)}</th>')
    out.append("</tr></thead><tbody>")
    cells = [
        _column_cells(block, i, page)
        for i in range(len(block.columns))  # a column at a time, then row by row
    ]
    rows = zip(*cells, strict=True) if cells else (() for _ in block.rows)
    for row, row_cells in zip(block.rows, rows, strict=True):
        anchor = str(row.get(block.anchor)) if block.anchor else None
        out.append(f"<tr{page.id(anchor)}>" + "".join(row_cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# The page


def contents(doc: Document, block: Contents) -> str:
    """The anchored headings of levels 2 and 3 as a nested list of links."""
    items: list[tuple[Heading, list[Heading]]] = []
    for b in doc.blocks:
        if isinstance(b, Heading) and b.anchor and b.level == 2:
            items.append((b, []))
        elif isinstance(b, Heading) and b.anchor and b.level == 3 and items:
            items[-1][1].append(b)
    out = [f'<nav aria-labelledby="contents"><h2 id="contents">{text(block.title)}</h2><ol>']
    for heading, subs in items:
        out.append(f'<li><a href="#{text(heading.anchor or "")}">{text(heading.text)}</a>')
        if subs:
            out.append("<ol>")
            out += [f'<li><a href="#{text(s.anchor or "")}">{text(s.text)}</a></li>' for s in subs]
            out.append("</ol>")
        out.append("</li>")
    out.append("</ol></nav>")
    return "".join(out)


def block_html(block: Block, page: Page, doc: Document, first_paragraph: bool = False) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return f"<h{level}{page.id(block.anchor)}>{text(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        cls = ' class="about"' if first_paragraph else ""
        return f"<p{cls}>" + "<br>".join(prose(line) for line in block.text.split("\n")) + "</p>"
    if isinstance(block, Notice):
        return f'<p class="notice" role="note">{text(block.text)}</p>'
    if isinstance(block, Grid):
        return grid(block, page)
    if isinstance(block, Bars):
        return bars(block)
    if isinstance(block, Trend):
        counts = block.as_grid()
        table = grid(Grid(counts.columns, counts.rows), page)
        return (
            f'<figure class="chart"><figcaption>{text(block.title)}</figcaption>'
            f"{trend(block)}{table}</figure>"
        )
    if isinstance(block, Lines):
        return "<pre>" + "\n".join(text(line) for line in block.lines) + "</pre>"
    if isinstance(block, Contents):
        return contents(doc, block)
    assert isinstance(block, PageBreak)
    return ""


def _split(doc: Document) -> tuple[list[Block], Contents | None, list[Block]]:
    """The blocks of the page's header (the title and what follows it up to the contents
    or the first section), its contents list, and the rest (main)."""
    head: list[Block] = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Contents):
            return head, block, doc.blocks[i + 1 :]
        if not isinstance(block, (Heading, Paragraph, Notice)) or (
            isinstance(block, Heading) and block.level > 1
        ):
            return head, None, doc.blocks[i:]
        head.append(block)
    return head, None, []


def render_html(doc: Document) -> str:
    page = Page(doc)
    head, nav, main = _split(doc)
    header = []
    seen_paragraph = False
    for block in head:
        header.append(
            block_html(block, page, doc, isinstance(block, Paragraph) and not seen_paragraph)
        )
        seen_paragraph = seen_paragraph or isinstance(block, Paragraph)
    body = [block_html(block, page, doc) for block in main]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the report</a>\n'
        "<header>\n"
        + "\n".join(header)
        + "\n</header>\n"
        + (contents(doc, nav) + "\n" if nav is not None else "")
        + '<main id="main">\n'
        + "\n".join(b for b in body if b)
        + "\n</main>\n</body>\n</html>\n"
    )


def render(doc: Document, style: Style) -> str:
    return render_html(doc)
