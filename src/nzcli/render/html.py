"""HTML renderer: one self-contained page (inline CSS, inline SVG, no JavaScript, nothing
fetched), printable on A4 landscape. Every data string is escaped; RAG and stage cells are
coloured and worded."""

from __future__ import annotations

from html import escape

from nzcli.safety import escape_controls

from . import Style
from .cells import human
from .document import NUMBER, RAG, STAGE, Bars, Document, Grid, Heading, Lines, Paragraph

CSS = """
:root { --ink: #1b1b1b; --muted: #555; --rule: #c8c8c8; --head: #eef1f4; }
* { box-sizing: border-box; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: var(--ink);
       margin: 2rem auto; max-width: 1400px; padding: 0 1rem; line-height: 1.35; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p { margin: .3rem 0; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid var(--rule); padding: .3rem .4rem; vertical-align: top;
         text-align: left; overflow-wrap: anywhere; }
th { background: var(--head); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.id { white-space: nowrap; font-weight: bold; }
.rag, .stage { white-space: nowrap; font-weight: bold; }
.rag-red { background: #c62828; color: #fff; }
.rag-amber { background: #ef8f00; color: #111; }
.rag-green { background: #2e7d32; color: #fff; }
.rag-not-rated { background: #f2f2f2; color: #444; font-weight: normal; font-style: italic; }
.stage-discovery { background: #f3e5f5; }
.stage-design { background: #e0f2f1; }
.stage-delivery { background: #e3f2fd; }
.stage-completed { background: #e8f5e9; }
figure { margin: .5rem 0 1rem; }
figcaption { font-weight: bold; margin-bottom: .2rem; }
svg text { font-family: Arial, Helvetica, sans-serif; font-size: 12px; fill: #1b1b1b; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 9pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; page-break-inside: avoid; }
  .rag, .stage, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

BAR_COLOURS = {
    "Red": "#c62828",
    "Amber": "#ef8f00",
    "Green": "#2e7d32",
    "Not rated": "#9e9e9e",
    "Discovery": "#8e24aa",
    "Design": "#00897b",
    "Delivery": "#1e88e5",
    "Completed": "#43a047",
}


def text(value: str) -> str:
    """Escape for HTML text and attributes; control characters made visible."""
    return escape(escape_controls(value), quote=True)


def _slug(value: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in value.casefold()).strip("-")


def _cell(value: str, kind: str, numeric: bool) -> str:
    body = text(value).replace("\n", "<br>")
    if kind == RAG:
        return f'<td class="rag rag-{_slug(value)}">{body}</td>'
    if kind == STAGE:
        single = value if value.capitalize() == value and " " not in value else ""
        cls = f" stage-{_slug(single)}" if single else ""
        return f'<td class="stage{cls}">{body}</td>'
    if numeric:
        return f'<td class="num">{body}</td>'
    return f"<td>{body}</td>"


def grid(block: Grid) -> str:
    out = ["<table>"]
    if block.title:
        out.append(f"<caption>{text(block.title)}</caption>")
    out.append("<thead><tr>")
    for column in block.columns:
        cls = ' class="num"' if column.kind == NUMBER else ""
        out.append(f'<th scope="col"{cls}>{text(column.header)}</th>')
    out.append("</tr></thead><tbody>")
    for row in block.rows:
        out.append("<tr>")
        for i, column in enumerate(block.columns):
            value = human(row.get(column.key), column.kind)
            cell = _cell(value, column.kind, column.kind == NUMBER)
            if i == 0 and column.key == "id":
                cell = cell.replace("<td>", '<td class="id">', 1)
            out.append(cell)
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def bars(block: Bars) -> str:
    """A horizontal bar chart as inline SVG, with counts written beside each bar."""
    label_w, bar_w, row_h = 110, 420, 22
    height = row_h * len(block.items) + 8
    peak = max((n for _, n in block.items), default=0) or 1
    total = sum(n for _, n in block.items) or 1
    parts = [
        f"<figure><figcaption>{text(block.title)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 90}" '
        f'height="{height}" viewBox="0 0 {label_w + bar_w + 90} {height}">'
        f"<title>{text(block.title)}</title>"
    ]
    for i, (label, n) in enumerate(block.items):
        y = 4 + i * row_h
        width = round(bar_w * n / peak)
        colour = BAR_COLOURS.get(label, "#546e7a")
        share = f"{100 * n / total:.0f}%"
        parts.append(
            f'<text x="0" y="{y + 15}">{text(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 8}" '
            f'fill="{colour}"><title>{text(label)}: {n}</title></rect>'
            f'<text x="{label_w + width + 6}" y="{y + 15}">{n} ({share})</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def render_html(doc: Document) -> str:
    body: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            body.append(f"<h{level}>{text(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            body.append("<p>" + "<br>".join(text(line) for line in block.text.split("\n")) + "</p>")
        elif isinstance(block, Grid):
            body.append(grid(block))
        elif isinstance(block, Bars):
            body.append(bars(block))
        elif isinstance(block, Lines):
            body.append("<pre>" + "\n".join(text(line) for line in block.lines) + "</pre>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render(doc: Document, style: Style) -> str:
    return render_html(doc)
