"""Shell completion: the values an option or argument can take, by the kind its declaration
names (`complete="theme"`, or its metavar: `spec.completion_kind`), from the plan --data
names (or $NZCLI_DATA, else the shipped plan) where they come from the data.

Values are offered as the shell needs them typed: for bash, which inserts a completion
as it is, with spaces and other special characters backslash-escaped
("Midlands\\ Connect"); zsh and fish quote for themselves.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from nzcli.model import RATING_LEVELS, TIMESCALE_LEVELS, Plan, Rag, Role, Stage
from nzcli.vocab import CHANGE_KINDS


def _from_plan(plan: Plan, kind: str) -> list[str]:
    if kind == "theme":
        return [t.key for t in plan.themes]
    if kind == "partner":
        return [p.name for p in plan.partners]
    if kind == "period":
        return ["latest", *plan.period_ids]
    if kind == "owner":
        return sorted({a.owner for a in plan.actions if a.owner}, key=str.casefold)
    if kind == "draft":
        return [p.id for p in plan.drafts]
    if kind == "id":
        return [a.id for a in plan.actions]
    if kind == "section":
        return [*dict.fromkeys(x for t in plan.themes for x in t.sections), "none"]
    if kind == "objective":
        numbers = {n for a in plan.actions if isinstance(a.objectives, list) for n in a.objectives}
        return [*(str(n) for n in sorted(numbers)), "all"]
    return []


def _ranges(levels: tuple[str, ...]) -> list[str]:
    """A scale's levels and the ranges of two neighbours: S, M, L, S/M, M/L."""
    return [*levels, *(f"{a}/{b}" for a, b in itertools.pairwise(levels))]


def _groups() -> list[str]:
    from nzcli.vocab import GROUPABLE

    return [g if g != "carbon_saving" else "carbon" for g in GROUPABLE]


def _columns() -> list[str]:
    from nzcli.vocab import COLUMNS

    return list(COLUMNS)


def _outputs() -> list[str]:
    from .read import SCHEMA_OUTPUTS

    return list(SCHEMA_OUTPUTS)


#: Kinds whose values do not depend on the plan.
FIXED: dict[str, Callable[[], list[str]]] = {
    "stage": Stage.values,
    "rag": lambda: [*Rag.values(), "unrated"],
    "role": Role.values,
    "color": lambda: ["auto", "always", "never"],
    "group": _groups,
    "timescale": lambda: _ranges(TIMESCALE_LEVELS),
    "rating": lambda: _ranges(RATING_LEVELS),
    "column": _columns,
    "clear": lambda: ["stage", "rag", "text", "owner"],
    "change": lambda: [k.replace(" ", "-").casefold() for k in CHANGE_KINDS],
    "output": _outputs,
    "pack_by": lambda: ["owner", "theme"],
}


def values(
    kind: str,
    incomplete: str,
    data: str | None,
    env: Mapping[str, str],
    formats: tuple[str, ...] = (),
) -> list[str]:
    """The completions of `incomplete` for a value of this kind (the plan is --data's)."""
    if kind == "columns":  # a comma-separated list: complete its last item
        done, _, last = incomplete.rpartition(",")
        prefix = done + "," if done else ""
        return [prefix + c for c in values("column", last, data, env)]
    if kind == "format":
        offered = list(formats)
    elif kind in FIXED:
        offered = FIXED[kind]()
    else:
        from nzcli.store import load_plan, resolve_data_path

        try:
            plan = load_plan(resolve_data_path(Path(data) if data else None, env), env)
        except Exception:
            return []
        offered = _from_plan(plan, kind)
    folded = incomplete.casefold()
    return [v for v in offered if v.casefold().startswith(folded)]


#: What bash needs no backslash before.
_PLAIN = re.compile(r"[A-Za-z0-9_,./:@%+=-]")


def bash_escape(value: str) -> str:
    """A value as bash reads it back as one word: special characters backslash-escaped."""
    return "".join(c if _PLAIN.fullmatch(c) else "\\" + c for c in value)


def for_shell(found: list[str], env: Mapping[str, str]) -> list[str]:
    """Completions as the shell asking for them inserts them."""
    if env.get("_NZCLI_COMPLETE", "").endswith("_bash"):
        return [bash_escape(v) for v in found]
    return found
