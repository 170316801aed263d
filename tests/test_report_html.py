"""The published HTML page, as its readers get it: the markup (anchors, contents, key,
landmarks, one self-contained file), then the page in headless Chromium at a phone's and
a laptop's width, and printed to PDF on A4.

The browser tests need Debian's chromium and chromium-driver (and poppler for the PDF):
`.ci/run` installs them, and the tests fail when they are missing unless
NZCLI_SKIP_BROWSER=1 is set (see tests/browser.py).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import browser
from conftest import FIXTURES, ROOT, Run

#: The shipped plan's December 2023 page printed on A4 landscape: 24 pages when this was
#: written (29 before the rebuild, with half-empty ones); a little room for fonts.
PRINT_PAGES = 26
#: Every page but the last is filled at least this far down (no half-empty pages).
PAGE_FILLED = 0.5

ALL_IDS = [
    line.split(":", 1)[1].strip()
    for line in (ROOT / "data" / "actions.yaml").read_text(encoding="utf-8").splitlines()
    if line.startswith("  - id: ") and not line.startswith('  - id: "')
]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped plan's December 2023 page, written as the cron job writes it."""
    from conftest import invoke

    target = tmp_path_factory.mktemp("page") / "progress.html"
    result = invoke("report", "latest", "-f", "html", "-o", str(target), "-q")
    assert result.exit_code == 0, result
    return target


@pytest.fixture(scope="module")
def page(page_file: Path) -> str:
    return page_file.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The markup


def test_every_action_theme_and_section_has_an_anchor(page: str) -> None:
    assert len(ALL_IDS) == 176
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an id is used twice"
    assert set(ALL_IDS) <= set(ids)
    assert '<tr id="T17">' in page
    themes = [
        "transport",
        "buildings-and-energy",
        "business-and-economy",
        "resources-and-waste",
        "communities",
        "nature-and-land-use",
        "cross-cutting",
    ]
    assert [t for t in themes if f'<h2 id="{t}">' in page] == themes
    assert '<h3 id="transport-public-transport">Public Transport</h3>' in page
    assert '<h3 id="cross-cutting-research-and-innovation">' in page


def test_contents_links_every_theme_and_section(page: str) -> None:
    nav = page[page.index("<nav") : page.index("</nav>")]
    links = re.findall(r'<a href="#([^"]+)">', nav)
    headings = re.findall(r'<h[23] id="([^"]+)">', page[page.index("</nav>") :])
    assert links == headings  # every part, theme and section, in order
    assert links[:3] == ["at-a-glance", "summary", "key"]
    assert len(links) == 3 + 7 + 22  # 22 named sections (Nature's first has no heading)


def test_landmarks_and_skip_link(page: str) -> None:
    body = page[page.index("<body>") :]
    assert body.startswith('<body>\n<a class="skip" href="#main">Skip to the report</a>\n<header>')
    assert page.count("<header>") == page.count("<main") == 1
    assert '<nav aria-labelledby="contents"><h2 id="contents">Contents</h2>' in page
    assert '<main id="main">' in page
    assert page.index("</header>") < page.index("<nav") < page.index("<main")


def test_the_key_explains_every_code(page: str) -> None:
    key = page[page.index('<h2 id="key">') : page.index('<h2 id="transport">')]
    for code in (
        "In discovery (research, fact finding, gather evidence)",  # the plan's words
        "Competed (work has been finished)",
        "Orange some delivery off track/timelines, further work to be completed",
        "Short, medium or long term",
        "Low, medium or high cost to Leicestershire",
        "Low, medium or high carbon saving",
        "The numbers of the plan objectives the action serves",
        "deliverability score",
        "No update was given for the period; it is not a rating.",
        "nzcli&#x27;s reading of the plan",
    ):
        assert code in key, code
    # each stage and rating shown as the tables show it
    assert '<th scope="row" class="stage stage-design">Design</th>' in key
    assert '<th scope="row" class="rag rag-red">Red</th>' in key


def test_columns_are_sized_for_their_content(page: str) -> None:
    """One set of widths for every themed table (they line up), the action and update
    columns the widest, the codes narrow."""
    groups = re.findall(r"<colgroup>(.*?)</colgroup>", page)
    themed = [g for g in groups if g.count("<col ") == 12]
    assert len(themed) == 19 and len(set(themed)) == 1
    widths = [float(w) for w in re.findall(r"width: ([\d.]+)%", themed[0])]
    assert abs(sum(widths) - 100) < 0.5
    action, update = widths[2], widths[11]
    assert min(action, update) > 2 * max(widths[5], widths[6], widths[7])  # timescale, cost, carbon
    assert sorted(widths)[-2:] == sorted([action, update])


def test_one_self_contained_file_same_bytes(run: Run, page: str) -> None:
    assert "<script" not in page.lower() and "<link" not in page and "url(" not in page
    again = run("report", "latest", "-f", "html").stdout
    assert again == page


# ---------------------------------------------------------------------------------------------
# In the browser


@pytest.fixture(scope="module")
def chrome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with browser.chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _open(driver: Any, path: Path, width: int) -> None:
    browser.viewport(driver, width, 844 if width < 800 else 900, mobile=width < 800)
    driver.get(path.as_uri())


OVERFLOW = """
const width = document.documentElement.clientWidth;
const wide = [];
for (const el of document.querySelectorAll('body *')) {
  const box = el.getBoundingClientRect();
  const head = el.closest('thead');  // a card's header row: hidden, clipped to 1 px
  if (head && getComputedStyle(head).position === 'absolute') continue;
  if (box.width && (box.right > width + 0.5 || box.left < -0.5) && !el.closest('.skip'))
    wide.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(box.right));
}
return [document.documentElement.scrollWidth, width, wide.slice(0, 5)];
"""

#: For each cell of the page's tables (and each header), whether a word of it is wider
#: than the cell's content box: that word would be broken mid-word.
BROKEN_WORDS = """
const probe = document.createElement('span');
probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
document.body.appendChild(probe);
const broken = [];
for (const cell of document.querySelectorAll(arguments[0])) {
  const style = getComputedStyle(cell);
  const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  probe.style.font = style.font;
  for (const word of cell.innerText.split(/\\s+/)) {
    if (!word || /^(https?:|www\\.)/.test(word)) continue;
    probe.textContent = word;
    if (probe.getBoundingClientRect().width > room + 1) broken.push(word);
  }
}
probe.remove();
return broken.slice(0, 10);
"""


@pytest.mark.slow
def test_a_phone_never_scrolls_sideways(chrome: Any, page_file: Path, tmp_path: Path) -> None:
    for width in (390, 320):
        _open(chrome, page_file, width)
        scroll, client, wide = chrome.execute_script(OVERFLOW)
        assert (scroll, wide) == (client, []), f"at {width} px"
    # each action a card: its ID heading the card, its fields labelled
    _open(chrome, page_file, 390)
    t17 = chrome.execute_script(
        "const r = document.getElementById('T17'); const s = getComputedStyle(r);"
        "const update = r.querySelector('td[data-label=Update]');"
        "return [s.display, getComputedStyle(update, '::before').content, r.offsetWidth]"
    )
    assert t17[0] == "grid" and t17[1] == '"Update"' and t17[2] <= 390
    assert chrome.execute_script(BROKEN_WORDS, "table.grid td, table.grid th") == []


@pytest.mark.slow
def test_a_laptop_shows_tables_with_whole_words(chrome: Any, page_file: Path) -> None:
    _open(chrome, page_file, 1366)
    scroll, client, _ = chrome.execute_script(OVERFLOW)
    assert scroll == client == 1366
    row = chrome.execute_script("return getComputedStyle(document.getElementById('T17')).display")
    assert row == "table-row"
    assert chrome.execute_script(BROKEN_WORDS, "table.grid th, table.grid td") == []
    # T17's three schemes wrap, one per line: its stage cell is no wider than its neighbours'
    stage = chrome.execute_script(
        "const c = document.querySelector('#T17 td.stage'); return [c.offsetWidth,"
        " c.querySelectorAll('.scheme').length, document.querySelector('#T15 td.stage')"
        ".offsetWidth]"
    )
    assert stage[1] == 3 and stage[0] == stage[2] < 200
    # the key and every anchor are there for the reader, and no path of this machine
    text = chrome.execute_script("return document.body.innerText")
    assert "The other codes in the tables" in text
    assert all(chrome.execute_script(f"return !!document.getElementById('{i}')") for i in ALL_IDS)
    assert str(page_file.parent) not in text and "site-packages" not in text


def _page_fill(pdf: Path) -> list[float]:
    """How far down each page its last line of text (the page number aside) reaches, as a
    share of the page's height (poppler's pdftotext -bbox)."""
    pdftotext = browser.need("pdftotext", ("pdftotext",), browser.SKIP_OFFICE)
    html = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    fills = []
    for page_html in html.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page_html).group(1))  # type: ignore[union-attr]
        words = re.findall(r'yMax="([\d.]+)">([^<]*)</word>', page_html)
        body = [float(y) for y, w in words if float(y) < height * 0.95]
        fills.append(max(body, default=0) / height)
    return fills


@pytest.mark.slow
def test_it_prints_on_a4_without_half_empty_pages(
    chrome: Any, page_file: Path, tmp_path: Path
) -> None:
    _open(chrome, page_file, 1366)
    pdf = tmp_path / "printed.pdf"
    data = browser.print_pdf(chrome, pdf)
    assert data.startswith(b"%PDF")
    pages, (width, height) = browser.pdf_pages(pdf)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    assert 15 <= pages <= PRINT_PAGES
    fills = _page_fill(pdf)
    assert len(fills) == pages
    assert [round(f, 2) for f in fills[:-1] if f < PAGE_FILLED] == []
    numbers = subprocess.run(
        [browser.need("pdftotext", ("pdftotext",), browser.SKIP_OFFICE), str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert f"Page 1 of {pages}" in numbers and f"Page {pages} of {pages}" in numbers


@pytest.mark.slow
def test_a_draft_page_shows_its_banner_first(chrome: Any, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "draft.html"
    args = ("report", "2025-06", "--data", str(FIXTURES / "cycle.yaml"), "-o", str(target))
    assert run(*args, "-q").exit_code == 0
    _open(chrome, target, 390)
    banner = chrome.execute_script(
        "const n = document.querySelector('.notice'); const b = n.getBoundingClientRect();"
        "return [n.innerText, b.top, getComputedStyle(n).borderTopWidth]"
    )
    assert banner[0].startswith("Draft — not published.")
    assert banner[1] < 200 and banner[2] == "3px"
