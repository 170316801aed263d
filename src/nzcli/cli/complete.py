"""Shell completion: the values an option or argument can take, by the kind its declaration
names (`complete="theme"`), from the plan where they come from the data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from nzcli.model import Plan, Rag, Role, Stage


def _from_plan(plan: Plan, kind: str) -> list[str]:
    if kind == "theme":
        return [t.key for t in plan.themes]
    if kind == "partner":
        return [p.name for p in plan.partners]
    if kind == "period":
        return ["latest", *plan.period_ids]
    if kind == "id":
        return [a.id for a in plan.actions]
    if kind == "section":
        return list(dict.fromkeys(x for t in plan.themes for x in t.sections))
    return []


#: Kinds whose values do not depend on the plan.
FIXED: dict[str, Callable[[], list[str]]] = {
    "stage": Stage.values,
    "rag": lambda: [*Rag.values(), "unrated"],
    "role": Role.values,
    "color": lambda: ["auto", "always", "never"],
    "group": lambda: ["theme", "section", "role", "stage", "rag", "timescale", "cost", "carbon"],
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
