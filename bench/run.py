"""Benchmark nzcli against its peers, as whole processes, and write docs/performance.md.

    pip install '.[test]' && python bench/run.py            # 176, 10,000 and 100,000 actions
    python bench/run.py --sizes 176,10000 --runs 5          # a quicker run
    python bench/run.py --sizes 176 --runs 3 --no-doc       # print only

For each size it writes a plan into bench/out/ (176: the shipped file; larger: the shipped
actions copied and renumbered, checked with `nzcli check` once) and the exports its peers read
(bench/peers.py), then, round after round, runs every command once, in an order that
alternates between rounds:

  list (changed)   nzcli list --theme transport --format csv, first run after the file changed
  list (warm)      the same, with the plan cache holding this content
  table (warm)     nzcli list --theme transport (the default table, 100 columns)
  summary (warm)   nzcli summary --by theme --by stage
  report md/html   nzcli report latest --format md / html (warm)
  check            nzcli check (always parses: the first read after a change, validated whole)
  update           nzcli update T1 --period latest --reopen --text "bench N" (an edit, every
                   round; recorded in the plan's history like any write)
  --help, python   nzcli --help; python -c pass (the interpreter nzcli runs on)
  load alone       Python loading the plan from the cache as nzcli does, and nothing else:
                   what every warm command spends before its own work
  yaml-rs alone    the quickest safe parser reading the whole file: a floor for the first
                   read after a change (which also prescans, validates and writes the entry)
  peers            yq on the YAML, jq on the JSON export, mlr, sqlite3 and duckdb on the CSV
                   export, asked the same questions (select; group and count)

and once per size, untimed by rounds: `nzcli import` (32,000 rows at 100,000 actions, else
up to 2,000), and `yq -i` making the same edit as `update`. Each time is the wall-clock
time of the whole process (started and reaped with os.wait4). Peak memory is the process's
maximum resident set size, from `/usr/bin/time -f %M` in one extra, untimed run of each
command. The table holds medians, and the ratios are of
medians taken in the same run. nzcli runs with its plan cache in bench/out/cache and Python's
bytecode cache on, as an installed program has it. POSIX only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "actions.yaml"
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

YQ_FILTER = '.actions[] | select(.theme=="transport") | .id'
#: Rewritten in place before each "changed" run: same size, new content, new cache key.
TRAILER = "# bench edit {:012d}\n"
TRAILER_LEN = len(TRAILER.format(0))
GENERATOR_VERSION = "2"

GiB = 1024**3


# ---------------------------------------------------------------------------------------------
# Plans


def generate(size: int, folder: Path) -> Path:
    """bench/out/plan-SIZE.yaml: renumbered copies of the shipped actions, then a trailer."""
    target = folder / f"plan-{size}.yaml"
    source = SHIPPED.read_bytes()
    stamp = hashlib.sha256(source + f"{size} {GENERATOR_VERSION}".encode()).hexdigest()
    stamp_file = target.with_suffix(".stamp")
    if target.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return target
    text = source.decode("utf-8")
    if size == 176:
        body = text
    else:
        head, sep, actions = text.partition("\nactions:\n")
        if not sep:
            sys.exit("bench: data/actions.yaml has no 'actions:' section")
        blocks = re.split(r"(?m)^(?=  - id: )", actions)
        preamble, blocks = blocks[0], blocks[1:]
        id_line = re.compile(r'  - id: ("?)([A-Z]{1,3})([0-9]+)([a-z]?)\1\n')
        counters: dict[str, int] = {}
        parts = [head, sep, preamble]
        for i in range(size):
            block = blocks[i % len(blocks)]
            match = id_line.match(block)
            if match is None:
                sys.exit(f"bench: cannot renumber the action starting {block[:40]!r}")
            prefix = match.group(2)
            counters[prefix] = counters.get(prefix, 0) + 1
            parts.append(f"  - id: {prefix}{counters[prefix]}\n{block[match.end() :]}")
        body = "".join(parts)
    if not body.endswith("\n"):
        body += "\n"
    target.write_text(body + TRAILER.format(0), encoding="utf-8")
    stamp_file.write_text(stamp)
    (folder / f"plan-{size}.checked").unlink(missing_ok=True)
    return target


def touch_content(plan: Path, counter: int) -> None:
    """Change the file's content (not its size): rewrite the trailing comment in place."""
    with open(plan, "r+b") as handle:
        handle.seek(-TRAILER_LEN, os.SEEK_END)
        handle.write(TRAILER.format(counter % 10**12).encode("ascii"))


def check_plan(nzcli: list[str], plan: Path, env: dict[str, str]) -> None:
    """`nzcli check` once per generated plan (errors fail the bench; warnings are expected)."""
    marker = plan.with_name(plan.stem + ".checked")
    if marker.exists():
        return
    print(f"  checking {plan.name} with nzcli check ...", flush=True)
    done = subprocess.run(
        [*nzcli, "check", "--data", str(plan)], env=env, capture_output=True, text=True
    )
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        sys.exit(f"bench: {plan} is not a valid plan:\n{done.stdout[-2000:]}{done.stderr}")
    print(f"    {summary}")
    marker.write_text(summary + "\n")


# ---------------------------------------------------------------------------------------------
# Running and timing


@dataclass
class Sample:
    seconds: float
    peak_bytes: int


@dataclass
class Series:
    label: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    peak_bytes: int | None = None  # from /usr/bin/time, else the largest os.wait4 figure

    @property
    def peak(self) -> int:
        return self.peak_bytes or max(s.peak_bytes for s in self.samples)


def run_once(cmd: list[str], env: dict[str, str], stdout: int | None = None,
             quiet: bool = False) -> Sample:
    """Time one process to its end and read its peak memory (os.wait4: that process only).
    `quiet`: exit code 1 is an answer, not a failure (`nzcli check` with warnings only)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=stdout or subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 and not (quiet and proc.returncode == 1):
            err.seek(0)
            message = err.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{message}")
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return Sample(elapsed, peak)


def measure_peak(cmd: list[str], env: dict[str, str]) -> int | None:
    """Peak resident memory of `cmd` alone, in bytes (None without GNU time)."""
    time_bin = Path("/usr/bin/time")
    if not time_bin.exists():
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as out:
        done = subprocess.run(
            [str(time_bin), "-f", "%M", "-o", out.name, *cmd],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        text = Path(out.name).read_text().strip().splitlines()
    if done.returncode not in (0, 1) or not text or not text[-1].isdigit():
        return None
    return int(text[-1]) * 1024  # GNU time reports KiB


def find_nzcli() -> list[str]:
    beside = Path(sys.executable).with_name("nzcli")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("nzcli")
    return [found] if found else [sys.executable, "-m", "nzcli"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program has its bytecode cached
    env.pop("NZCLI_NO_CACHE", None)
    env.pop("NZCLI_DATA", None)
    env["NZCLI_CACHE_DIR"] = str(OUT / "cache")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "100"
    return env


def same_answer(nzcli: list[str], yq: str, plan: Path, env: dict[str, str]) -> str:
    """Both tools must select the same actions (compared once per size, untimed)."""
    query = ["list", "--theme", "transport", "--format", "csv", "--columns", "id"]
    ours = subprocess.run(
        [*nzcli, *query, "--data", str(plan)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[1:]
    theirs = subprocess.run(
        [yq, "-r", YQ_FILTER, str(plan)], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    if ours != theirs:
        sys.exit(f"bench: nzcli and yq disagree on {plan.name}: {len(ours)} vs {len(theirs)} ids")
    return f"both select the same {len(ours):,} actions"


Command = list[str] | Callable[[int], list[str]]


def bench_size(
    size: int, runs: int, nzcli: list[str], yq: str | None, report: bool, env: dict[str, str]
) -> tuple[dict[str, Series], list[str]]:
    plan = generate(size, OUT)
    check_plan(nzcli, plan, env)
    notes: list[str] = []
    files = peers.inputs(nzcli, plan, env)
    data = ["--data", str(plan)]
    list_cmd = [*nzcli, "list", "--theme", "transport", "--format", "csv", *data]
    commands: dict[str, Command] = {
        "list (warm)": list_cmd,
        "table (warm)": [*nzcli, "list", "--theme", "transport", *data],
        "summary (warm)": [*nzcli, "summary", "--by", "theme", "--by", "stage", *data],
        "check": [*nzcli, "check", *data],
        "update": lambda n: [*nzcli, "update", "T1", "--period", "latest", "--reopen",
                             "--text", f"bench {size} {n}", *data],
        "--help": [*nzcli, "--help"],
        "python -c pass": [sys.executable, "-c", "pass"],
        LOAD_ALONE: [sys.executable, "-c", LOAD_ONLY, str(plan)],
        PARSE_ALONE: [sys.executable, "-c", PARSE_ONLY, str(plan)],
    }
    if report:
        for fmt in ("md", "html"):
            commands[f"report {fmt} (warm)"] = [*nzcli, "report", "latest", "--format", fmt,
                                                *data]
    commands.update(peers.select_peers(plan, files))
    commands.update(peers.group_peers(files))
    if yq:
        notes.append(same_answer(nzcli, yq, plan, env))
    notes += agree(nzcli, plan, env, peers.select_peers(plan, files))
    series = {label: Series(label) for label in ["list (changed)", *commands]}
    # Warm-up, untimed: bytecode, the OS file cache and the plan cache; then peak memory.
    for label, cmd in commands.items():
        run_once(resolve(cmd, 0), env, quiet=label == "check")
    touch_content(plan, size * 1000 + 999)  # never 0, the trailer as generated
    series["list (changed)"].peak_bytes = measure_peak(list_cmd, env)
    for label, cmd in commands.items():
        series[label].peak_bytes = measure_peak(resolve(cmd, 10**6), env)
    if series["list (warm)"].peak_bytes is None:
        notes.append("no /usr/bin/time: peak memory from os.wait4, which adds this script's own")
    misses = 0
    for round_no in range(runs):
        # A changed file first (the plan cache then holds the new content for the warm runs).
        touch_content(plan, size * 1000 + round_no + 1)
        series["list (changed)"].samples.append(run_once(list_cmd, env))
        order = list(commands.items())
        if round_no % 2:
            order.reverse()
        for label, cmd in order:
            before = cache_state()
            sample = run_once(resolve(cmd, round_no + 1), env, quiet=label == "check")
            if "warm" in label and cache_state() != before:
                misses += 1  # it wrote an entry: nzcli's code changed (a checkout being edited)
                sample = run_once(resolve(cmd, round_no + 1), env)
            series[label].samples.append(sample)
        print(
            f"  {size:>7,} actions, round {round_no + 1}/{runs}: "
            + ", ".join(f"{k} {v.samples[-1].seconds:.2f}s" for k, v in series.items()),
            flush=True,
        )
    if misses:
        notes.append(f"{misses} warm run(s) missed the plan cache (nzcli changed) and were rerun")
    series.update(once(size, plan, nzcli, env, notes))
    return series, notes


def agree(nzcli: list[str], plan: Path, env: dict[str, str],
          others: dict[str, list[str]]) -> list[str]:
    """Every peer selects as many actions as nzcli (checked once per size, untimed)."""
    ours = subprocess.run([*nzcli, "list", "--theme", "transport", "--format", "csv", "--columns",
                           "id", "--data", str(plan)], env=env, capture_output=True, text=True,
                          check=True).stdout.split()[1:]
    out = []
    for label, cmd in others.items():
        text = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        count = int(text.strip()) if label.startswith("duckdb") else len(text.split())
        if count != len(ours):
            sys.exit(f"bench: {label} selects {count} actions, nzcli {len(ours)}")
        out.append(f"{label} selects the same {count:,} actions")
    return out


#: What every warm command does before its own work, timed alone: start Python, import the
#: plan store and load the plan from the cache as `nzcli` does (no collector, no teardown).
#: A warm command's figure less this is the command's own work (a floor for the reports).
LOAD_ALONE = "load alone (warm)"
LOAD_ONLY = (
    "import gc, os, sys; gc.disable(); from nzcli.store import load_plan; "
    "load_plan(sys.argv[1]); os._exit(0)"
)
#: The quickest safe YAML parser (nzcli's optimistic route) on the whole file, alone: a floor
#: for the first read after a change, which also prescans, validates and writes the entry.
PARSE_ALONE = "yaml-rs parse alone"
PARSE_ONLY = (
    "import gc, os, sys; gc.disable(); import yaml_rs; "
    "yaml_rs.loads(open(sys.argv[1], encoding='utf-8').read(), parse_datetime=False); "
    "os._exit(0)"
)


def resolve(cmd: Command, n: int) -> list[str]:
    return cmd(n) if callable(cmd) else cmd


#: Rows imported at each size: 32,000 at 100,000 actions (issue 16's goal), else up to 2,000.
IMPORT_ROWS = {100_000: 32_000}


def import_rows(size: int) -> int:
    return IMPORT_ROWS.get(size, min(size, 2_000))


def once(size: int, plan: Path, nzcli: list[str], env: dict[str, str],
         notes: list[str]) -> dict[str, Series]:
    """The slow cases, timed once each on copies of the plan: an import (`import_rows`), on a
    copy read once since it was made (as in the round, where `status` or `pack` has read the
    plan before the sheets come back: the import then edits against the plan cache; the
    first read of a changed plan is timed as `list (changed)`), and yq -i making update's
    edit."""
    out: dict[str, Series] = {}
    rows = import_rows(size)
    ids = re.findall(r"(?m)^  - id: ([A-Z]+[0-9]+[a-z]?)\n", plan.read_text(encoding="utf-8"))
    sheet = OUT / f"import-{size}.csv"
    sheet.write_text("id,rag,update\n" + "".join(
        f"{i},amber,Imported for the bench ({i}).\n" for i in ids[:rows]), encoding="utf-8")
    copy = OUT / f"import-{size}.yaml"
    cmd = [*nzcli, "import", str(sheet), "--period", "latest", "--reopen", "--data", str(copy)]
    read = [*nzcli, "list", "--format", "csv", "--data", str(copy)]

    def fresh_copy() -> None:
        shutil.copyfile(plan, copy)
        copy.with_name(copy.name + ".history.jsonl").unlink(missing_ok=True)
        subprocess.run(read, env=env, stdout=subprocess.DEVNULL, check=True)

    label = f"import ({rows:,} rows)"
    fresh_copy()
    out[label] = Series(label, [run_once(cmd, env)])
    fresh_copy()
    out[label].peak_bytes = measure_peak(cmd, env)
    edit = peers.edit_peer(copy)
    if edit is not None:
        shutil.copyfile(plan, copy)
        out["yq -i (edit)"] = Series("yq -i (edit)", [run_once(edit, env)])
        shutil.copyfile(plan, copy)
        out["yq -i (edit)"].peak_bytes = measure_peak(edit, env)
    copy.unlink(missing_ok=True)
    copy.with_name(copy.name + ".history.jsonl").unlink(missing_ok=True)
    return out


def cache_state() -> dict[str, int]:
    folder = OUT / "cache"
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")} if folder.is_dir() else {}


# ---------------------------------------------------------------------------------------------
# Reporting


@dataclass
class Goal:
    text: str
    met: bool | None  # None: not measured
    detail: str


def goals(results: dict[int, dict[str, Series]], yq: str | None) -> list[Goal]:
    def get(size: int, label: str) -> Series | None:
        return results.get(size, {}).get(label)

    def missing(size: int, needs_yq: bool) -> str:
        if size not in results:
            return f"{size:,} not run"
        return "yq missing" if needs_yq and not yq else "not run"

    def versus_yq(size: int, text: str, limit: float) -> Goal:
        ours, theirs = get(size, "list (warm)"), get(size, YQ)
        if not (ours and theirs):
            return Goal(text, None, missing(size, True))
        ratio = ours.median / theirs.median
        return Goal(text, ratio <= limit, f"{ratio:.2f}× yq")

    def seconds(size: int, label: str, text: str, limit: float, mib: float = 0) -> Goal:
        ours = get(size, label)
        if not ours:
            return Goal(text, None, missing(size, False))
        detail = f"{ours.median:.2f} s"
        met = ours.median < limit
        if mib:
            detail += f", {ours.peak / 2**20:,.0f} MiB"
            met = met and ours.peak < mib * 2**20
        return Goal(text, met, detail)

    out = [
        versus_yq(176, "176 actions: `list` warm no slower than yq", 1.0),
        versus_yq(10_000, "10,000 actions: `list` warm at most 1/5 of yq", 0.2),
        seconds(10_000, "list (changed)", "10,000 actions: first `list` after a change < 4 s", 4),
        seconds(100_000, "list (warm)", "100,000 actions: `list` warm < 2 s, < 1 GiB", 2, 1024),
        seconds(100_000, "update", "100,000 actions: `update` < 2 s, < 600 MiB", 2, 600),
        seconds(100_000, "list (changed)",
                "100,000 actions: first `list` after a change < 5 s, < 1 GiB", 5, 1024),
        seconds(100_000, "check", "100,000 actions: `check` < 8 s, < 1.2 GiB", 8, 1229),
        seconds(10_000, "table (warm)", "10,000 actions: default table < 0.3 s", 0.3),
        seconds(100_000, "table (warm)", "100,000 actions: default table < 2 s", 2),
        seconds(100_000, "report html (warm)", "100,000 actions: `report` html warm < 1.5 s",
                1.5),
        seconds(100_000, "report md (warm)", "100,000 actions: `report` md warm < 1.5 s", 1.5),
    ]
    small, large = get(176, "update"), get(10_000, "update")
    if small:
        out.append(Goal("176 actions: `update` (for comparison with earlier runs)", None,
                        f"{small.median:.2f} s"))
    rows = get(100_000, f"import ({import_rows(100_000):,} rows)")
    text = "100,000 actions: `import` of 32,000 rows < 20 s, < 1 GiB"
    if rows:
        out.append(Goal(text, rows.median < 20 and rows.peak < 2**30,
                        f"{rows.median:.1f} s, {rows.peak / 2**20:,.0f} MiB"))
    else:
        out.append(Goal(text, None, missing(100_000, False)))
    del large
    ratios = [
        series["--help"].median / series["python -c pass"].median
        for series in results.values()
        if "--help" in series and "python -c pass" in series
    ]
    text = "`nzcli --help` within 15 × `python -c pass`"
    if ratios:
        ratio = statistics.median(ratios)
        out.append(Goal(text, ratio <= 15, f"{ratio:.1f}× python"))
    else:
        out.append(Goal(text, None, "not run"))
    return out


YQ = "yq (YAML)"

#: What issue 16 measured on the machine it was filed on: yq over the 100,000-action plan,
#: and `python -c pass` (its table's heading). The same programs timed here say how much
#: quicker or slower this machine is; the goals are kept as the issue wrote them.
FILED = {YQ: 22.0, "python -c pass": 0.009}


def machine_speed(results: dict[int, dict[str, Series]]) -> list[str]:
    out = []
    for label, then in FILED.items():
        now = results.get(100_000, {}).get(label)
        if now is not None and now.samples:
            out.append(
                f"machine: {label} took {now.median:.3f} s here (100,000-action run) against "
                f"{then:g} s when issue 16 was filed ({now.median / then:.1f}×); the goals are "
                "not scaled"
            )
    return out


def table(results: dict[int, dict[str, Series]]) -> str:
    rows = [
        "| actions | command | median s | min s | peak MiB | ÷ yq | ÷ python |",
        "|--:|:--|--:|--:|--:|--:|--:|",
    ]
    for size in sorted(results):
        series = results[size]
        yq = series.get(YQ)
        py = series.get("python -c pass")
        for label, s in series.items():
            if not s.samples:
                continue
            vs_yq = f"{s.median / yq.median:.2f}" if yq and label != YQ else ""
            vs_py = f"{s.median / py.median:.1f}" if py and label != "python -c pass" else ""
            rows.append(
                f"| {size:,} | {label} | {s.median:.3f} | {min(x.seconds for x in s.samples):.3f} "
                f"| {s.peak / 2**20:,.0f} | {vs_yq} | {vs_py} |"
            )
    return "\n".join(rows)


def machine(yq: str | None, nzcli: list[str]) -> list[str]:
    def version(cmd: list[str]) -> str:
        with contextlib.suppress(Exception):
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        return "?"

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    py = sys.executable
    packages = version(
        [
            py,
            "-c",
            "import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
            "('nzcli', 'typer', 'pydantic', 'pydantic-core', 'ruamel.yaml', 'ruamel.yaml.clib')))",
        ]
    )
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Machine: {cpu}, {os.cpu_count()} CPUs, {memory} RAM; {platform.platform()}",
        f"- Python: {platform.python_version()} ({py}); {packages}",
        f"- nzcli: `{' '.join(nzcli)}`; yq: {version([yq, '--version']) if yq else 'missing'}"
        + (f" ({yq}), jq: {version(['jq', '--version'])}" if yq else "")
        + f"; mlr: {version(['mlr', '--version']) if shutil.which('mlr') else 'missing'}"
        + f"; sqlite3: {version(['sqlite3', '--version']).split(' ')[0]}"
        + "; duckdb: "
        + (
            version([sys.executable, "-c", "import duckdb; print(duckdb.__version__)"])
            if peers.has_duckdb()
            else "not installed"
        ),
        f"- Load average (1/5/15 min) at the end: {load}",
    ]


def render(
    results: dict[int, dict[str, Series]],
    notes: list[str],
    yq: str | None,
    nzcli: list[str],
    runs: dict[int, int],
) -> str:
    lines = [
        START,
        "",
        "_Generated by `python bench/run.py"
        + (f" --sizes {','.join(str(s) for s in sorted(results))}" if results else "")
        + "`; do not edit by hand._",
        "",
        "### Goals",
        "",
        "| goal | measured | met |",
        "|:--|--:|:--|",
    ]
    for goal in goals(results, yq):
        mark = {True: "**met**", False: "**not met**", None: "not measured"}[goal.met]
        lines.append(f"| {goal.text} | {goal.detail} | {mark} |")
    lines += ["", "### Medians", "", table(results), ""]
    lines += [
        "Runs per size: "
        + ", ".join(f"{size:,}: {n}" for size, n in sorted(runs.items()))
        + " (after one untimed warm-up run of each command).",
        "",
    ]
    lines += [f"- {n}" for n in notes] + ["", "### Machine", ""] + machine(yq, nzcli)
    lines += ["", END]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = (text or "# Performance\n\n") + "\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="176,10000,100000", help="plan sizes (actions)")
    parser.add_argument(
        "--runs", type=int, default=None, help="rounds per size (default 11, 5, 3 by size)"
    )
    parser.add_argument("--no-doc", action="store_true", help="do not update the docs page")
    args = parser.parse_args()
    if not hasattr(os, "wait4"):
        sys.exit("bench: needs os.wait4 (Linux, macOS or another POSIX system)")
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(OUT / "cache", ignore_errors=True)
    env = child_env()
    nzcli = find_nzcli()
    yq = shutil.which("yq")
    if yq is None:
        print(
            "bench: yq is not installed (Debian/Ubuntu: apt-get install yq; it needs jq), so "
            "there is nothing to compare with: nzcli is timed alone and the ratios are left "
            "out.",
            file=sys.stderr,
        )
    report = subprocess.run([*nzcli, "report", "--help"], env=env, capture_output=True).returncode
    notes: list[str] = []
    if yq is None:
        notes.append("yq was not installed: nzcli timed alone, no ratios to yq.")
    if report != 0:
        notes.append("`nzcli report` is not available in this version: not timed.")
    if peers.missing():
        notes.append(f"not installed, so not timed: {', '.join(peers.missing())}")
    print(f"nzcli: {' '.join(nzcli)}; yq: {yq or 'missing'}; sizes: {sizes}", flush=True)
    results: dict[int, dict[str, Series]] = {}
    runs: dict[int, int] = {}
    for size in sizes:
        runs[size] = args.runs or (11 if size <= 1000 else 5 if size <= 10_000 else 3)
        results[size], size_notes = bench_size(size, runs[size], nzcli, yq, report == 0, env)
        notes += [f"{size:,} actions: {n}" for n in size_notes]
    notes += machine_speed(results)
    section = render(results, notes, yq, nzcli, runs)
    print()
    print(section.replace(START, "").replace(END, "").strip())
    if not args.no_doc:
        write_doc(section)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
