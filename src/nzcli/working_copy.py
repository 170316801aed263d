"""`nzcli init`: a working copy of a plan, where nzcli will find it.

The plan shipped with nzcli is read-only (it lives inside the installed package, and the next
install would replace it). `init` writes a plan to work on, `nzcli.yaml`, into a folder: a
copy of the shipped plan, or an empty plan for another council. nzcli then finds it from
that folder and every folder inside it (`store.resolve_data_path`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError, WriteError
from .storage.files import atomic_write, locked, read_bytes
from .storage.history import Journal, history_path
from .storage.validate import id_prefix, validate_document
from .storage.yaml_safe import dump_yaml, parse_yaml
from .store import PLAN_FILE, find_plan, shipped_data_path
from .vocab import default_period_name, normalise_period_id


@dataclass(frozen=True)
class Created:
    """What `init` made: the plan file, and what it holds."""

    path: Path
    what: str


def empty_plan(title: str, organisation: str, period: str) -> bytes:
    """The text of an empty plan: its title and organisation, a first period (a draft), no
    themes or actions yet."""
    period_id = normalise_period_id(period)
    data = {
        "plan": {"title": title, "organisation": organisation},
        "periods": [{"id": period_id, "name": default_period_name(period_id), "status": "draft"}],
        "themes": [],
        "actions": [],
    }
    header = (
        f"# {' '.join(title.split())}, as data: the plan nzcli reads and writes.\n"
        "# Add its themes and actions (docs/data-format.md describes every field), then run\n"
        "# `nzcli check`. Its history is in nzcli.yaml.history.jsonl, beside it.\n"
    )
    return (header + dump_yaml(data)).encode("utf-8")


def init_plan(
    folder: Path,
    journal: Journal,
    *,
    empty: tuple[str, str, str] | None = None,
) -> Created:
    """Write `folder/nzcli.yaml`: the shipped plan, or with `empty` = (title, organisation,
    first period) an empty one. Refuses to overwrite a plan (or a history) already there."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file, not a folder; give the folder for the plan")
    target = folder / PLAN_FILE
    if empty is not None:
        title, organisation, period = (" ".join(v.split()) for v in empty)
        for name, value in (("--title", title), ("--organisation", organisation)):
            if not value:
                raise UsageError(f"{name} is empty; give the plan's {name[2:]}")
        data = empty_plan(title, organisation, period)
        what = f"an empty plan for {organisation}"
    else:
        data = read_bytes(shipped_data_path())
        what = "a copy of the plan shipped with nzcli"
    _check(data, target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{folder}: cannot make the folder: {exc.strerror or exc}") from None
    with locked(target):
        for existing in (target, history_path(target)):
            if existing.exists():
                raise UsageError(
                    f"{existing} already exists; nzcli uses the plan there (nothing was "
                    "changed). To start again, move it away first"
                )
        with journal.creating(target, data, what):
            atomic_write(target, data)
    return Created(target, what)


def _check(data: bytes, target: Path) -> None:
    """The new plan must validate as `nzcli check` wants (it always should)."""
    doc = parse_yaml(data.decode("utf-8-sig"), str(target))
    plan, problems = validate_document(doc)
    if plan is None:  # pragma: no cover - a title nzcli cannot write would land here
        first = problems[0]
        raise UsageError(f"cannot make {target}: {id_prefix(first)}{first.message}")


def found_from(folder: Path) -> Path | None:
    """The plan nzcli finds from `folder` (None: none there or above)."""
    return find_plan(folder)
