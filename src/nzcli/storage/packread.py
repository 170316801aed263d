"""A returned update pack, read back (`nzcli.storage.workbook.read_workbooks` calls this for
a workbook that has the pack's metadata sheet).

Every cell of the Updates sheet is compared with the text the pack was made with (kept on
the metadata sheet): a locked cell that differs, or anything written outside the pack's rows
and columns, is a problem at that cell. What differs in an editable cell is an answer: a
stage or RAG rating checked against the vocabulary ("No change since last time" taking last
time's value), or an update's text as written. Answers for an action whose fingerprint no
longer matches the plan are refused as stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nzcli import vocab
from nzcli.errors import UsageError
from nzcli.packs import (
    EDITABLE,
    META_KEYS,
    META_SHEET,
    META_TABLE_ROW,
    NO_CHANGE,
    PACK_FORMAT,
    PACK_VERSION,
    UPDATES_SHEET,
    fingerprint,
)

from .sheetcells import Cell, PackInfo, Problem, Reading, Row, Table, clip, location, rows_of

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

    from nzcli.model import Plan


def read_pack(
    book: Workbook, name: str, plan: Plan | None, reading: Reading, *, allow_stale: bool
) -> Table | None:
    meta = _metadata(book, name, reading)
    if meta is None:
        return None
    info, columns, packed = meta
    if plan is not None and info.plan != plan.plan.title:
        reading.problems.append(
            Problem(name, f"this pack is for the plan {info.plan!r}, not {plan.plan.title!r}")
        )
        return None
    if UPDATES_SHEET not in book.sheetnames:
        reading.problems.append(
            Problem(name, f"the {UPDATES_SHEET!r} sheet is missing; send back the whole pack")
        )
        return None
    sheet = book[UPDATES_SHEET]
    found: dict[int, dict[int, tuple[str, str, str]]] = dict(rows_of(sheet, name, reading))
    where = {key: c for c, key in enumerate(columns, start=1)}
    editable = {where[k] for k in EDITABLE}
    problems = reading.problems

    def cell_ref(r: int, c: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(c)}{r}"

    def at(r: int, c: int) -> str:
        return location(name, UPDATES_SHEET, cell_ref(r, c))

    # anything outside the pack's rows and columns
    for r, cells in found.items():
        for c, (ref, text, _kind) in cells.items():
            if r == 1 and c <= len(columns):
                continue
            if c > len(columns) or r > len(packed) + 1:
                problems.append(
                    Problem(
                        location(name, UPDATES_SHEET, ref),
                        f"nothing may be written outside the pack's rows and columns (found "
                        f"{clip(text)}); move it into an update cell or delete it",
                        kind="outside",
                    )
                )

    header = tuple(Cell(name, UPDATES_SHEET, cell_ref(1, where[k]), k) for k in ("id", *EDITABLE))
    rows: list[Row] = []
    carried: set[tuple[str, str]] = set()
    for i, (action_id, print_, cells_packed) in enumerate(packed):
        r = i + 2
        now = found.get(r, {})

        def text_at(c: int, now: dict[int, tuple[str, str, str]] = now) -> str:
            got = now.get(c)
            return got[1] if got else ""

        for c, key in enumerate(columns, start=1):
            if c in editable:
                continue
            before, after = cells_packed[key], text_at(c)
            if after != before:
                problems.append(
                    Problem(
                        at(r, c),
                        f"this cell is locked and was {clip(before) if before else 'blank'} "
                        f"when packed, not {clip(after) if after else 'blank'}; put it back "
                        "(only the yellow cells are read)",
                        action_id,
                        "locked",
                    )
                )
        answers: dict[str, str] = {}
        for key in EDITABLE:
            c = where[key]
            before, after = cells_packed[key], text_at(c)
            if after == before or not after.strip():
                if before and not after.strip():
                    reading.notes.append(
                        f"{at(r, c)}: {action_id}: the {key} was cleared; a blank changes "
                        "nothing (nzcli update --clear clears a value)"
                    )
                continue
            value = _answer(key, after, cells_packed, at(r, c), action_id, problems)
            if value is None:
                continue
            if after == NO_CHANGE:
                carried.add((action_id, key))
            answers[key] = value
        if not answers:
            continue
        if plan is not None:
            current = plan.action(action_id)
            if current is None:
                problems.append(
                    Problem(at(r, where["id"]), "no longer in the plan", action_id, "stale")
                )
                continue
            if not allow_stale and fingerprint(current) != print_:
                problems.append(
                    Problem(
                        at(r, where["id"]),
                        f"{action_id} changed in the plan since this pack was made; its "
                        "answers could undo that change, so check them and make a new pack "
                        "for it",
                        action_id,
                        "stale",
                    )
                )
                continue
        rows.append(
            Row(
                r,
                (
                    Cell(name, UPDATES_SHEET, cell_ref(r, where["id"]), action_id),
                    *(
                        Cell(name, UPDATES_SHEET, cell_ref(r, where[k]), answers.get(k, ""))
                        for k in EDITABLE
                    ),
                ),
            )
        )
    info = PackInfo(
        plan=info.plan,
        organisation=info.organisation,
        period=info.period,
        period_name=info.period_name,
        last_period=info.last_period,
        group=info.group,
        actions=info.actions,
        carried=frozenset(carried),
    )
    return Table(name, UPDATES_SHEET, header, tuple(rows), info)


def _answer(
    key: str,
    text: str,
    packed: dict[str, str],
    where: str,
    action_id: str,
    problems: list[Problem],
) -> str | None:
    """The value an editable cell gives its field; None (and a problem) when it is wrong."""
    if key == "update":
        return text
    last = packed[f"last_{key}"]
    if text == NO_CHANGE:
        if not last or (key == "rag" and last == "Not rated"):
            what = "stage" if key == "stage" else "RAG rating"
            problems.append(
                Problem(
                    where,
                    f"“{NO_CHANGE}”, but there was no {what} last time; choose one",
                    action_id,
                    "value",
                )
            )
            return None
        return last
    try:
        if key == "stage":
            vocab.parse_stage(text, None)
        else:
            vocab.parse_rag(text, None)
    except UsageError as exc:
        problems.append(Problem(where, exc.message, action_id, "value"))
        return None
    return text


def _metadata(
    book: Workbook, name: str, reading: Reading
) -> tuple[PackInfo, list[str], list[tuple[str, str, dict[str, str]]]] | None:
    """The pack's metadata: what it is, its columns, and for each action its id,
    fingerprint and every cell's text as packed."""
    rows = {r: cells for r, cells in rows_of(book[META_SHEET], name, reading)}

    def value(r: int, c: int) -> str:
        got = rows.get(r, {}).get(c)
        return got[1] if got else ""

    keys = {value(r, 1): value(r, 2) for r in range(1, len(META_KEYS) + 1)}

    def refuse(reason: str) -> None:
        reading.problems.append(Problem(name, reason))

    if keys.get("format") != PACK_FORMAT:
        refuse(f"the hidden {META_SHEET!r} sheet is not an nzcli pack's; was it changed?")
        return None
    if keys.get("version") != str(PACK_VERSION):
        refuse(
            f"made by another version of nzcli (pack version {keys.get('version')!r}, this "
            f"nzcli reads {PACK_VERSION}); make the pack again with this nzcli"
        )
        return None
    columns = keys.get("columns", "").split(",")
    top = META_TABLE_ROW
    header = [value(top, c) for c in range(1, 4 + len(columns))]
    if (
        header[:3] != ["action", "row", "fingerprint"]
        or header[3:] != columns
        or not all(k in columns for k in ("id", *EDITABLE, "last_stage", "last_rag"))
    ):
        refuse(f"the hidden {META_SHEET!r} sheet has been changed; make the pack again")
        return None
    count = int(keys.get("actions") or 0) if (keys.get("actions") or "0").isdigit() else -1
    packed: list[tuple[str, str, dict[str, str]]] = []
    for i in range(1, count + 1):
        r = top + i
        cells = {k: value(r, c) for c, k in enumerate(columns, start=4)}
        packed.append((value(r, 1), value(r, 3), cells))
    if count < 0 or any(not a or not f for a, f, _ in packed):
        refuse(f"the hidden {META_SHEET!r} sheet has been changed; make the pack again")
        return None
    info = PackInfo(
        plan=keys.get("plan", ""),
        organisation=keys.get("organisation", ""),
        period=keys.get("period", ""),
        period_name=keys.get("period_name", ""),
        last_period=keys.get("last_period") or None,
        group=keys.get("group") or None,
        actions=tuple(a for a, _, _ in packed),
    )
    return info, columns, packed


__all__ = ["read_pack"]
