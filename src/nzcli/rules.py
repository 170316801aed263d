"""What a single field cannot state: cross-references between parts of the plan, and the
deliverability score rule (docs/deliverability.md). `nzcli check`, the validator and `show`
use them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .model import Action, Plan, range_members

# ---------------------------------------------------------------------------------------------
# Cross-references: things a single field cannot know


def cross_references(plan: Plan) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """Yield (location, action id or "", message) for each broken cross-reference."""
    period_ids = {p.id for p in plan.periods}
    seen_periods: set[str] = set()
    for i, period in enumerate(plan.periods):
        if period.id in seen_periods:
            yield ("periods", i, "id"), "", f"duplicate period id {period.id!r}"
        seen_periods.add(period.id)

    seen_keys: set[str] = set()
    seen_prefixes: set[str] = set()
    for i, theme in enumerate(plan.themes):
        if theme.key in seen_keys:
            yield ("themes", i, "key"), "", f"duplicate theme key {theme.key!r}"
        if theme.prefix in seen_prefixes:
            yield ("themes", i, "prefix"), "", f"duplicate theme prefix {theme.prefix!r}"
        seen_keys.add(theme.key)
        seen_prefixes.add(theme.prefix)

    names: dict[str, str] = {}
    for i, entry in enumerate(plan.partners):
        for j, spelling in enumerate([entry.name, *entry.aliases]):
            folded = spelling.casefold()
            if folded in names and names[folded] != entry.name:
                loc: tuple[str | int, ...] = (
                    ("partners", i, "name") if j == 0 else ("partners", i, "aliases", j - 1)
                )
                yield (
                    loc,
                    "",
                    (f"partner spelling {spelling!r} is already used by {names[folded]!r}"),
                )
            names.setdefault(folded, entry.name)
    canonical = {p.name for p in plan.partners}
    theme_keys = sorted(plan._themes_by_key)

    seen_ids: dict[str, int] = {}
    for i, action in enumerate(plan.actions):
        aid = action.id
        if aid.upper() in seen_ids:
            yield (
                ("actions", i, "id"),
                aid,
                (f"duplicate action id {aid!r} (first used by actions[{seen_ids[aid.upper()]}])"),
            )
        else:
            seen_ids[aid.upper()] = i
        action_theme = plan.theme(action.theme)
        if action_theme is None:
            yield (
                ("actions", i, "theme"),
                aid,
                (f"unknown theme {action.theme!r}; known themes: {', '.join(theme_keys)}"),
            )
        else:
            if not aid.startswith(action_theme.prefix):
                yield (
                    ("actions", i, "id"),
                    aid,
                    (
                        f"id does not start with theme {action_theme.key!r}'s "
                        f"prefix {action_theme.prefix!r}"
                    ),
                )
            if action.section is not None and action.section not in action_theme.sections:
                yield (
                    ("actions", i, "section"),
                    aid,
                    (
                        f"unknown section {action.section!r} for theme {action_theme.key!r}; "
                        f"known sections: {', '.join(action_theme.sections) or '(none)'}"
                    ),
                )
        for j, partner in enumerate(action.partners):
            if partner in canonical:
                continue
            known = plan.canonical_partner(partner)
            hint = (
                f"; {partner!r} is an alias of {known!r}, use the canonical name"
                if known
                else "; add it to the partners list first"
            )
            yield ("actions", i, "partners", j), aid, f"unknown partner {partner!r}{hint}"
        if len(set(action.partners)) != len(action.partners):
            yield ("actions", i, "partners"), aid, "a partner is listed twice"
        for period_id in action.updates:
            if period_id not in period_ids:
                yield (
                    ("actions", i, "updates", period_id),
                    aid,
                    (
                        f"unknown period {period_id!r}; "
                        f"known periods: {', '.join(sorted(period_ids))}"
                    ),
                )
        if action.added_in is not None and action.added_in not in period_ids:
            yield ("actions", i, "added_in"), aid, f"unknown period {action.added_in!r}"


# ---------------------------------------------------------------------------------------------
# The deliverability score rule (docs/deliverability.md)

#: Points per level: sooner, cheaper and bigger-saving actions score higher.
TIMESCALE_POINTS = {"S": 3, "M": 2, "L": 1}
COST_POINTS = {"L": 3, "M": 2, "H": 1}
CARBON_POINTS = {"L": 1, "M": 2, "H": 3}


def _points(value: str, table: dict[str, int]) -> float:
    members = range_members(value)
    return sum(table[m] for m in members) / len(members)


def expected_score(action: Action) -> float | None:
    """timescale points x cost points x carbon-saving points; a range scores its members' mean.

    None when any of the three is unknown.
    """
    if action.timescale is None or action.cost is None or action.carbon_saving is None:
        return None
    return _score(action.timescale, action.cost, action.carbon_saving)


@functools.lru_cache(maxsize=1024)
def _score(timescale: str, cost: str, carbon_saving: str) -> float:
    # (a valid plan has at most 7 x 7 x 7 combinations: `check` of 100,000 actions works each
    # out once, not 100,000 times)
    return (
        _points(timescale, TIMESCALE_POINTS)
        * _points(cost, COST_POINTS)
        * _points(carbon_saving, CARBON_POINTS)
    )


def score_working(action: Action) -> list[tuple[str, str, float]] | None:
    """The rule's working for an action: (what, its value, its points) for timescale, cost
    and carbon saving, whose product is `expected_score`; None when any is unknown."""
    if action.timescale is None or action.cost is None or action.carbon_saving is None:
        return None
    return [
        ("timescale", action.timescale, _points(action.timescale, TIMESCALE_POINTS)),
        ("cost", action.cost, _points(action.cost, COST_POINTS)),
        ("carbon saving", action.carbon_saving, _points(action.carbon_saving, CARBON_POINTS)),
    ]
