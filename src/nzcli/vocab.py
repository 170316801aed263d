"""The vocabulary: every spelling a user may type, turned into the value nzcli means by it.

One place, one behaviour: `list --rag`, `update --rag` and an import's RAG cell all read a
RAG rating with `parse_rag`, and so on for stages, roles, ranges, scores, periods, themes,
sections, partners, action IDs, columns and groups. A spelling that is not understood raises
`UsageError` (or `NotFound` for something the plan does not have) naming the valid values
and, where one is close, suggesting it. Nothing here reads a file or prints.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from typing import Final, TypeVar

from .errors import NotFound, UsageError
from .model import (
    PERIOD_ID,
    RATING_LEVELS,
    TIMESCALE_LEVELS,
    Action,
    Ordered,
    Period,
    Plan,
    Rag,
    Role,
    Stage,
)

E = TypeVar("E", bound=Ordered)

#: Other spellings accepted for enumerated values (never written to the data file).
ALIASES: Final[dict[type[Ordered], dict[str, str]]] = {
    Stage: {
        "complete": "completed",
        "in discovery": "discovery",
        "in design": "design",
        "in delivery": "delivery",
    },
    Rag: {"orange": "amber", "r": "red", "a": "amber", "g": "green"},
}

#: Spellings of "no RAG rating" (for --rag and an import's RAG cell alike).
UNRATED: Final = frozenset({"unrated", "not rated", "not-rated", "none", "null"})
#: What `--section` takes for "actions without a section heading".
NO_SECTION: Final = "none"

#: Row columns, in order, with these names in CSV and JSON (`nzcli.query.row`).
COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "theme",
    "section",
    "objectives",
    "action",
    "role",
    "partners",
    "owner",
    "timescale",
    "cost",
    "carbon_saving",
    "deliverability_score",
    "period",
    "stage",
    "rag",
    "update",
)
_COLUMN_ALIASES: Final = {
    "carbon": "carbon_saving",
    "score": "deliverability_score",
    "deliverability": "deliverability_score",
    "objective": "objectives",
    "partner": "partners",
    "text": "update",
}
#: Fields `summary --by` groups by.
GROUPABLE: Final = (
    "theme",
    "section",
    "role",
    "stage",
    "rag",
    "timescale",
    "cost",
    "carbon_saving",
    "partner",
)

# ---------------------------------------------------------------------------------------------
# Suggestions


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'x'?" when a choice is close to `value`, else "."."""
    folded: dict[str, str] = {}
    for c in choices:
        folded.setdefault(c.casefold(), c)  # the first spelling given wins ("transport")
    close = difflib.get_close_matches(value.strip().casefold(), list(folded), n=3, cutoff=0.6)
    if not close:
        return "."
    return "; did you mean " + " or ".join(repr(folded[c]) for c in close) + "?"


def unknown(
    kind: str,
    value: str,
    valid: Sequence[str],
    flag: str | None = None,
    suggest_from: Sequence[str] | None = None,
    limit: int = 40,
) -> UsageError:
    """UsageError: `--flag: unknown kind 'x'; did you mean 'y'? Valid kinds: a, b, c.`"""
    where = f"{flag}: " if flag else ""
    listed = ", ".join(valid[:limit])
    if len(valid) > limit:
        listed += f", … ({len(valid)} in all)"
    hint = did_you_mean(value, suggest_from if suggest_from is not None else valid)
    return UsageError(f"{where}unknown {kind} {value!r}{hint} Valid {kind}s: {listed}.")


# ---------------------------------------------------------------------------------------------
# Enumerations and scales


def parse_enum(
    enum: type[E], text: str, kind: str, flag: str | None, extra: Sequence[str] = ()
) -> E:
    """A member of `enum` by value or alias, any case and spacing; UsageError naming them."""
    key = " ".join(text.split()).casefold()
    key = ALIASES.get(enum, {}).get(key, key)
    for member in enum:
        if member.value == key:
            return member
    raise unknown(kind, text.strip(), [*enum.values(), *extra], flag)


def parse_role(text: str, flag: str | None = "--role") -> Role:
    return parse_enum(Role, text, "role", flag)


def parse_rag(text: str, flag: str | None = "--rag") -> Rag | None:
    """`red`, `amber`/`orange`, `green`; `unrated` (or `not rated`, `none`) for no rating."""
    if " ".join(text.split()).casefold() in UNRATED:
        return None
    return parse_enum(Rag, text, "RAG rating", flag, extra=["unrated"])


def parse_one_stage(text: str, flag: str | None = "--stage") -> Stage:
    return parse_enum(Stage, text, "stage", flag)


def parse_stage(text: str, flag: str | None = "--stage") -> Stage | list[tuple[str, Stage]]:
    """`delivery` -> Stage.DELIVERY; `A: delivery; B: design` -> [("A", DELIVERY), ...]."""
    where = f"{flag}: " if flag else ""
    if ":" not in text:
        return parse_one_stage(text, flag)
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
        schemes.append((name, parse_one_stage(stage, flag)))
    if not schemes:
        raise UsageError(f"{where}no stage given")
    return schemes


def canonical_range(text: str, levels: tuple[str, ...]) -> str | None:
    """Normalise input such as "s / m" or "M-L" to "S/M"; None when it is not a range."""
    parts = [p for p in re.split(r"[\s/,\-]+", text.strip().upper()) if p]
    if not parts or any(p not in levels for p in parts):
        return None
    return "/".join(sorted(set(parts), key=levels.index))


def parse_level(text: str, levels: tuple[str, ...], kind: str, flag: str) -> str:
    """`s / m` -> "S/M"; refuses anything that is not a level or range of `levels`."""
    value = canonical_range(text, levels)
    if value is None:
        raise UsageError(
            f"{flag}: {text.strip()!r} is not a {kind}; valid values: {', '.join(levels)} "
            f"(or a range such as {levels[0]}/{levels[1]})"
        )
    return value


def parse_timescale(text: str, flag: str = "--timescale") -> str:
    return parse_level(text, TIMESCALE_LEVELS, "timescale", flag)


def parse_rating(text: str, kind: str, flag: str) -> str:
    """A cost or carbon-saving level or range (L, M, H, M/H)."""
    return parse_level(text, RATING_LEVELS, kind, flag)


def parse_score(text: str, flag: str = "--score") -> int | float:
    """A deliverability score: a number, 0 or more (`12`, `7.5`); whole numbers as ints."""
    try:
        value = float(text.strip()) if len(text) <= 100 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise UsageError(
            f"{flag}: {text.strip()[:40]!r} is not a deliverability score; give a number of 0 "
            "or more, such as 12 or 7.5"
        )
    return int(value) if value.is_integer() else value


def parse_count(text: str, flag: str) -> int:
    """A whole number of 0 or more (`--limit 5`)."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 18:
        raise UsageError(
            f"{flag}: {text[:40]!r} is not a number of rows; give 0 or more, such as 10"
        )
    return int(cleaned)


#: What `update --clear` takes: the period's update fields, and the action's owner.
CLEARABLE: Final = ("stage", "rag", "text", "owner")


def parse_clear(values: Iterable[str], flag: str = "--clear") -> list[str]:
    """`--clear stage --clear RAG` -> ["stage", "rag"] (in `CLEARABLE` order)."""
    chosen = set()
    for value in values:
        key = " ".join(value.split()).casefold()
        key = {"update": "text"}.get(key, key)
        if key not in CLEARABLE:
            raise unknown("field", value, list(CLEARABLE), flag)
        chosen.add(key)
    return [k for k in CLEARABLE if k in chosen]


#: What a stage or RAG cell of an import says to keep last period's value ("no change since
#: last time", as `nzcli sheet` writes it; these spellings too, any case).
CARRY: Final = "no change since last time"
_CARRY_SPELLINGS: Final = frozenset(
    {CARRY, "no change", "unchanged", "as before", "same as last time", "same"}
)


def is_carry(text: str) -> bool:
    """True for a cell that says "as last time" (`CARRY` and its other spellings)."""
    return " ".join(text.replace("_", " ").split()).casefold().rstrip(".") in _CARRY_SPELLINGS


def owner_names(plan: Plan, value: str, flag: str = "--owner") -> set[str | None]:
    """The owners an --owner value names (any case and spacing); `none` for actions that
    have no owner. UsageError naming the plan's owners when it names none of them."""
    v = " ".join(value.split()).casefold()
    if v in (NO_SECTION, "(none)"):
        return {None}
    owners = sorted({a.owner for a in plan.actions if a.owner}, key=str.casefold)
    found: set[str | None] = {o for o in owners if o.casefold() == v}
    if not found:
        if not owners:
            raise UsageError(
                f"{flag}: no action has an owner yet; set one with `nzcli update ID --owner "
                "NAME` or an owner column in an import"
            )
        raise unknown("owner", value, [*owners, NO_SECTION], flag)
    return found


#: The kinds of change `nzcli diff` reports, in the order it lists them: what a committee
#: worries about first, "not updated" last (`--only` and `--hide` take these, any case,
#: with - or _ for spaces).
CHANGE_KINDS: Final = (
    "newly red",
    "RAG worse",
    "stage back",
    "RAG removed",
    "RAG rated",
    "stage changed",
    "first update",
    "new action",
    "RAG better",
    "stage forward",
    "not updated",
)


def parse_change_kinds(values: Iterable[str], flag: str) -> set[str]:
    """`--only newly-red --only "RAG worse"` -> {"newly red", "RAG worse"}."""
    out = set()
    for value in values:
        key = " ".join(value.replace("-", " ").replace("_", " ").split()).casefold()
        found = next((k for k in CHANGE_KINDS if k.casefold() == key), None)
        if found is None:
            shown = [k.replace(" ", "-").casefold() for k in CHANGE_KINDS]
            raise unknown("kind of change", value, shown, flag)
        out.add(found)
    return out


def clean_text(text: str) -> str:
    """An update as the data file keeps it: one line; line breaks become spaces."""
    return " ".join(line.strip() for line in text.strip().splitlines() if line.strip())


# ---------------------------------------------------------------------------------------------
# Periods


def parse_period_id(text: str) -> str | None:
    """ "2023-12", "december-2023", "Dec 2023", "2023 dec" -> "2023-12"; None otherwise."""
    t = text.strip().casefold()
    if re.fullmatch(r"\d{4}-\d{2}", t):
        return t
    m = re.fullmatch(r"([a-z]+)[\s\-_/]+(\d{4})", t)
    year, word = (m.group(2), m.group(1)) if m else (None, None)
    if m is None:
        m = re.fullmatch(r"(\d{4})[\s\-_/]+([a-z]+)", t)
        year, word = (m.group(1), m.group(2)) if m else (None, None)
    if year is None or word is None or len(word) < 3:
        return None
    import calendar

    months = [name.casefold() for name in calendar.month_name]
    month = next((i for i in range(1, 13) if months[i].startswith(word)), None)
    return f"{year}-{month:02d}" if month else None


def normalise_period_id(text: str) -> str:
    """ "2024-06", "june-2024", "June 2024" -> "2024-06" (a new period); refuses anything else."""
    value = parse_period_id(text) or text.strip()
    if not PERIOD_ID.match(value):
        raise UsageError(
            f"{text.strip()!r} is not a period id; use YYYY-MM (such as 2024-06) or a month "
            "and year (june-2024)"
        )
    return value


def default_period_name(period_id: str) -> str:
    """ "2024-06" -> "June 2024"."""
    import calendar

    year, month = period_id.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def resolve_period(plan: Plan, text: str | None) -> Period:
    """`latest`, `2023-12`, `december-2023`, `dec-2023`, `"December 2023"` -> a Period.

    `latest` is the latest *published* period (a draft is still being gathered; name it to
    read it); NotFound while none is published. Not given (None): the latest published
    period, else the newest draft."""
    if text is None:
        return plan.latest_period
    if text.strip().casefold() == "latest":
        published = plan.latest_published
        if published is None:
            newest = plan.newest_period
            raise NotFound(
                f"no period is published yet, so there is no latest period ({newest.id} is a "
                f"draft): name the period (--period {newest.id}) or publish it with "
                f"`nzcli period publish {newest.id}`"
            )
        return published
    wanted = parse_period_id(text)
    for period in plan.periods:
        if period.id == wanted or period.name.casefold() == text.strip().casefold():
            return period
    ordered = sorted(plan.periods, key=lambda p: p.id)
    hint = did_you_mean(text, ["latest", *[p.id for p in ordered], *[p.name for p in ordered]])
    names = ", ".join(f"{p.id} ({p.name})" for p in ordered)
    raise NotFound(f"unknown period {text!r}{hint} Known periods: {names}, or latest.")


# ---------------------------------------------------------------------------------------------
# Things a plan has


_NATURAL_PARTS = re.compile(r"\d+|\D+")
#: The usual ID (letters, then digits: "T17"), keyed without the general split.
_LETTERS_DIGITS = re.compile(r"([A-Za-z]+)([0-9]+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """T2 before T10: digits compare as numbers."""
    usual = _LETTERS_DIGITS.fullmatch(text)
    if usual is not None:
        return ((1, 0, usual[1].casefold()), (0, int(usual[2]), ""))
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _NATURAL_PARTS.findall(text)
    )


def find_action(plan: Plan, action_id: str) -> Action:
    """The action with this ID (any case); NotFound suggesting the closest IDs."""
    action = plan.action(action_id)
    if action is not None:
        return action
    ids = sorted((a.id for a in plan.actions), key=natural_key)
    close = difflib.get_close_matches(action_id.strip().upper(), ids, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else "."
    raise NotFound(f"no action with ID {action_id!r}{hint} Run `nzcli list` to see all IDs.")


def theme_key(plan: Plan, value: str, flag: str = "--theme") -> str:
    """A theme by key, name or ID prefix, any case: "transport", "Transport", "T"."""
    v = value.strip().casefold()
    for theme in plan.themes:
        if v in (theme.key, theme.name.casefold(), theme.prefix.casefold()):
            return theme.key
    valid = [t.key for t in plan.themes]
    raise unknown("theme", value, valid, flag, suggest_from=valid + [t.name for t in plan.themes])


def section_names(plan: Plan, value: str, flag: str = "--section") -> set[str | None]:
    """The sections a --section value names (None: actions without a section heading)."""
    v = value.strip().casefold()
    if v in (NO_SECTION, "(none)"):
        return {None}
    every = [s for t in plan.themes for s in t.sections]
    found: set[str | None] = {s for s in every if s.casefold() == v}
    if not found:
        raise unknown("section", value, [*dict.fromkeys(every), NO_SECTION], flag)
    return found


def partner_name(
    plan: Plan, name: str, flag: str | None = "--partner", *, adding: bool = False
) -> str:
    """A partner's canonical name from its name or an alias, any case.

    `adding`: the name is to be written into an action, so the hint says how to add a partner
    the plan does not have yet."""
    canonical = plan.canonical_partner(name)
    if canonical is not None:
        return canonical
    spellings = [p.name for p in plan.partners] + [a for p in plan.partners for a in p.aliases]
    where = f"{flag}: " if flag else ""
    if adding:
        tail = (
            " A partner must be in the plan's partners list first: `nzcli partners` lists them; "
            "add a new one to the partners list in the data file by hand."
        )
    else:
        tail = f" Run `nzcli partners` to list all {len(plan.partners)} partners."
    raise UsageError(f"{where}unknown partner {name!r}{did_you_mean(name, spellings)}{tail}")


def parse_objective(value: str, flag: str = "--objective") -> int | str:
    """An objective number, or "all"."""
    v = value.strip().casefold()
    if v == "all":
        return "all"
    if v.isascii() and v.isdigit() and len(v) < 10 and int(v) > 0:
        return int(v)
    raise UsageError(f"{flag}: {value!r} is not an objective; use a number such as 2, or 'all'")


# ---------------------------------------------------------------------------------------------
# Columns and groups


def parse_column(name: str, flag: str) -> str:
    key = name.strip().casefold().replace("-", "_")
    key = _COLUMN_ALIASES.get(key, key)
    if key not in COLUMNS:
        raise unknown("column", name, list(COLUMNS), flag)
    return key


def parse_columns(text: str | None, flag: str = "--columns") -> list[str] | None:
    """ "id,action,stage" -> ["id", "action", "stage"]; None when not given."""
    if text is None:
        return None
    columns = [parse_column(c, flag) for c in text.split(",") if c.strip()]
    if not columns:
        raise UsageError(f"{flag}: give at least one column, such as id,action,stage")
    return columns


def parse_choice(text: str, choices: Sequence[str], flag: str, kind: str = "value") -> str:
    """One of a fixed list of names, any case; UsageError naming them."""
    key = text.strip().casefold()
    if key in choices:
        return key
    raise unknown(kind, text.strip(), list(choices), flag)


def parse_group(name: str, flag: str = "--by") -> str:
    key = name.strip().casefold().replace("-", "_")
    key = {"carbon": "carbon_saving", "partners": "partner"}.get(key, key)
    if key not in GROUPABLE:
        shown = [g if g != "carbon_saving" else "carbon" for g in GROUPABLE]
        raise unknown("field", name, shown, flag)
    return key
