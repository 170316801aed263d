"""What a published report says, in every format: no machine path, the first page's
headline and what changed, the trend, drafts, published date and contact, "no update"
apart from "not rated"; and the column layout those formats share."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, Run, squeeze
from nzcli.render import Column, Grid
from nzcli.render.layout import Measure, fit, floors, measure, widths_for

CYCLE = str(FIXTURES / "cycle.yaml")
MINI = str(FIXTURES / "mini.yaml")
TEXT_FORMATS = ("md", "json", "html", "csv", "table")


# ---------------------------------------------------------------------------------------------
# No server paths


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_no_machine_path_in_any_format(run: Run, tmp_path: Path, fmt: str) -> None:
    deep = tmp_path / "srv" / "www-data" / "plans"
    deep.mkdir(parents=True)
    data = deep / "leics.yaml"
    shutil.copyfile(FIXTURES / "mini.yaml", data)
    result = run("report", "latest", "-f", fmt, "--data", str(data))
    assert result.exit_code == 0, result
    assert str(tmp_path) not in result.stdout
    assert "www-data" not in result.stdout
    if fmt != "csv":
        assert "leics.yaml" in result.stdout  # the file's name, where useful


def test_the_shipped_plan_is_named_not_located(run: Run) -> None:
    """The cron job's report of the installed plan: the page used to print
    `Data: /…/site-packages/nzcli/data/actions.yaml`."""
    for fmt in ("md", "html", "json"):
        out = run("report", "latest", "-f", fmt).stdout
        assert "site-packages" not in out and "/data/" not in out, fmt
    report = json.loads(run("report", "latest", "-f", "json").stdout)
    assert report["source"] == "actions.yaml"
    assert "data_file" not in report


def test_source_label(run: Run) -> None:
    args = ("report", "latest", "--data", MINI, "--source-label", "Net Zero team's tracker")
    report = json.loads(run(*args, "-f", "json").stdout)
    assert report["source"] == "Net Zero team's tracker"
    md = run(*args, "-f", "md").stdout
    assert "Data: Net Zero team's tracker\n" in md
    assert "mini.yaml" not in md
    page = run(*args, "-f", "html").stdout
    assert "Data: Net Zero team&#x27;s tracker" in page


def test_source_label_must_say_something(run: Run) -> None:
    result = run("report", "latest", "--source-label", " ", "-f", "md")
    assert result.exit_code == 2
    assert result.stderr == (
        "nzcli: error: --source-label: give a label, or leave the option out\n"
    )


# ---------------------------------------------------------------------------------------------
# The first page: headline counts, what changed since the last period


def test_what_changed_since_the_previous_period(run: Run) -> None:
    report = json.loads(run("report", "2024-12", "-f", "json", "--data", CYCLE).stdout)
    changes = report["changes"]
    assert changes["since"] == {"id": "2024-06", "name": "June 2024"}
    assert [e["id"] for e in changes["newly_red"]] == ["T1"]
    assert [e["id"] for e in changes["slipped"]] == ["T2", "T3"]
    assert [e["id"] for e in changes["completed"]] == ["T4"]
    assert changes["newly_red"][0] == {
        "id": "T1",
        "action": "Turns red.",
        "change": "stage design → delivery; RAG green → red",
    }
    md = squeeze(run("report", "2024-12", "-f", "md", "--data", CYCLE).stdout)
    first_page = md[: md.index("## Summary")]
    assert "## What changed since June 2024" in first_page
    assert "**Newly red (1): rated red this period, and not red in the previous one**" in md
    assert "| T2 | Slips from green to amber. | RAG green → amber |" in first_page
    assert "| T4 | Completes. | stage delivery → completed |" in first_page


def test_headline_counts(run: Run) -> None:
    md = run("report", "2024-12", "-f", "md", "--data", CYCLE).stdout
    assert (
        "## At a glance\n\n5 actions in this report.  \n"
        "By stage: 0 discovery, 1 design, 2 delivery, 1 completed, 1 no update.  \n"
        "By RAG rating: 1 red, 2 amber, 1 green, 1 no update.\n"
    ) in md


def test_the_first_period_has_nothing_to_compare(run: Run) -> None:
    report = json.loads(run("report", "2024-06", "-f", "json", "--data", CYCLE).stdout)
    assert report["changes"] is None
    md = run("report", "2024-06", "-f", "md", "--data", CYCLE).stdout
    assert "There is no earlier reporting period to compare with." in md
    assert "What changed" not in md


def test_a_drafts_changes_are_against_the_last_published_period(run: Run) -> None:
    report = json.loads(run("report", "2025-06", "-f", "json", "--data", CYCLE).stdout)
    assert report["changes"]["since"]["id"] == "2024-12"
    assert report["changes"]["newly_red"] == []  # T1 was red already


# ---------------------------------------------------------------------------------------------
# Trend, drafts, published date and contact


def test_trend_across_periods(run: Run) -> None:
    report = json.loads(run("report", "2024-12", "-f", "json", "--data", CYCLE).stdout)
    assert [(p["id"], p["rag"]["red"], p["rag"]["green"]) for p in report["trend"]] == [
        ("2024-06", 0, 3),
        ("2024-12", 1, 1),
    ]
    # one period: no trend
    assert json.loads(run("report", "2024-06", "-f", "json", "--data", CYCLE).stdout)["trend"] == []
    md = squeeze(run("report", "2024-12", "-f", "md", "--data", CYCLE).stdout)
    assert "**Stage by period**" in md
    # discovery, design, delivery, completed, no update
    assert "| June 2024 | 1 | 1 | 3 | 0 | 0 |" in md
    assert "| December 2024 | 0 | 1 | 2 | 1 | 1 |" in md
    page = run("report", "2024-12", "-f", "html", "--data", CYCLE).stdout
    assert page.count('<figure class="chart"><figcaption>Stage by period</figcaption>') == 1
    assert (
        '<title id="chart-stage-by-period">Stage by period: June 2024: Discovery 1, Design 1, '
        "Delivery 3, Completed 0, No update 0; December 2024: Discovery 0"
    ) in page


def test_draft_banner_in_every_human_format(run: Run) -> None:
    args = ("report", "2025-06", "--data", CYCLE)
    text = "Draft — not published. These updates are still being gathered and may change."
    assert json.loads(run(*args, "-f", "json").stdout)["draft"] is True
    md = run(*args, "-f", "md").stdout
    assert md.startswith(f"# Cycle Test Plan: progress report, June 2025\n\n> **{text}**\n")
    page = run(*args, "-f", "html").stdout
    assert f'<p class="notice" role="note">{text}</p>' in page
    assert page.index('class="notice"') < page.index("<main")
    table = run(*args, "-f", "table").stdout
    assert table.index("| Draft — not published.") < table.index("Period: June 2025")
    published = run("report", "2024-12", "--data", CYCLE, "-f", "md").stdout
    assert "Draft" not in published


def test_published_date_and_contact(run: Run) -> None:
    md = run("report", "2024-12", "-f", "md", "--data", CYCLE).stdout
    assert (
        "Test County Council. Period: December 2024 (2024-12).  \n"
        "Published 20 January 2025.  \n"
        "Contact: Net Zero Team, netzero@example.org  \n"
        "Data: cycle.yaml\n"
    ) in md
    report = json.loads(run("report", "2024-12", "-f", "json", "--data", CYCLE).stdout)
    assert (report["published"], report["contact"]) == (
        "2025-01-20",
        "Net Zero Team, netzero@example.org",
    )


# ---------------------------------------------------------------------------------------------
# "No update" is not "not rated"


def test_no_update_apart_from_not_rated_everywhere(run: Run) -> None:
    # mini, June 2024: T10 has no update; nothing is "not rated"
    report = json.loads(run("report", "2024-06", "-f", "json", "--data", MINI).stdout)
    assert report["summary"]["total"]["rag"] == {
        "red": 1,
        "amber": 2,
        "green": 1,
        "not_rated": 0,
        "no_update": 1,
    }
    page = run("report", "2024-06", "-f", "html", "--data", MINI).stdout
    assert page.count('<td class="rag rag-no-update" data-label="RAG">No update</td>') == 1
    assert 'class="rag rag-not-rated"' not in page
    # bars: each its own colour
    assert '<text x="0" y="' in page
    no_update = page.index(">No update</text>")
    not_rated = page.index(">Not rated</text>")
    assert 'fill="#d9d9d9"' in page[no_update : no_update + 200]
    assert 'fill="#757575"' in page[not_rated : not_rated + 200]
    md = squeeze(run("report", "2024-06", "-f", "md", "--data", MINI).stdout)
    assert "| Transport | 3 | 1 | 0 | 1 | 0 | 1 |" in md  # red, amber, green, not rated, no update


# ---------------------------------------------------------------------------------------------
# Column layout (render/layout.py)


def test_widths_keep_words_whole_and_give_room_to_the_text() -> None:
    grid = Grid(
        [Column("id", "ID"), Column("action", "Action"), Column("rag", "RAG", "rag")],
        [
            {"id": f"T{i}", "action": "Develop a vision for decarbonised transport " * 3}
            for i in range(30)
        ],
    )
    widths = widths_for(grid, total=60)
    assert sum(widths) == 60
    assert widths[0] == 3  # "T10"
    assert widths[2] >= len("rated")  # "Not rated" may wrap at its space
    # the action text is as few lines as the room allows: 132 characters in 3 lines
    assert -(-132 // widths[1]) == -(-132 // (60 - 3 - 5)) == 3


@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.integers(1, 200), st.integers(0, 5000)),
        min_size=1,
        max_size=12,
    ),
    st.integers(1, 400),
    st.lists(st.lists(st.integers(0, 300), min_size=12, max_size=12), max_size=30),
)
def test_fit_never_goes_below_a_floor_nor_past_the_total(
    columns: list[tuple[int, int, int]], total: int, cells: list[list[int]]
) -> None:
    measures = [Measure(w, max(w, line), mass, w, w, 0) for w, line, mass in columns]
    start = floors(measures)
    rows = [[(n,) for n in row[: len(columns)]] for row in cells]
    widths = fit(measures, rows, total, start)
    assert len(widths) == len(columns)
    assert all(w >= f for w, f in zip(widths, start, strict=True))
    if sum(start) <= total:
        assert sum(widths) <= total
        # room is only left over when every column has its longest line
        assert sum(widths) == total or all(
            w >= m.line for w, m in zip(widths, measures, strict=True)
        )
    else:
        assert widths == start


def test_web_addresses_and_hyphens_may_break() -> None:
    address = "https://www.leicestershire.gov.uk/roads-and-travel/transport-policy-plans"
    grid = Grid([Column("update", "Update")], [{"update": f"See {address} please"}])
    assert measure(grid)[0].word == len("www.leicestershire.gov.uk/")
    assert measure(grid, hyphens=False)[0].word == len("www.leicestershire.gov.uk/")
    hyphenated = Grid([Column("a", "A")], [{"a": "a well-established partnership"}])
    assert measure(hyphenated)[0].word == len("partnership")
    assert measure(hyphenated, hyphens=False)[0].word == len("well-established")
