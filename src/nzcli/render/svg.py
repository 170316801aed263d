"""Charts as inline SVG for the HTML page: bars of one period's counts, and the trend of
counts across periods (one stacked bar per period). Each is scaled to its container, every
segment is labelled with its count, and a legend names every colour: never colour alone.
No script, no external reference; every label is escaped."""

from __future__ import annotations

from html import escape

from nzcli.safety import escape_controls

from .document import Bars, Trend

#: One colour per label, distinct across a chart: "no update" is not "not rated", and
#: neither is "mixed".
COLOURS = {
    "Red": "#c62828",
    "Amber": "#ef8f00",
    "Green": "#2e7d32",
    "Not rated": "#757575",
    "No update": "#d9d9d9",
    "Discovery": "#8e24aa",
    "Design": "#00897b",
    "Delivery": "#1e6fd0",
    "Completed": "#43a047",
    "Mixed": "#8d6e63",
}
#: Labels drawn in dark ink on their (light) colour; the others in white.
DARK_INK = {"Amber", "No update"}
OTHER = "#546e7a"


def text(value: str) -> str:
    return escape(escape_controls(value), quote=True)


def colour(label: str) -> str:
    return COLOURS.get(label, OTHER)


def _ink(label: str) -> str:
    return "#111" if label in DARK_INK else "#fff"


def bars(block: Bars) -> str:
    """A horizontal bar chart, counts and shares written beside each bar."""
    label_w, bar_w, row_h = 96, 230, 24
    width = label_w + bar_w + 80
    height = row_h * len(block.items) + 8
    peak = max((n for _, n in block.items), default=0) or 1
    total = sum(n for _, n in block.items) or 1
    parts = [
        f'<figure class="chart"><figcaption>{text(block.title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{_id(block.title)}">'
        f'<title id="{_id(block.title)}">{text(block.title)}: '
        + text(", ".join(f"{label} {n}" for label, n in block.items))
        + "</title>"
    ]
    for i, (label, n) in enumerate(block.items):
        y = 4 + i * row_h
        bar = round(bar_w * n / peak)
        edge = ' stroke="#757575"' if label == "No update" else ""
        parts.append(
            f'<text x="0" y="{y + 16}">{text(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar}" height="{row_h - 8}" '
            f'fill="{colour(label)}"{edge}></rect>'
            f'<text x="{label_w + bar + 6}" y="{y + 16}">{n} ({100 * n / total:.0f}%)</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def trend(block: Trend) -> str:
    """One stacked bar per period, oldest at the top; each segment's count written in it
    when it fits, and a legend of every label with its colour."""
    label_w, bar_w, row_h = 110, 300, 30
    width = label_w + bar_w + 10
    legend: list[tuple[float, int, str]] = []  # x, row, label
    x, line = 0.0, 0
    for label, _ in block.series:
        step = 19 + 7.5 * len(label) + 12
        if x and x + step > width:
            x, line = 0.0, line + 1
        legend.append((x, line, label))
        x += step
    height = row_h * len(block.periods) + 22 * (line + 1) + 10
    totals = [sum(counts[p] for _, counts in block.series) for p in range(len(block.periods))]
    peak = max(totals, default=0) or 1
    summary = "; ".join(
        f"{name}: " + ", ".join(f"{label} {counts[p]}" for label, counts in block.series)
        for p, name in enumerate(block.periods)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{_id(block.title)}">'
        f'<title id="{_id(block.title)}">{text(block.title)}: {text(summary)}</title>'
    ]
    for p, name in enumerate(block.periods):
        y = 4 + p * row_h
        x = float(label_w)
        parts.append(f'<text x="0" y="{y + 19}">{text(name)}</text>')
        for label, counts in block.series:
            n = counts[p]
            if not n:
                continue
            w = bar_w * n / peak
            edge = ' stroke="#757575"' if label == "No update" else ""
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{colour(label)}"{edge}><title>{text(label)}: {n}</title></rect>'
            )
            if w >= 8 * len(str(n)) + 6:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 19}" text-anchor="middle" '
                    f'fill="{_ink(label)}">{n}</text>'
                )
            x += w
    top = 8 + row_h * len(block.periods)
    for x, line, label in legend:
        y = top + 22 * line
        parts.append(
            f'<rect x="{x:.0f}" y="{y}" width="14" height="14" fill="{colour(label)}" '
            f'stroke="#757575"></rect><text x="{x + 19:.0f}" y="{y + 12}">{text(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _id(title: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in title.casefold()).strip("-")
    return "chart-" + "-".join(p for p in slug.split("-") if p)
