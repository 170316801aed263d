"""`nzcli pack`: the update packs officers fill in. It reads the plan and writes workbooks,
never the plan itself. Like every command module, it imports nothing heavy until it runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from nzcli.errors import OptionError, UsageError

from .context import Context, Result
from .spec import COLOR, DATA, FILTERS, OUTPUT, QUIET, Argument, Option, command

if TYPE_CHECKING:
    from nzcli.query import Filters

PACK_PERIOD = Argument(
    "period_arg",
    "PERIOD",
    "The period the officers report on: 2024-06, june-2024.",
    complete="period",
)
PACK_BY = Option(
    "by",
    ("--by", "-b"),
    "One workbook per owner or per theme (FIELD: owner or theme), into a folder (default: "
    "one workbook).",
    "FIELD",
    complete="pack_by",
)
FORCE = Option(
    "force",
    ("--force",),
    "Replace workbooks already there (by default a pack is never written over: it may be "
    "one an officer has filled in).",
    flag=True,
)


@command("pack", PACK_PERIOD, PACK_BY, OUTPUT, FORCE, QUIET, DATA, FILTERS, COLOR)
def pack(
    ctx: Context,
    *,
    filters: Filters,
    period_arg: str,
    by: str | None,
    output: str | None,
    force: bool,
) -> Result:
    """Write update packs: Excel workbooks for officers to fill in for PERIOD.

    Each has an Instructions sheet and an Updates sheet: a row per action, its description
    and last period's stage, RAG and update locked and grey, and this period's stage, RAG
    and update to fill in (yellow), with dropdowns from the plan's key and a "No change
    since last time" choice. A hidden sheet records the plan, the period and each action's
    state, so that reading the pack back can tell when an action has changed in the plan
    since. The filters from `list` choose the actions; --stage and --rag read the period
    before PERIOD (last time) unless --period says otherwise. Actions without an owner go
    in "(no owner)". --output names the workbook (default: update-pack-PERIOD.xlsx), or
    with --by the folder to write them into (default: update-packs-PERIOD). Existing
    workbooks are kept unless --force.

    Examples:

      nzcli pack 2024-06

      nzcli pack 2024-06 --by owner --output packs/

      nzcli pack 2024-06 --by theme --rag red --rag amber
    """
    from nzcli import vocab
    from nzcli.query import empty_reason, resolve
    from nzcli.render.pack import pack_workbook
    from nzcli.views.pack import GROUPINGS, build_packs, previous_period

    if by is not None and by.casefold() not in GROUPINGS:
        raise OptionError(f"{by!r}: use owner or theme", "--by")
    grouping = by.casefold() if by is not None else None
    if output == "":
        raise OptionError("give a file or folder name", "--output")
    plan = ctx.load()
    period = vocab.resolve_period(plan, period_arg)
    if filters.period is None:
        filters.period = (previous_period(plan, period) or period).id
    selection = resolve(plan, filters)
    actions = selection.apply(plan)
    if not actions:
        raise UsageError(f"no pack written: {empty_reason(plan, selection)}")
    packs = build_packs(plan, actions, period, grouping)
    if grouping is None:
        target = Path(output or f"update-pack-{period.id}.xlsx")
        paths = [target]
    else:
        target = Path(output or f"update-packs-{period.id}")
        if target.exists() and not target.is_dir():
            raise OptionError(f"{target} is a file; with --by, give a folder", "--output")
        names = file_names([f"{period.id} {p.group}" for p in packs])
        paths = [target / f"{name}.xlsx" for name in names]
    there = [p for p in paths if p.exists()]
    if there and not force:
        more = f" (and {len(there) - 1} more)" if len(there) > 1 else ""
        raise UsageError(
            f"{there[0]} is already there{more} and may be a pack an officer has filled in; "
            "give another --output, or --force to replace it"
        )
    files = [(path, pack_workbook(p)) for path, p in zip(paths, packs, strict=True)]
    # (--quiet, as for every command, takes the messages away: `run.run_command`)
    count = len(actions)
    what = f"{len(packs)} update pack{'s' if len(packs) != 1 else ''}"
    messages = [
        f"wrote {what} for {period.name} ({count} action{'s' if count != 1 else ''}) to {target}"
    ]
    if grouping is not None:
        messages += [
            f"  {path.name}: {len(p.rows)} action{'s' if len(p.rows) != 1 else ''}"
            for path, p in zip(paths, packs, strict=True)
        ]
    return Result(files=files, messages=messages)


_UNSAFE = re.compile(r"[^\w .,()&'+-]+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def file_names(wanted: list[str]) -> list[str]:
    """File names (without .xlsx) for these owners or themes on any system: characters
    outside letters, digits and ` .,()&'+-` become "-", at most 80 characters, not a name
    Windows reserves, unique ignoring case."""
    out: list[str] = []
    seen: set[str] = set()
    for name in wanted:
        base = _UNSAFE.sub("-", " ".join(name.split())).strip(" .")[:80] or "pack"
        if _RESERVED.match(base):
            base = f"_{base}"
        candidate, n = base, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{base} ({n})"
        seen.add(candidate.casefold())
        out.append(candidate)
    return out
