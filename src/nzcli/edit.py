"""Recording progress: changes to the data file, import from CSV, and what changed between
two periods. The core of `nzcli period add`, `update`, `import` and `diff`.

Nothing here prints or exits. Values are checked against the plan and refused with a
`UsageError`/`NotFound` naming the valid ones; the writing itself (lock, round trip,
validation before writing, atomic replace) is `store.edit_file`. Edits work on ruamel.yaml
round-trip nodes (`CommentedMap`/`CommentedSeq`), so everything not changed keeps its
comments, order, quoting and layout; new keys go in the schema's key order.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Final, Literal

from .errors import UsageError
from .model import (
    PERIOD_ID,
    RATING_LEVELS,
    TIMESCALE_LEVELS,
    Action,
    Period,
    Plan,
    Rag,
    Role,
    Stage,
    Update,
    canonical_range,
    field_names,
)
from .query import did_you_mean, natural_key, stage_value, unknown
from .render import RAG, STAGE, Column, Document, Grid, Heading, Paragraph
from .render.csv import unneutralise
from .store import DEFAULT_LOCK_TIMEOUT, Edit, EditSlot, edit_file
from .store import Document as YamlDocument

#: Key order of the data file's mappings, from the model (new keys are inserted in this order).
ACTION_KEYS: Final = field_names(Action)
UPDATE_KEYS: Final = field_names(Update)

#: Spellings of "no rating" accepted for --rag and in an import's rag column.
UNRATED: Final = frozenset({"unrated", "not rated", "not-rated", "none", "null"})


class _Keep(Enum):
    KEEP = "keep"


#: "Leave this field as it is" (as opposed to None, which writes `null`).
KEEP: Final = _Keep.KEEP

Keep = Literal[_Keep.KEEP]
Edits = dict[EditSlot, Callable[[Any], None]]


@dataclass
class Outcome:
    """What an edit did, for the command line to report."""

    edit: Edit
    verb: str  # "update", "add", "import"
    what: str  # "T1 for 2024-06"
    unchanged: str  # why nothing changed, when nothing did
    notes: list[str] = field(default_factory=list)
    into: str = "in"  # "updated T1 in FILE", "added period ... to FILE"

    @property
    def changed(self) -> bool:
        return self.edit.changed

    def message(self) -> str:
        """One line for stderr."""
        path = self.edit.path
        if not self.edit.changed:
            return f"no change: {self.unchanged}; {path} is unchanged"
        if not self.edit.written:
            return f"dry run: would {self.verb} {self.what} {self.into} {path}; nothing was written"
        past = {"add": "added", "import": "imported"}.get(self.verb, f"{self.verb}d")
        return f"{past} {self.what} {self.into} {path}"


# ---------------------------------------------------------------------------------------------
# Values: text from the command line or a CSV cell -> what the data file holds


def parse_stage(text: str, flag: str | None = "--stage") -> Stage | list[tuple[str, Stage]]:
    """`delivery` -> Stage.DELIVERY; `A: delivery; B: design` -> [("A", DELIVERY), ...]."""
    where = f"{flag}: " if flag else ""
    if ":" not in text:
        return _parse_one_stage(text, flag)
    schemes: list[tuple[str, Stage]] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        name, _, stage = part.rpartition(":")
        name = " ".join(name.split())
        if not name:
            raise UsageError(
                f"{where}{part.strip()!r} has no scheme name; write schemes as "
                "'Scheme A: delivery; Scheme B: design'"
            )
        if any(n.casefold() == name.casefold() for n, _ in schemes):
            raise UsageError(f"{where}scheme {name!r} is given twice")
        schemes.append((name, _parse_one_stage(stage, flag)))
    if not schemes:
        raise UsageError(f"{where}no stage given")
    return schemes


def _parse_one_stage(text: str, flag: str | None) -> Stage:
    try:
        return Stage(Stage.parse(text))
    except ValueError:
        raise unknown("stage", text.strip(), Stage.values(), flag) from None


def parse_rag(text: str, flag: str | None = "--rag") -> Rag | None:
    """`red`, `amber`/`orange`, `green`; `unrated` (or `not rated`, `none`) for no rating."""
    if " ".join(text.split()).casefold() in UNRATED:
        return None
    try:
        return Rag(Rag.parse(text))
    except ValueError:
        raise unknown("RAG rating", text.strip(), [*Rag.values(), "unrated"], flag) from None


def parse_role(text: str, flag: str = "--role") -> Role:
    try:
        return Role(Role.parse(text))
    except ValueError:
        raise unknown("role", text.strip(), Role.values(), flag) from None


def parse_level(text: str, levels: tuple[str, ...], kind: str, flag: str) -> str:
    """`s / m` -> "S/M"; refuses anything that is not a level or range of `levels`."""
    value = canonical_range(text, levels)
    if value is None:
        raise UsageError(
            f"{flag}: {text.strip()!r} is not a {kind}; valid values: {', '.join(levels)} "
            f"(or a range such as {levels[0]}/{levels[1]})"
        )
    return value


def parse_score(text: str, flag: str = "--score") -> int | float:
    """A deliverability score: a number, 0 or more (`12`, `7.5`); whole numbers as ints."""
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise UsageError(
            f"{flag}: {text.strip()!r} is not a deliverability score; give a number of 0 or "
            "more, such as 12 or 7.5"
        )
    return int(value) if value.is_integer() else value


def clean_text(text: str) -> str:
    """An update as the data file keeps it: one line; line breaks become spaces."""
    return " ".join(line.strip() for line in text.strip().splitlines() if line.strip())


def default_period_name(period_id: str) -> str:
    """ "2024-06" -> "June 2024"."""
    import calendar

    year, month = period_id.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def normalise_period_id(text: str) -> str:
    """ "2024-06", "june-2024", "June 2024" -> "2024-06"; refuses anything else."""
    from .query import parse_period_id  # the one parser of period spellings

    value = parse_period_id(text) or text.strip()
    if not PERIOD_ID.match(value):
        raise UsageError(
            f"{text.strip()!r} is not a period id; use YYYY-MM (such as 2024-06) or a month "
            "and year (june-2024)"
        )
    return value


def find_action(plan: Plan, action_id: str) -> tuple[int, Action]:
    """The action's index in the file and the action; NotFound with a suggestion."""
    from .query import find_action as lookup

    action = lookup(plan, action_id)
    return plan.actions.index(action), action


def resolve_partner_name(plan: Plan, name: str, flag: str) -> str:
    canonical = plan.canonical_partner(name)
    if canonical is not None:
        return canonical
    spellings = [p.name for p in plan.partners] + [a for p in plan.partners for a in p.aliases]
    raise UsageError(
        f"{flag}: unknown partner {name!r}{did_you_mean(name, spellings)} A partner must be in "
        "the plan's partners list first: `nzcli partners` lists them; add a new one to the "
        "partners list in the data file by hand."
    )


# ---------------------------------------------------------------------------------------------
# Round-trip helpers


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _set(node: Any, key: str, value: Any, order: Sequence[str]) -> bool:
    """Set `key` (inserting it in schema order when absent); False when it already held it."""
    if key in node:
        if _plain(node[key]) == _plain(value):
            return False
        node[key] = value
        return True
    node.insert(_position(list(node), key, order), key, value)
    return True


def _position(keys: list[Any], key: str, order: Sequence[str]) -> int:
    rank = order.index(key)
    position = 0
    for i, existing in enumerate(keys):
        if existing in order and order.index(existing) < rank:
            position = i + 1
    return position


def _replace_key(node: Any, old: str, new: str, value: Any) -> None:
    """Put `new: value` where `old` was (stage <-> schemes); just drop `old` if `new` is there
    already (`stage: null` beside `schemes`)."""
    if new in node:
        del node[old]
        node[new] = value
        return
    position = list(node).index(old)
    del node[old]
    node.insert(position, new, value)


def _schemes_node(schemes: Sequence[tuple[str, Stage]]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    return CommentedSeq(
        [CommentedMap([("scheme", name), ("stage", stage.value)]) for name, stage in schemes]
    )


def _period_key(period_id: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(period_id)  # "2024-06": as the file writes period ids


# ---------------------------------------------------------------------------------------------
# A period's update for one action


@dataclass
class UpdateFields:
    """New values for one action's update for one period; KEEP leaves a field as it is."""

    stage: Stage | list[tuple[str, Stage]] | Keep = KEEP
    scheme: tuple[str, Stage] | Keep = KEEP  # one scheme's stage (update --scheme)
    rag: Rag | Keep | None = KEEP
    text: str | Keep = KEEP

    def empty(self) -> bool:
        return all(v is KEEP for v in (self.stage, self.scheme, self.rag, self.text))


def known_schemes(action: Action) -> list[str]:
    """Scheme names used in any of an action's updates, most recent period's first."""
    names: dict[str, str] = {}
    for period_id in sorted(action.updates, reverse=True):
        for scheme in action.updates[period_id].schemes or []:
            names.setdefault(scheme.scheme.casefold(), scheme.scheme)
    return list(names.values())


def _carried_schemes(action: Action, period_id: str) -> tuple[str, list[tuple[str, Stage]]] | None:
    """The schemes of the latest update before `period_id` that has a stage, with its period
    (None when there is none); UsageError when that update has one stage, not schemes."""
    earlier = [p for p in sorted(action.updates) if p < period_id and action.updates[p].stages]
    if not earlier:
        return None
    chosen = action.updates[earlier[-1]]
    if not chosen.schemes:
        raise UsageError(
            f"--scheme: {action.id}'s latest update before {period_id} ({earlier[-1]}) has one "
            "stage, not schemes; give every scheme's stage: "
            "--stage 'Scheme A: delivery; Scheme B: design'"
        )
    return earlier[-1], [(s.scheme, s.stage) for s in chosen.schemes]


def check_scheme(action: Action, name: str) -> str:
    """The canonical spelling of one of the action's schemes; UsageError naming them."""
    known = known_schemes(action)
    if not known:
        raise UsageError(
            f"--scheme: {action.id} has no schemes (only multi-scheme actions such as T17 "
            "do); set its stage with --stage alone"
        )
    for spelling in known:
        if spelling.casefold() == " ".join(name.split()).casefold():
            return spelling
    raise UsageError(
        f"--scheme: {action.id} has no scheme {name!r}{did_you_mean(name, known)} Its schemes: "
        f"{'; '.join(known)}. To add a scheme, give every scheme's stage: "
        "--stage 'Scheme A: delivery; Scheme B: design'."
    )


def apply_update(
    node: Any, action: Action, period_id: str, fields: UpdateFields, notes: list[str]
) -> list[str]:
    """Change an action's round-trip mapping: its update for `period_id`. Returns the names of
    the fields that changed (empty when the update already held these values)."""
    from ruamel.yaml.comments import CommentedMap

    updates = node.get("updates")
    existing = updates.get(period_id) if updates is not None else None
    entry = existing if existing is not None else CommentedMap()
    changed: list[str] = []

    if isinstance(fields.stage, Stage):
        value = fields.stage.value
        if "schemes" in entry:
            _replace_key(entry, "schemes", "stage", value)
            notes.append(
                f"{action.id}: its schemes for {period_id} are replaced by one stage, {value}"
            )
            changed.append("stage")
        elif _set(entry, "stage", value, UPDATE_KEYS):
            changed.append("stage")
    elif isinstance(fields.stage, list) and _set_schemes(entry, fields.stage):
        changed.append("stage")
    if not isinstance(fields.scheme, _Keep) and _set_one_scheme(
        entry, action, period_id, fields.scheme, notes
    ):
        changed.append("stage")
    if not isinstance(fields.rag, _Keep):
        value_rag = fields.rag.value if fields.rag is not None else None
        if _set(entry, "rag", value_rag, UPDATE_KEYS):
            changed.append("rag")
    if not isinstance(fields.text, _Keep) and _set(entry, "text", fields.text, UPDATE_KEYS):
        changed.append("text")

    if changed and existing is None:
        for key in ("rag", "text") if "schemes" in entry else ("stage", "rag", "text"):
            if key not in entry:  # a new update has every key, null where not given
                _set(entry, key, None, UPDATE_KEYS)
        if updates is None:
            updates = CommentedMap()
            _set(node, "updates", updates, ACTION_KEYS)
        keys = [str(k) for k in updates]
        position = sum(1 for k in keys if k < period_id)
        updates.insert(position, _period_key(period_id), entry)
    return changed


def _set_schemes(entry: Any, schemes: Sequence[tuple[str, Stage]]) -> bool:
    wanted = [{"scheme": name, "stage": stage.value} for name, stage in schemes]
    if "stage" in entry:
        _replace_key(entry, "stage", "schemes", _schemes_node(schemes))
        return True
    if _plain(entry.get("schemes")) == wanted:
        return False
    return _set(entry, "schemes", _schemes_node(schemes), UPDATE_KEYS)


def _set_one_scheme(
    entry: Any, action: Action, period_id: str, scheme: tuple[str, Stage], notes: list[str]
) -> bool:
    from ruamel.yaml.comments import CommentedMap

    name, stage = scheme
    if entry.get("stage") is not None and not entry.get("schemes"):
        raise UsageError(
            f"--scheme: {action.id}'s update for {period_id} has one stage "
            f"({entry['stage']}), not schemes; give every scheme's stage instead: "
            "--stage 'Scheme A: delivery; Scheme B: design'"
        )
    if entry.get("schemes"):
        for item in entry["schemes"]:
            if str(item.get("scheme", "")).casefold() == name.casefold():
                return _set(item, "stage", stage.value, ("scheme", "stage"))
        entry["schemes"].append(CommentedMap([("scheme", name), ("stage", stage.value)]))
        return True
    carried = _carried_schemes(action, period_id)
    base = carried[1] if carried else []
    if not any(n.casefold() == name.casefold() for n, _ in base):
        base.append((name, stage))
    merged = [(n, stage if n.casefold() == name.casefold() else s) for n, s in base]
    others = [f"{n}: {s.value}" for n, s in merged if n.casefold() != name.casefold()]
    if carried and others:
        notes.append(
            f"{action.id}: the other schemes' stages for {period_id} are carried forward from "
            f"{carried[0]} ({'; '.join(others)}); change them with --scheme NAME --stage STAGE"
        )
    if "stage" in entry:  # `stage: null`
        _replace_key(entry, "stage", "schemes", _schemes_node(merged))
    elif "schemes" in entry:
        entry["schemes"] = _schemes_node(merged)
    else:
        _set(entry, "schemes", _schemes_node(merged), UPDATE_KEYS)
    return True


# ---------------------------------------------------------------------------------------------
# nzcli update


@dataclass
class UpdateRequest:
    """`nzcli update` as typed: raw text, checked against the plan by `update_action`."""

    action_id: str
    period: str | None = None
    stage: str | None = None
    scheme: str | None = None
    rag: str | None = None
    text: str | None = None
    append_text: str | None = None
    timescale: str | None = None
    cost: str | None = None
    carbon: str | None = None
    score: str | None = None
    role: str | None = None
    add_partners: list[str] = field(default_factory=list)
    remove_partners: list[str] = field(default_factory=list)

    def touches_update(self) -> bool:
        return any(v is not None for v in (self.stage, self.rag, self.text, self.append_text))

    def touches_action(self) -> bool:
        return bool(
            any(
                v is not None
                for v in (self.timescale, self.cost, self.carbon, self.score, self.role)
            )
            or self.add_partners
            or self.remove_partners
        )

    def check_shape(self) -> None:
        """Refuse combinations that make no sense before the data file is read."""
        if self.scheme is not None:
            if self.stage is None:
                raise UsageError(
                    "--scheme goes with --stage: --scheme 'Ivanhoe Line' --stage delivery"
                )
            if ":" in self.stage:
                raise UsageError(
                    "--scheme takes one stage (--stage delivery); to set every scheme, drop "
                    "--scheme and give --stage 'Scheme A: delivery; Scheme B: design'"
                )
        if not self.touches_update() and not self.touches_action():
            raise UsageError(
                "nothing to change: give --stage, --rag or --text with --period, or an action "
                "field (--timescale, --cost, --carbon, --score, --role, --add-partner, "
                "--remove-partner); see `nzcli update --help`"
            )
        if self.touches_update() and self.period is None:
            raise UsageError(
                "--period is required with --stage, --rag and --text: the period the update "
                "is for, such as --period 2024-06 or --period latest"
            )
        if self.text is not None and not clean_text(self.text):
            raise UsageError("--text is empty; give the progress update's words")
        if self.append_text is not None:
            if self.text is not None:
                raise UsageError("give --text or --append-text, not both")
            if not clean_text(self.append_text):
                raise UsageError("--append-text is empty; give the words to add")
        for flag, value in (
            ("--stage", self.stage),
            ("--rag", self.rag),
            ("--scheme", self.scheme),
            ("--timescale", self.timescale),
            ("--cost", self.cost),
            ("--carbon", self.carbon),
            ("--score", self.score),
            ("--role", self.role),
        ):
            if value is not None and not value.strip():
                raise UsageError(f"{flag} is empty")


def update_action(
    path: Path,
    request: UpdateRequest,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Outcome:
    """`nzcli update`: change one action's update for a period and/or the action's fields."""
    request.check_shape()
    notes: list[str] = []
    summary: dict[str, Any] = {}

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        index, action = find_action(plan, request.action_id)
        period = None
        if request.period is not None:
            from .query import resolve_period

            period = resolve_period(plan, request.period)
        fields = _request_fields(request, action)
        if request.append_text is not None and period is not None:
            # read under the lock, so concurrent appends all survive
            before = action.updates.get(period.id)
            words = clean_text(request.append_text)
            fields.text = f"{before.text} {words}" if before and before.text else words
        action_values = _request_action_values(request, plan, action)
        summary.update(action=action, period=period)

        def change(node: Any) -> None:
            notes.clear()
            changed: list[str] = []
            if period is not None and not fields.empty():
                changed += apply_update(node, action, period.id, fields, notes)
            changed += _apply_action_values(node, action, action_values, notes)
            summary["changed"] = list(dict.fromkeys(changed))

        return {("actions", index): change}

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout)
    action: Action = summary["action"]
    period: Period | None = summary["period"]
    changed: list[str] = summary.get("changed", [])
    for_period = f" for {period.id}" if period is not None and request.touches_update() else ""
    what = f"{action.id}{for_period}"
    if changed:
        what += f" ({', '.join(changed)})"
    unchanged = f"{action.id}{for_period} already has these values"
    return Outcome(edit, "update", what, unchanged, list(notes))


def _request_fields(request: UpdateRequest, action: Action) -> UpdateFields:
    fields = UpdateFields()
    if request.stage is not None:
        if request.scheme is not None:
            name = check_scheme(action, request.scheme)
            fields.scheme = (name, _parse_one_stage(request.stage, "--stage"))
        else:
            fields.stage = parse_stage(request.stage)
    if request.rag is not None:
        fields.rag = parse_rag(request.rag)
    if request.text is not None:
        fields.text = clean_text(request.text)
    return fields


@dataclass
class _ActionValues:
    values: dict[str, Any] = field(default_factory=dict)
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)


def _request_action_values(request: UpdateRequest, plan: Plan, action: Action) -> _ActionValues:
    out = _ActionValues()
    if request.timescale is not None:
        out.values["timescale"] = parse_level(
            request.timescale, TIMESCALE_LEVELS, "timescale", "--timescale"
        )
    if request.cost is not None:
        out.values["cost"] = parse_level(request.cost, RATING_LEVELS, "cost", "--cost")
    if request.carbon is not None:
        out.values["carbon_saving"] = parse_level(
            request.carbon, RATING_LEVELS, "carbon saving", "--carbon"
        )
    if request.score is not None:
        out.values["deliverability_score"] = parse_score(request.score)
    if request.role is not None:
        out.values["role"] = parse_role(request.role).value
    out.add = [resolve_partner_name(plan, p, "--add-partner") for p in request.add_partners]
    out.remove = [
        resolve_partner_name(plan, p, "--remove-partner") for p in request.remove_partners
    ]
    both = set(out.add) & set(out.remove)
    if both:
        raise UsageError(f"{', '.join(sorted(both))}: both added and removed; give one")
    return out


def _apply_action_values(
    node: Any, action: Action, values: _ActionValues, notes: list[str]
) -> list[str]:
    from ruamel.yaml.comments import CommentedSeq

    changed = [key for key, value in values.values.items() if _set(node, key, value, ACTION_KEYS)]
    if not values.add and not values.remove:
        return changed
    partners = node.get("partners")
    if partners is None:
        partners = CommentedSeq()
        _set(node, "partners", partners, ACTION_KEYS)
    listed = [str(p) for p in partners]
    for name in dict.fromkeys(values.add):
        if name in listed:
            notes.append(f"{action.id} already lists {name!r}")
            continue
        partners.append(name)
        listed.append(name)
        changed.append("partners")
    for name in dict.fromkeys(values.remove):
        if name not in listed:
            notes.append(f"{action.id} does not list {name!r}; nothing to remove")
            continue
        del partners[listed.index(name)]
        listed.remove(name)
        changed.append("partners")
    return list(dict.fromkeys(changed))


# ---------------------------------------------------------------------------------------------
# nzcli period add


def add_period(
    path: Path,
    period_text: str,
    name: str | None = None,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Outcome:
    """`nzcli period add`: a new reporting period, in date order (normally the latest)."""
    period_id = normalise_period_id(period_text)
    label = " ".join((name if name is not None else default_period_name(period_id)).split())
    if not label:
        raise UsageError("--name is empty; give the period's name, such as 'June 2024'")
    notes: list[str] = []

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        existing = plan.period(period_id)
        if existing is not None:
            raise UsageError(
                f"period {period_id} ({existing.name}) already exists; `nzcli periods` lists "
                "the periods"
            )
        clash = next((p for p in plan.periods if p.name.casefold() == label.casefold()), None)
        if clash is not None:
            raise UsageError(f"period {clash.id} is already named {clash.name!r}; give --name")
        latest = plan.latest_period
        if period_id < latest.id:
            notes.append(
                f"{period_id} is earlier than {latest.id} ({latest.name}), which stays the "
                "latest period"
            )

        def change(periods: Any) -> None:
            from ruamel.yaml.comments import CommentedMap

            position = sum(1 for p in periods if str(p.get("id", "")) < period_id)
            periods.insert(
                position, CommentedMap([("id", _period_key(period_id)), ("name", label)])
            )

        return {("periods",): change}

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout)
    return Outcome(edit, "add", f"period {period_id} ({label})", "", notes, into="to")


# ---------------------------------------------------------------------------------------------
# nzcli import


@dataclass(frozen=True)
class CsvRow:
    """One data row of an import file (cells un-prefixed and stripped; "" = blank)."""

    line: int
    id: str
    stage: str = ""
    rag: str = ""
    text: str = ""
    period: str = ""


class ImportRejected(UsageError):
    """An import with bad rows: nothing was applied; `problems` has one line per bad row."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


#: Header names (any case) for the columns import reads; other columns are ignored.
IMPORT_COLUMNS: Final = {
    "id": "id",
    "stage": "stage",
    "rag": "rag",
    "update": "update",
    "text": "update",
    "period": "period",
}


def parse_csv(data: bytes, name: str) -> list[CsvRow]:
    """Rows of a CSV written by `nzcli list/report --format csv` (with or without --excel):
    BOM and CRLF accepted, `'`-defused cells restored. Raises UsageError for a file that is
    not such a CSV (not UTF-8, no `id` column, broken quoting)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); in the spreadsheet, "
            "save as 'CSV UTF-8 (Comma delimited)' and import that file"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[CsvRow] = []
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            cells = [unneutralise(c).strip() for c in record]
            if not any(cells):
                continue
            if header is None:
                header = cells
                columns = _import_columns(header, name, start)
                continue
            got = {k: (cells[i] if i < len(cells) else "") for k, i in columns.items()}
            rows.append(
                CsvRow(
                    start,
                    got["id"],
                    got.get("stage", ""),
                    got.get("rag", ""),
                    got.get("update", ""),
                    got.get("period", ""),
                )
            )
    except csv.Error as exc:
        raise UsageError(f"{name}:{line}: not valid CSV: {exc}") from None
    if header is None:
        raise UsageError(
            f"{name}: the file is empty; expected a header row, then one row per action"
        )
    return rows


def _import_columns(header: list[str], name: str, line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = IMPORT_COLUMNS.get(" ".join(cell.split()).casefold())
        if key is None:
            continue
        if key in columns:
            raise UsageError(f"{name}:{line}: the {key!r} column appears twice; keep one")
        columns[key] = i
    if "id" not in columns:
        hint = (
            "; the cells seem to be separated by ';' — save the file with commas"
            if len(header) == 1 and ";" in header[0]
            else ""
        )
        raise UsageError(
            f"{name}:{line}: no 'id' column{hint}; the first row must name the columns as "
            "`nzcli list --format csv` writes them (id, …, stage, rag, update)"
        )
    if not {"stage", "rag", "update"} & set(columns):
        raise UsageError(f"{name}:{line}: nothing to import: no 'stage', 'rag' or 'update' column")
    return columns


def plan_import(
    plan: Plan, rows: Sequence[CsvRow], period_id: str, name: str
) -> list[tuple[int, Action, UpdateFields, int]]:
    """Check every row against the plan: (action index, action, fields, line) for each row
    that sets something. Raises ImportRejected listing every bad row, before any change."""
    problems: list[str] = []
    bad_lines: set[int] = set()
    seen: dict[str, int] = {}
    planned: list[tuple[int, Action, UpdateFields, int]] = []

    def bad(row: CsvRow, message: str) -> None:
        problems.append(f"{name}:{row.line}: {message}")
        bad_lines.add(row.line)

    for row in rows:
        if not row.id:
            bad(row, "no action ID in the 'id' column")
            continue
        action = plan.action(row.id)
        if action is None:
            bad(row, f"{row.id}: unknown action ID")
            continue
        if action.id in seen:
            bad(row, f"{action.id}: also on line {seen[action.id]}; give each action once")
            continue
        seen[action.id] = row.line
        fields = UpdateFields()
        if row.stage:
            try:
                fields.stage = parse_stage(row.stage, None)
            except UsageError as exc:
                bad(row, f"{action.id}: stage: {exc.message}")
        if row.rag:
            try:
                fields.rag = parse_rag(row.rag, None)
            except UsageError as exc:
                bad(row, f"{action.id}: rag: {exc.message}")
        if row.text:
            fields.text = clean_text(row.text)
        if not fields.empty() and row.line not in bad_lines:
            planned.append((plan.actions.index(action), action, fields, row.line))
    if problems:
        count = len(bad_lines)
        raise ImportRejected(
            f"{name}: {count} bad row{'s' if count != 1 else ''} (listed above); nothing was "
            "imported and the data file is unchanged",
            problems,
        )
    return planned


def import_csv(
    path: Path,
    data: bytes,
    name: str,
    period_text: str,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Outcome:
    """`nzcli import`: every row checked first, then all applied in one write (or none)."""
    rows = parse_csv(data, name)
    notes: list[str] = []
    changed: dict[str, list[str]] = {}
    summary: dict[str, Any] = {}

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        from .query import resolve_period

        notes.clear()
        changed.clear()
        period = resolve_period(plan, period_text)
        summary["period"] = period
        planned = plan_import(plan, rows, period.id, name)
        exported = sorted({r.period for r in rows if r.period and r.period != period.id})
        if exported:
            notes.append(
                f"{name} was exported for {', '.join(exported)}; its values are recorded for "
                f"{period.id} ({period.name})"
            )
        edits: Edits = {}
        for index, action, fields, _line in planned:
            edits[("actions", index)] = _import_change(action, period.id, fields, changed, notes)
        return edits

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout)
    period: Period = summary["period"]
    count = sum(1 for fields in changed.values() if fields)
    what = (
        f"{count} update{'s' if count != 1 else ''} for {period.id} from {name} "
        f"({len(rows) - count} of {len(rows)} rows unchanged)"
    )
    unchanged = f"every row of {name} matches {period.id} already, or is blank"
    return Outcome(edit, "import", what, unchanged, notes, into="into")


def _import_change(
    action: Action,
    period_id: str,
    fields: UpdateFields,
    changed: dict[str, list[str]],
    notes: list[str],
) -> Callable[[Any], None]:
    def change(node: Any) -> None:
        mine: list[str] = []
        changed[action.id] = apply_update(node, action, period_id, fields, mine)
        notes.extend(n for n in mine if n not in notes)

    return change


# ---------------------------------------------------------------------------------------------
# nzcli diff

#: Kinds of change, most worrying first (the order rows are sorted and counts listed in).
RAG_WORSE = "RAG worse"
STAGE_BACK = "stage back"
NOT_UPDATED = "not updated"
RAG_DROPPED = "RAG removed"
RAG_RATED = "RAG rated"
STAGE_CHANGED = "stage changed"
FIRST_UPDATE = "first update"
NEW = "new action"
RAG_BETTER = "RAG better"
STAGE_FORWARD = "stage forward"
KINDS: Final = (
    RAG_WORSE,
    STAGE_BACK,
    NOT_UPDATED,
    RAG_DROPPED,
    RAG_RATED,
    STAGE_CHANGED,
    FIRST_UPDATE,
    NEW,
    RAG_BETTER,
    STAGE_FORWARD,
)

DIFF_COLUMNS: Final = ("id", "theme", "action", "change", "stage_a", "stage_b", "rag_a", "rag_b")


@dataclass
class ActionChange:
    action: Action
    kinds: list[str]
    descriptions: list[str]
    before: Update | None
    after: Update | None

    def sort_key(self) -> tuple[Any, ...]:
        rank = min(KINDS.index(k) for k in self.kinds)
        rag = self.after.rag.rank if self.after and self.after.rag else len(Rag)
        return (rank, rag, natural_key(self.action.id))


def compare(action: Action, a: Period, b: Period) -> ActionChange | None:
    """How one action changed from period `a` to period `b` (None when it did not). The
    update text is not compared: it changes every period."""
    before, after = action.updates.get(a.id), action.updates.get(b.id)
    kinds: list[str] = []
    words: list[str] = []
    low, high = sorted((a.id, b.id))
    if action.added_in is not None and low < action.added_in <= high and a.id < b.id:
        kinds.append(NEW)
        words.append(f"new action (added in {action.added_in})")
    if before is not None and after is None:
        kinds.append(NOT_UPDATED)
        words.append(f"updated in {a.id} but not in {b.id}")
    elif before is None and after is not None and NEW not in kinds:
        kinds.append(FIRST_UPDATE)
        words.append(f"no update in {a.id}; updated in {b.id}")
    elif before is not None and after is not None:
        stage = _stage_change(before, after)
        if stage is not None:
            kinds.append(stage[0])
            words.append(stage[1])
        rag = _rag_change(before.rag, after.rag)
        if rag is not None:
            kinds.append(rag[0])
            words.append(rag[1])
    if not kinds:
        return None
    return ActionChange(action, kinds, words, before, after)


def _stage_map(update: Update) -> dict[str, Stage]:
    if update.schemes:
        return {s.scheme: s.stage for s in update.schemes}
    return {"": update.stage} if update.stage is not None else {}


def _stage_change(before: Update, after: Update) -> tuple[str, str] | None:
    old, new = _stage_map(before), _stage_map(after)
    if old == new:
        return None
    common = [k for k in old if k in new and old[k] != new[k]]
    if old and new and set(old) == set(new):
        ups = [k for k in common if new[k].rank > old[k].rank]
        downs = [k for k in common if new[k].rank < old[k].rank]
        parts = [f"{k + ': ' if k else ''}{old[k].value} → {new[k].value}" for k in common]
        text = "stage " + "; ".join(parts)
        if ups and not downs:
            return STAGE_FORWARD, text
        if downs and not ups:
            return STAGE_BACK, text
        return STAGE_CHANGED, text
    text = f"stage {stage_value(before) or 'none'} → {stage_value(after) or 'none'}"
    if old and new and (set(old) == {""} or set(new) == {""}):
        low_old = min(s.rank for s in old.values())
        low_new = min(s.rank for s in new.values())
        if low_new > low_old:
            return STAGE_FORWARD, text
        if low_new < low_old:
            return STAGE_BACK, text
    return STAGE_CHANGED, text


def _rag_change(old: Rag | None, new: Rag | None) -> tuple[str, str] | None:
    if old == new:
        return None
    text = f"RAG {old.value if old else 'not rated'} → {new.value if new else 'not rated'}"
    if old is None:
        return RAG_RATED, text
    if new is None:
        return RAG_DROPPED, text
    return (RAG_WORSE if new.rank < old.rank else RAG_BETTER), text


def diff_periods(actions: Iterable[Action], a: Period, b: Period) -> list[ActionChange]:
    """Every changed action, most worrying first (RAG worsening, then stage moving back...)."""
    changes = [c for c in (compare(action, a, b) for action in actions) if c is not None]
    return sorted(changes, key=ActionChange.sort_key)


def diff_view(actions: Sequence[Action], a: Period, b: Period) -> Document:
    """`nzcli diff` as a render.Document: a summary line and one row per changed action."""
    changes = diff_periods(actions, a, b)
    counts = Counter(k for c in changes for k in c.kinds)
    listed = ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k])
    summary = (
        f"{a.name} ({a.id}) → {b.name} ({b.id}): {len(changes)} of {len(actions)} actions "
        f"changed" + (f": {listed}." if listed else ".")
    )
    rows = [_diff_row(c) for c in changes]
    shown = [_shown(r, c) for r, c in zip(rows, changes, strict=True)]
    columns = [
        Column("id", "ID"),
        Column("theme", "Theme"),
        Column("action", "Action"),
        Column("change", "Change"),
        Column("stage_a", f"Stage {a.id}", STAGE),
        Column("stage_b", f"Stage {b.id}", STAGE),
        Column("rag_a", f"RAG {a.id}", RAG),
        Column("rag_b", f"RAG {b.id}", RAG),
    ]
    blocks: list[Any] = [Heading(f"Changes from {a.name} to {b.name}", 1), Paragraph(summary)]
    if rows:
        blocks.append(Grid(columns, shown))
    csv_columns = [Column(c.key, c.key, c.kind) for c in columns]
    return Document(
        blocks=blocks,
        json={
            "period_a": {"id": a.id, "name": a.name},
            "period_b": {"id": b.id, "name": b.name},
            "actions": len(actions),
            "changed": len(changes),
            "counts": {k: counts[k] for k in KINDS if counts[k]},
            "changes": [dict(r, kinds=list(c.kinds)) for r, c in zip(rows, changes, strict=True)],
        },
        csv=Grid(csv_columns, rows),
        title=f"nzcli diff {a.id} {b.id}",
        meta={"count": len(changes), "summary": summary},
    )


def _diff_row(change: ActionChange) -> dict[str, Any]:
    before, after = change.before, change.after
    return {
        "id": change.action.id,
        "theme": change.action.theme,
        "action": change.action.action,
        "change": "; ".join(change.descriptions),
        "stage_a": stage_value(before),
        "stage_b": stage_value(after),
        "rag_a": before.rag.value if before and before.rag else None,
        "rag_b": after.rag.value if after and after.rag else None,
    }


def _shown(row: dict[str, Any], change: ActionChange) -> dict[str, Any]:
    """The row as people read it: "no update" rather than blank where a period has none."""
    shown = dict(row)
    for side, update in (("a", change.before), ("b", change.after)):
        if update is None:
            shown[f"stage_{side}"] = shown[f"rag_{side}"] = "no update"
    return shown
