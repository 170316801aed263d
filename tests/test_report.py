"""`nzcli report`: every format and period form, goldens, no-update marking, cron behaviour."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import FIXTURES, ROOT, Run, golden, squeeze

MINI = str(FIXTURES / "mini.yaml")


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> str:
    """Run from the checkout, naming the shipped plan by a relative path (stable goldens)."""
    monkeypatch.chdir(ROOT)
    return "data/actions.yaml"


@pytest.mark.parametrize(
    "form", ["december-2023", "2023-12", "December 2023", "dec-2023", "latest", "DEC-2023"]
)
def test_period_forms(run: Run, at_root: str, form: str) -> None:
    result = run("report", form, "--format", "json", "--data", at_root)
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["period"] == {"id": "2023-12", "name": "December 2023"}


def test_unknown_period(run: Run) -> None:
    result = run("report", "june-2025")
    assert result.exit_code == 2
    assert result.stderr == (
        "nzcli: error: unknown period 'june-2025'. Known periods: "
        "2023-12 (December 2023), or latest.\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    "fmt,name",
    [("md", "report-2023-12.md"), ("csv", "report-2023-12.csv"), ("json", "report-2023-12.json")],
)
def test_golden_shipped_report(run: Run, at_root: str, fmt: str, name: str) -> None:
    result = run("report", "december-2023", "--format", fmt, "--data", at_root)
    assert result.exit_code == 0, result
    golden(name, result.stdout_bytes)


def test_json_structure(run: Run, at_root: str) -> None:
    report = json.loads(run("report", "latest", "-f", "json", "--data", at_root).stdout)
    assert report["format_version"] == 2
    assert list(report) == [
        "format_version",
        "title",
        "organisation",
        "period",
        "draft",
        "published",
        "contact",
        "source",
        "generated",
        "filters",
        "keys",
        "summary",
        "changes",
        "trend",
        "themes",
    ]
    assert report["source"] == "actions.yaml"  # the file's name, never its path
    assert (report["draft"], report["changes"], report["trend"]) == (False, None, [])
    assert [t["name"] for t in report["themes"]] == [
        "Transport",
        "Buildings and Energy",
        "Business and Economy",
        "Resources and Waste",
        "Communities",
        "Nature and Land Use",
        "Cross Cutting Actions",
    ]
    total = report["summary"]["total"]
    assert total["actions"] == 176
    assert total["rag"] == {"red": 0, "amber": 0, "green": 0, "not_rated": 176, "no_update": 0}
    assert total["stage"] == {
        "discovery": 66,
        "design": 48,
        "delivery": 59,
        "completed": 2,
        "mixed": 1,
        "no_update": 0,
    }
    ids = [a["id"] for t in report["themes"] for s in t["sections"] for a in s["actions"]]
    assert len(ids) == 176 == len(set(ids))
    nature = report["themes"][5]["sections"]
    assert [(s["name"], len(s["actions"])) for s in nature] == [
        (None, 15),
        ("Land Management and Use", 5),
    ]


def test_markdown_renders_as_tables(run: Run, at_root: str) -> None:
    text = run("report", "latest", "-f", "md", "--data", at_root).stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables = [t for t in tokens if t.type == "table_open"]
    # stage and RAG summaries, two bar tables, three key tables (stage, RAG, the other
    # codes), then one table per (theme, section)
    assert len(tables) == 7 + 23
    rows: list[int] = []
    cells = 0
    for token in tokens:
        if token.type == "tr_open":
            cells = 0
        elif token.type in ("td_open", "th_open"):
            cells += 1
        elif token.type == "tr_close":
            rows.append(cells)
    action_rows = [c for c in rows if c in (12, 5)]
    assert action_rows.count(12) == 164 + 19  # 164 themed rows + 19 section header rows
    assert action_rows.count(5) == 12 + 4  # 12 cross-cutting rows + 4 header rows


def test_filtered_report(run: Run, at_root: str) -> None:
    result = run(
        "report",
        "latest",
        "--theme",
        "transport",
        "--stage",
        "discovery",
        "-f",
        "json",
        "--data",
        at_root,
    )
    report = json.loads(result.stdout)
    ids = [a["id"] for t in report["themes"] for s in t["sections"] for a in s["actions"]]
    # T17 has one scheme (Network North) in discovery
    assert ids == ["T13", "T17", "T19", "T23", "T25", "T27", "T30", "T31", "T33", "T34"]
    assert report["filters"] == {"theme": ["transport"], "stage": ["discovery"]}
    assert report["summary"]["total"]["actions"] == 10


def test_filtered_report_with_no_rag_says_why(run: Run) -> None:
    result = run("report", "latest", "--rag", "red", "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr == (
        "No actions match: no action has a RAG rating for December 2023 "
        "(2023-12). Use --rag unrated to list them, or --period for another "
        "period.\n"
    )
    assert result.stdout.splitlines() == [
        "id,theme,section,objectives,action,role,partners,owner,timescale,cost,carbon_saving,"
        "deliverability_score,period,stage,rag,update"
    ]


def test_actions_without_an_update_are_marked(run: Run) -> None:
    md = squeeze(run("report", "2024-06", "-f", "md", "--data", MINI).stdout)
    assert "| T10 | 3 | Trial demand responsive transport. |" in md
    t10 = next(line for line in md.splitlines() if line.startswith("| T10 |"))
    assert t10.endswith("| No update | No update for this period |")
    report = json.loads(run("report", "2024-06", "-f", "json", "--data", MINI).stdout)
    assert report["summary"]["total"]["stage"]["no_update"] == 1
    assert report["summary"]["total"]["rag"]["no_update"] == 1  # not "not rated"
    rows = list(
        csv.DictReader(io.StringIO(run("report", "2024-06", "-f", "csv", "--data", MINI).stdout))
    )
    t10_row = next(r for r in rows if r["id"] == "T10")
    assert (t10_row["stage"], t10_row["update"]) == ("", "")  # blank: import leaves it alone


def test_earlier_period(run: Run) -> None:
    report = json.loads(run("report", "2023-12", "-f", "json", "--data", MINI).stdout)
    rows = {a["id"]: a for t in report["themes"] for s in t["sections"] for a in s["actions"]}
    assert rows["T1"]["stage"] == [{"scheme": None, "stage": "design"}]
    assert rows["T1"]["rag"] is None
    assert rows["X1"]["update"] is None  # X1 has no December 2023 update


def test_cron_output_is_silent_atomic_and_stable(run: Run, tmp_path: Path, at_root: str) -> None:
    target = tmp_path / "net-zero.md"
    first = run("report", "latest", "-f", "md", "-o", str(target), "--quiet", "--data", at_root)
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "")
    before = target.read_bytes()
    again = run("report", "latest", "-o", str(target), "--data", at_root)
    assert again.stdout == ""
    assert again.stderr == (f"wrote the December 2023 report (176 actions, md) to {target}\n")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net-zero.md"]


def test_stamp_adds_the_time(run: Run, at_root: str) -> None:
    plain = run("report", "latest", "-f", "md", "--data", at_root).stdout
    stamped = run("report", "latest", "-f", "md", "--stamp", "--data", at_root).stdout
    assert "Generated: " not in plain
    assert "Generated: " in stamped


def test_failure_is_one_line_and_leaves_the_old_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_text("old page", encoding="utf-8")
    result = run("report", "latest", "-o", str(target), "--data", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "old page"


def test_unwritable_output_folder(run: Run, tmp_path: Path) -> None:
    result = run("report", "latest", "-o", str(tmp_path / "no" / "such" / "dir" / "r.md"))
    assert result.exit_code == 2
    assert result.stderr.startswith("nzcli: error: ")
    assert "cannot write" in result.stderr


def test_title_option(run: Run) -> None:
    md = run("report", "latest", "-f", "md", "--title", "Committee paper: Net Zero").stdout
    assert md.startswith("# Committee paper: Net Zero\n")


def test_excel_csv_has_bom_and_crlf(run: Run) -> None:
    result = run("report", "latest", "-f", "csv", "--excel")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfid,theme,")
    assert b"\r\n" in result.stdout_bytes
    assert result.stdout_bytes.count(b"\n") == result.stdout_bytes.count(b"\r\n")


# ---------------------------------------------------------------------------------------------
# HTML


def html_report(run: Run, *args: str) -> str:
    result = run("report", "latest", "-f", "html", *args)
    assert result.exit_code == 0, result
    return result.stdout


def test_html_is_self_contained(run: Run) -> None:
    page = html_report(run)
    assert page.startswith("<!DOCTYPE html>\n")
    assert "<script" not in page.lower()
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page.replace(
        "https://www.leicestershire.gov.uk/roads-and-travel/roadmaintenance/"
        "transport-policy-plans-and-studies",
        "",
    )
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "<style>" in page and "<svg" in page
    assert "@page { size: A4 landscape;" in page
    assert page.count('<td class="rag rag-not-rated" data-label="RAG">Not rated</td>') == 176
    assert page.count('<td class="stage stage-design" data-label="Stage">Design</td>') == 48
    assert (
        '<span class="scheme">MMLe: Delivery</span><span class="scheme">Ivanhoe: Design</span>'
    ) in page


def test_html_escapes_data(run: Run, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    text = (
        (FIXTURES / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "Develop a vision for transport.",
            "\"<script>alert(1)</script> <img src=x onerror=alert(2)> & 'quotes'\"",
        )
    )
    hostile.write_text(text, encoding="utf-8")
    page = html_report(run, "--data", str(hostile))
    assert "<script>" not in page and "<img" not in page
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; &amp; "
        "&#x27;quotes&#x27;"
    ) in page
