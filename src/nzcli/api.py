"""The Python API's workings: `Plan.filter`, `Plan.to_records` and `Plan.to_dataframe` call
these (imported when first called), over the same functions the command line uses, so a
filter means the same from Python as on the command line.

`load_plan` here is `nzcli.load_plan`: `nzcli.store.load_plan` with errors worded for Python.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import fields
from enum import Enum
from typing import TYPE_CHECKING, Any

from .errors import MissingFile, UsageError
from .model import Action, Period, Plan

if TYPE_CHECKING:
    from .query import Filters


def load_plan(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Plan:
    """Load and validate a plan file, and return it as a `Plan`.

    `path` is the data file; without one, $NZCLI_DATA (from `env`, default the process's
    environment), else the plan shipped with nzcli. A file validated before is taken from
    nzcli's cache, keyed on its bytes, so it is never stale.

    Raises `MissingFile` (a FileNotFoundError) when there is no such file, and `DataError`
    for a file that is not a valid plan: the message names the file, line and column, as
    `nzcli check` does.

        >>> plan = nzcli.load_plan("data/actions.yaml")
        >>> plan.action("T17").updates["2023-12"].stages
    """
    from .store import load_plan as load

    try:
        return load(path, env)
    except MissingFile as exc:
        raise MissingFile(
            exc.path,
            "no such file; give load_plan() the path of a plan file, or set NZCLI_DATA",
        ) from None


def _text(value: Any) -> str:
    """A filter value as the command line would have typed it."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Period):
        return value.id
    if isinstance(value, bool):
        raise TypeError(f"a filter value cannot be {value!r}")
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"a filter value must be text, a number, an enum or a Period, not {value!r}")


def make_filters(given: Mapping[str, Any]) -> Filters:
    """`Filters` from keyword arguments (`theme="transport"`, `rag=["red", Rag.AMBER]`);
    TypeError for a keyword that is not a filter."""
    from .query import Filters

    names = [f.name for f in fields(Filters)]
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in names:
            raise TypeError(
                f"filter() got an unexpected keyword argument {name!r}; the filters are "
                + ", ".join(names)
            )
        if value is None:
            continue
        many = isinstance(value, (list, tuple, set, frozenset))
        if name in ("min_score", "max_score", "period"):
            if many:
                raise TypeError(f"{name} takes one value, not {value!r}")
            values[name] = _text(value)
        else:
            values[name] = [_text(v) for v in (value if many else [value])]
    return Filters(**values)


def _python_wording(exc: UsageError) -> UsageError:
    """The error as Python names things: `theme=` for `--theme`."""
    from .query import FILTER_FLAGS

    message = str(exc)
    for flag, name in FILTER_FLAGS.items():
        if message.startswith(f"{flag}: "):
            message = f"{name}=: " + message[len(flag) + 2 :]
            break
    return type(exc)(message)


def select(plan: Plan, given: Mapping[str, Any]) -> list[Action]:
    """`Plan.filter`: the actions the filters select, in `nzcli list`'s order."""
    from .query import order, resolve

    try:
        selection = resolve(plan, make_filters(given))
    except UsageError as exc:
        raise _python_wording(exc) from None
    return order(plan, selection.apply(plan), selection.period)


def records(
    plan: Plan, period: str | Period | None, given: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """`Plan.to_records`: `nzcli list --format json`'s rows."""
    from .query import row

    chosen, actions = _chosen(plan, period, given)
    return [row(a, chosen, structured=True) for a in actions]


def dataframe(plan: Plan, period: str | Period | None, given: Mapping[str, Any]) -> Any:
    """`Plan.to_dataframe`: the rows as a pandas DataFrame, indexed by ID."""
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "to_dataframe() needs pandas: pip install 'nzcli[dataframe]' (or pandas)"
        ) from None
    from .query import row
    from .vocab import COLUMNS

    chosen, actions = _chosen(plan, period, given)
    frame = pandas.DataFrame([row(a, chosen) for a in actions], columns=list(COLUMNS))
    return frame.set_index("id", drop=False).rename_axis(None)


def _chosen(
    plan: Plan, period: str | Period | None, given: Mapping[str, Any]
) -> tuple[Period, list[Action]]:
    chosen = plan.period(period)
    if chosen is None:
        from .vocab import resolve_period

        try:  # the one reading of periods, and its message naming the known ones
            resolve_period(plan, period if isinstance(period, str) else None)
        except UsageError as exc:
            raise type(exc)(f"period=: {exc}") from None
        raise AssertionError(period)  # pragma: no cover
    return chosen, select(plan, {**given, "period": chosen})
