"""The peers nzcli is timed against, on the same rows, and the files they read.

For each plan the bench writes, once: its JSON export (`nzcli export --format json`, for jq),
its CSV export (`nzcli list --format csv`, for mlr, sqlite3 and duckdb) and an SQLite
database of that CSV (for sqlite3). Each peer answers the same questions as nzcli:

  select   the ids of the transport actions            (nzcli list --theme transport)
  group    actions by theme and stage, counted          (nzcli summary --by theme --by stage)
  edit     one action's latest RAG set to red, in place (nzcli update T1 ...), yq only

A peer whose program is not installed is skipped, and the page says so. mlr is Debian's
`miller`; duckdb is the Python package (its time includes starting Python).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

YQ_SELECT = '.actions[] | select(.theme=="transport") | .id'
JQ_SELECT = '.actions[] | select(.theme=="transport") | .id'
JQ_GROUP = (
    '[.actions[] | {theme, stage: ((.updates | to_entries | last | .value.stage) // "")}]'
    " | group_by([.theme, .stage]) | map({theme: .[0].theme, stage: .[0].stage, n: length})"
)
SQL_SELECT = "select id from actions where theme = 'transport';"
SQL_GROUP = "select theme, stage, count(*) from actions group by theme, stage;"
DUCKDB = (
    "import duckdb, sys; con = duckdb.connect(); "
    "rows = con.execute(sys.argv[2].replace('actions', \"read_csv_auto('\" + sys.argv[1] + "
    "\"', all_varchar=true)\")).fetchall(); print(len(rows))"
)


def inputs(nzcli: list[str], plan: Path, env: dict[str, str]) -> dict[str, Path]:
    """The exports of `plan` the peers read (made once per plan, untimed)."""
    out = {"json": plan.with_suffix(".json"), "csv": plan.with_suffix(".csv"),
           "sqlite": plan.with_suffix(".sqlite")}
    stamp = plan.with_suffix(".exports")
    if stamp.exists() and stamp.stat().st_mtime >= plan.with_suffix(".stamp").stat().st_mtime:
        return out
    subprocess.run([*nzcli, "export", "--format", "json", "--output", str(out["json"]),
                    "--data", str(plan)], env=env, check=True, capture_output=True)
    subprocess.run([*nzcli, "list", "--format", "csv", "--output", str(out["csv"]),
                    "--data", str(plan)], env=env, check=True, capture_output=True)
    if shutil.which("sqlite3"):
        out["sqlite"].unlink(missing_ok=True)
        subprocess.run(["sqlite3", str(out["sqlite"]), ".mode csv",
                        f".import {out['csv']} actions"], check=True, capture_output=True)
    stamp.write_text("made\n")
    return out


def select_peers(plan: Path, files: dict[str, Path]) -> dict[str, list[str]]:
    """label -> command, for each installed peer that selects the transport actions."""
    peers: dict[str, list[str]] = {}
    if shutil.which("yq"):
        peers["yq (YAML)"] = ["yq", "-r", YQ_SELECT, str(plan)]
    if shutil.which("jq"):
        peers["jq (JSON)"] = ["jq", "-r", JQ_SELECT, str(files["json"])]
    if shutil.which("mlr"):
        peers["mlr (CSV)"] = ["mlr", "--icsv", "--onidx", "filter", '$theme == "transport"',
                              "then", "cut", "-f", "id", str(files["csv"])]
    if shutil.which("sqlite3"):
        peers["sqlite3"] = ["sqlite3", str(files["sqlite"]), SQL_SELECT]
    if has_duckdb():
        peers["duckdb (CSV)"] = [sys.executable, "-c", DUCKDB, str(files["csv"]), SQL_SELECT]
    return peers


def group_peers(files: dict[str, Path]) -> dict[str, list[str]]:
    peers: dict[str, list[str]] = {}
    if shutil.which("jq"):
        peers["jq group"] = ["jq", "-c", JQ_GROUP, str(files["json"])]
    if shutil.which("mlr"):
        peers["mlr group"] = ["mlr", "--icsv", "--ojson", "count", "-g", "theme,stage",
                              str(files["csv"])]
    if shutil.which("sqlite3"):
        peers["sqlite3 group"] = ["sqlite3", str(files["sqlite"]), SQL_GROUP]
    if has_duckdb():
        peers["duckdb group"] = [sys.executable, "-c", DUCKDB, str(files["csv"]), SQL_GROUP]
    return peers


def edit_peer(copy: Path) -> list[str] | None:
    if not shutil.which("yq"):
        return None
    return ["yq", "-i", "-y", '(.actions[] | select(.id=="T1") | .updates."2023-12".rag) = "red"',
            str(copy)]


def has_duckdb() -> bool:
    done = subprocess.run([sys.executable, "-c", "import duckdb"], capture_output=True)
    return done.returncode == 0


def missing() -> list[str]:
    names = [n for n in ("yq", "jq", "mlr", "sqlite3") if not shutil.which(n)]
    if not has_duckdb():
        names.append("duckdb")
    return names
