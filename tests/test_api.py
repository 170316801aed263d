"""The Python API: `plan.filter` is `nzcli list` (one implementation), periods are taken in
every form, records and DataFrames, exported enums, docstrings throughout, errors that speak
Python, and docs/api.md generated from the docstrings (NZCLI_UPDATE_GOLDEN=1 regenerates)."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nzcli
from conftest import FIXTURES, ROOT, Run
from nzcli import DataError, MissingFile, NotFound, Period, Rag, Role, Stage, UsageError

MINI = str(FIXTURES / "mini.yaml")
API_DOC = ROOT / "docs" / "api.md"
UPDATE = os.environ.get("NZCLI_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def plan() -> nzcli.Plan:
    return nzcli.load_plan()


@pytest.fixture(scope="module")
def mini() -> nzcli.Plan:
    return nzcli.load_plan(MINI)


def listed(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("list", *args, "--format", "json")
    assert result.exit_code == 0, result
    rows: list[dict[str, Any]] = json.loads(result.stdout)["actions"]
    return rows


# ---------------------------------------------------------------------------------------------
# filter: exactly the command line's filters

OPTION_VALUES: dict[str, list[str]] = {
    "theme": ["transport", "T", "Buildings and Energy", "cross-cutting"],
    "section": ["Public Transport", "none", "policy and strategy"],
    "role": ["lead", "ask", "influence"],
    "rag": ["unrated", "red"],
    "stage": ["discovery", "design", "delivery", "completed"],
    "timescale": ["S", "M", "L", "S/M"],
    "partner": ["Districts", "midlands connect", "WPD", "MNZH"],
    "objective": ["1", "2", "all"],
    "cost": ["L", "M", "H"],
    "carbon": ["L", "H"],
    "min_score": ["6", "12.5"],
    "max_score": ["9", "3"],
    "search": ["rail", "bus", "heat"],
    "id": ["T1*", "B?", "N6"],
    "owner": ["none"],  # (the shipped plan names no owners; see test_filter_by_owner)
}
FILTERS = st.dictionaries(
    st.sampled_from(sorted(OPTION_VALUES)),
    st.integers(min_value=0, max_value=3),
    max_size=3,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=FILTERS, many=st.booleans())
def test_filter_is_nzcli_list(
    run: Run, plan: nzcli.Plan, chosen: dict[str, int], many: bool
) -> None:
    kwargs: dict[str, Any] = {}
    args: list[str] = []
    for name, index in chosen.items():
        values = OPTION_VALUES[name]
        picked = [values[index % len(values)]]
        if many and name not in ("min_score", "max_score"):
            picked.append(values[(index + 1) % len(values)])
        kwargs[name] = picked if len(picked) > 1 else picked[0]
        for value in picked:
            args += [f"--{name.replace('_', '-')}", value]
    assert [a.id for a in plan.filter(**kwargs)] == [r["id"] for r in listed(run, *args)]


def test_filter_takes_enums_numbers_and_periods(mini: nzcli.Plan) -> None:
    def ids(**kwargs: Any) -> list[str]:
        return [a.id for a in mini.filter(**kwargs)]

    assert ids(rag=Rag.RED) == ids(rag="red") == ["T2"]
    assert ids(rag=[Rag.AMBER, "green"]) == ["T1", "N1", "X1"]
    assert ids(role=Role.LEAD) == ids(role="LEAD")
    assert ids(stage=Stage.DESIGN, period="2023-12") == ids(stage="design", period="dec-2023")
    assert ids(stage=Stage.DESIGN, period=mini.period("2023-12")) == ["T1", "T2"]
    assert ids(objective=2) == ids(objective="2")
    assert ids(min_score=7.5) == ids(min_score="7.5")
    assert ids() == [a.id for a in mini.filter(theme=None)]


def test_filter_errors_speak_python(plan: nzcli.Plan) -> None:
    with pytest.raises(UsageError) as caught:
        plan.filter(theme="trasnport")
    assert str(caught.value).startswith("theme=: unknown theme 'trasnport'; did you mean")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(ValueError, match=r"^min_score=: 'lots' is not a deliverability score"):
        plan.filter(min_score="lots")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        plan.filter(colour="red")
    with pytest.raises(TypeError, match="min_score takes one value"):
        plan.filter(min_score=[1, 2])
    with pytest.raises(TypeError):
        plan.filter(rag=True)
    with pytest.raises(NotFound) as missing:
        plan.filter(period="2099-01")
    assert isinstance(missing.value, LookupError)
    assert "--" not in str(missing.value)


# ---------------------------------------------------------------------------------------------
# Periods in every form


def test_filter_by_owner(run: Run, tmp_path: Path) -> None:
    plan_file = tmp_path / "mini.yaml"
    plan_file.write_bytes(Path(MINI).read_bytes())
    for action, owner in (("T1", "Transport team"), ("T10", "Rural team")):
        assert run("update", action, "--owner", owner, "--data", str(plan_file)).exit_code == 0
    plan = nzcli.load_plan(plan_file)
    assert [a.id for a in plan.filter(owner="TRANSPORT TEAM")] == ["T1"]
    assert [a.id for a in plan.filter(owner=["transport team", "rural team"])] == ["T1", "T10"]
    assert [a.id for a in plan.filter(owner="none")] == ["T2", "N1", "X1"]
    assert [r["owner"] for r in plan.to_records(id="T1*")] == ["Transport team", "Rural team"]
    with pytest.raises(UsageError, match="unknown owner 'Transprt team'"):
        plan.filter(owner="Transprt team")


def test_update_for_takes_periods_in_every_form(mini: nzcli.Plan) -> None:
    t1 = mini.action("T1")
    assert t1 is not None
    june = t1.updates["2024-06"]
    assert t1.update_for(mini.latest_period) is june
    assert t1.update_for("2024-06") is june
    assert t1.update_for("june-2024") is june
    assert t1.update_for("Jun 2024") is june
    assert t1.update_for(Period(id="2024-06", name="anything")) is june
    assert t1.update_for("2022-01") is None
    with pytest.raises(ValueError, match=r"plan\.update_for\(action, period\)"):
        t1.update_for("latest")
    with pytest.raises(TypeError):
        t1.update_for(2024)  # type: ignore[arg-type]


def test_plan_finds_periods_and_updates(mini: nzcli.Plan) -> None:
    latest = mini.latest_period
    for form in (None, "latest", "LATEST", "2024-06", "june-2024", "June 2024", latest):
        assert mini.period(form) == latest, form
    assert mini.period("December 2023") == mini.period("2023-12")
    assert mini.period("2099-01") is None
    assert mini.update_for("t1", "latest") is mini.action("T1").updates["2024-06"]  # type: ignore[union-attr]
    assert mini.update_for("T1", "December 2023").stage == Stage.DESIGN  # type: ignore[union-attr]
    assert mini.update_for("T10") is None  # no June update
    with pytest.raises(NotFound, match="no action with ID 'Z9'"):
        mini.update_for("Z9")
    with pytest.raises(NotFound, match="unknown period 'someday'"):
        mini.update_for("T1", "someday")


# ---------------------------------------------------------------------------------------------
# Records and DataFrames


def test_to_records_are_list_json_rows(run: Run, plan: nzcli.Plan) -> None:
    assert plan.to_records() == listed(run)
    assert plan.to_records(theme="transport", rag="unrated") == listed(
        run, "--theme", "transport", "--rag", "unrated"
    )
    mini_rows = nzcli.load_plan(MINI).to_records(period="2023-12")
    assert mini_rows == listed(run, "--data", MINI, "--period", "2023-12")
    with pytest.raises(NotFound, match=r"^period=: unknown period"):
        plan.to_records(period="someday")


def test_to_dataframe(plan: nzcli.Plan) -> None:
    frame = plan.to_dataframe(theme="transport")
    assert list(frame.index) == [f"T{n}" for n in range(1, 35)]
    assert list(frame.columns) == list(nzcli.load_plan().to_records()[0])
    assert frame.loc["T17", "stage"] == "MMLe: delivery; Ivanhoe: design; Network North: discovery"
    assert frame.loc["T1", "partners"] == ["Transport Partners", "Business", "Residents"]
    assert frame.loc["T1", "deliverability_score"] == 18
    assert len(frame[frame.stage == "design"]) == 9


def test_pandas_is_imported_only_for_a_dataframe() -> None:
    code = (
        "import sys, nzcli\n"
        "plan = nzcli.load_plan()\n"
        "plan.filter(theme='T'); plan.to_records()\n"
        "assert 'pandas' not in sys.modules\n"
        "plan.to_dataframe()\n"
        "assert 'pandas' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------------------------------
# What is exported, documented and raised


def test_enums_and_records_are_exported() -> None:
    from nzcli import model

    for name in ("Stage", "Rag", "Role", "Plan", "Action", "Update", "Period", "Theme"):
        assert getattr(nzcli, name) is getattr(model, name)
    assert [s.value for s in nzcli.Stage] == ["discovery", "design", "delivery", "completed"]
    assert set(nzcli.__all__) <= set(dir(nzcli))
    with pytest.raises(AttributeError):
        nzcli.nothing  # noqa: B018


def public_members(cls: type) -> list[tuple[str, Any]]:
    field_names = (
        {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    )
    out = []
    for name, value in vars(cls).items():
        if name.startswith("_") or name in field_names:
            continue
        if isinstance(value, (property, classmethod, staticmethod)) or inspect.isfunction(value):
            out.append((name, value))
    return out


def test_everything_public_has_a_docstring() -> None:
    missing = []
    for name in nzcli.__all__:
        if name == "__version__":
            continue
        obj = getattr(nzcli, name)
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        if inspect.isclass(obj) and not issubclass(obj, Exception):
            for member, value in public_members(obj):
                target = value.fget if isinstance(value, property) else value
                target = getattr(target, "__func__", target)
                if not (target.__doc__ or "").strip():
                    missing.append(f"{name}.{member}")
    assert missing == []


def test_load_plan_errors_speak_python(tmp_path: Path) -> None:
    with pytest.raises(MissingFile) as caught:
        nzcli.load_plan(tmp_path / "nope.yaml")
    assert isinstance(caught.value, FileNotFoundError)
    assert str(caught.value) == (
        f"{tmp_path / 'nope.yaml'}: no such file; give load_plan() the path of a plan file, "
        "or set NZCLI_DATA"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    with pytest.raises(DataError) as invalid:
        nzcli.load_plan(bad)
    assert str(invalid.value).startswith(f"{bad}:")
    assert "--data" not in str(invalid.value)


def test_the_command_line_still_says_how_to_name_a_file(run: Run, tmp_path: Path) -> None:
    result = run("--data", str(tmp_path / "nope.yaml"), "list")
    assert result.stderr == (
        f"nzcli: error: {tmp_path / 'nope.yaml'}: no such file; pass --data FILE or set "
        "NZCLI_DATA\n"
    )


# ---------------------------------------------------------------------------------------------
# docs/api.md, generated from the docstrings

ORDER = [
    "load_plan",
    "Plan",
    "Action",
    "Update",
    "SchemeStage",
    "Period",
    "Theme",
    "Partner",
    "PlanInfo",
    "Stage",
    "Rag",
    "Role",
    "NzcliError",
    "DataError",
    "MissingFile",
    "UsageError",
    "NotFound",
]


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "")


def _signature(name: str, obj: Any) -> str:
    """`name(a: str, b: int = 2) -> T`, with the annotations as written (no quotes)."""
    signature = inspect.signature(obj)
    params = []
    for p in signature.parameters.values():
        if p.name == "self":
            continue
        text = ("**" if p.kind is p.VAR_KEYWORD else "") + p.name
        if p.annotation is not p.empty:
            text += f": {p.annotation}"
        if p.default is not p.empty:
            text += f" = {p.default!r}"
        params.append(text)
    returns = signature.return_annotation
    tail = f" -> {returns}" if returns is not signature.empty else ""
    return f"{name}({', '.join(params)}){tail}"


def api_reference() -> str:
    parts = [
        "# Python API\n",
        "Generated from the docstrings by `tests/test_api.py`; a test fails when this page and",
        "the code disagree. Regenerate with `NZCLI_UPDATE_GOLDEN=1 python -m pytest",
        "tests/test_api.py`.\n",
        "```python",
        "import nzcli",
        "plan = nzcli.load_plan()",
        'plan.filter(theme="transport", rag="unrated")   # what `nzcli list` lists',
        "plan.to_dataframe()                               # pip install 'nzcli[dataframe]'",
        "```\n",
        "Everything below is importable from `nzcli` itself.\n",
    ]
    assert sorted(ORDER) == sorted(n for n in nzcli.__all__ if n != "__version__")
    for name in ORDER:
        obj = getattr(nzcli, name)
        if inspect.isfunction(obj):
            parts.append(f"## `{_signature(name, obj)}`\n")
            parts.append(_doc(obj) + "\n")
            continue
        kind = "exception" if issubclass(obj, Exception) else "class"
        parts.append(f"## {kind} `{name}`\n")
        parts.append(_doc(obj) + "\n")
        if issubclass(obj, Exception):
            bases = ", ".join(f"`{b.__name__}`" for b in obj.__bases__)
            parts.append(f"Subclass of {bases}.\n")
            continue
        if issubclass(obj, enum.Enum):
            members = ", ".join(f"`{m.name}` (`{m.value!r}`)" for m in obj)
            parts.append(f"Members, in order: {members}.\n")
            continue
        if dataclasses.is_dataclass(obj):
            parts.append("| field | type |")
            parts.append("|:--|:--|")
            for f in dataclasses.fields(obj):
                type_text = str(f.type).replace("|", "\\|")  # a pipe inside a table cell
                parts.append(f"| `{f.name}` | `{type_text}` |")
            parts.append("")
        for member, value in public_members(obj):
            if isinstance(value, property):
                parts.append(f"### `{name}.{member}` (property)\n")
                parts.append(_doc(value.fget) + "\n")
            else:
                function = getattr(value, "__func__", value)
                parts.append(f"### `{name}.{_signature(member, function)}`\n")
                parts.append(_doc(function) + "\n")
    return "\n".join(parts).rstrip("\n") + "\n"


def test_api_page_is_current() -> None:
    text = api_reference()
    if UPDATE:
        API_DOC.write_text(text, encoding="utf-8")
    assert API_DOC.read_text(encoding="utf-8") == text, "docs/api.md is stale"
