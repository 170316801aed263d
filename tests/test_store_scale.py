"""Issue 16: an edit in proportion to what it changes. The quick path (against a plan trusted
from the cache) and the slow path (the whole file parsed and validated) write byte-identical
files and identical cache entries, whatever the edit and whatever the file's layout; the next
read after an edit is warm."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED, identical
from nzcli.errors import UsageError
from nzcli.periods import add_period
from nzcli.record import UpdateRequest, update_action
from nzcli.storage import quick_edit as quick_module
from nzcli.store import load_plan

PLAN = load_plan(SHIPPED, env={"NZCLI_NO_CACHE": "1"})
PARTNERS = [p.name for p in PLAN.partners]
WORDS = st.text(
    alphabet=st.sampled_from([*"abc XYZ:#'\"-,.&!?é£[]{}", "\u00a0"]), min_size=1,
    max_size=40,
).filter(lambda t: t.strip() != "")


def alphabetical(text: str) -> str:
    """The shipped plan as another tool writes it: keys sorted, lists flush under their key."""
    from ruamel.yaml import YAML

    from nzcli.storage.yaml_safe import parse_yaml

    def ordered(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ordered(value[k]) for k in sorted(value, key=str)}
        if isinstance(value, list):
            return [ordered(v) for v in value]
        return value

    import io

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(ordered(parse_yaml(text, "x").data), out)
    return out.getvalue()


LAYOUTS = {"nzcli": SHIPPED.read_text(encoding="utf-8"),
           "alphabetical": alphabetical(SHIPPED.read_text(encoding="utf-8"))}


@st.composite
def edits(draw: st.DrawFn) -> dict[str, Any]:
    action = draw(st.sampled_from(PLAN.actions))
    fields: dict[str, Any] = {"action_id": action.id}
    kinds = draw(st.sets(st.sampled_from(["rag", "stage", "text", "append", "score", "partners",
                                          "timescale"]), min_size=1, max_size=3))
    if kinds & {"rag", "stage", "text", "append"}:
        fields["period"] = "latest"
    if "rag" in kinds:
        fields["rag"] = draw(st.sampled_from(["red", "amber", "green"]))
    if "stage" in kinds and not any(u.schemes for u in action.updates.values()):
        fields["stage"] = draw(st.sampled_from(["discovery", "design", "delivery", "completed"]))
    if "text" in kinds:
        fields["text"] = draw(WORDS)
    elif "append" in kinds:
        fields["append_text"] = draw(WORDS)
    if "score" in kinds:
        fields["score"] = str(draw(st.integers(0, 27)))
    if "timescale" in kinds:
        fields["timescale"] = draw(st.sampled_from(["S", "M", "L", "S/M"]))
    if "partners" in kinds:
        fields["add_partners"] = [draw(st.sampled_from(PARTNERS))]
        if action.partners and draw(st.booleans()):
            fields["remove_partners"] = [draw(st.sampled_from(action.partners))]
            if fields["remove_partners"] == fields["add_partners"]:
                del fields["remove_partners"]
    if not (fields.keys() - {"action_id", "period"}):
        fields["rag"] = "red"
        fields["period"] = "latest"
    if "period" in fields:
        fields["reopen"] = True  # (latest is published: correcting it is a reopening)
    return fields


def entry_parts(folder: Path) -> tuple[dict[str, Any], bytes]:
    (entry,) = folder.glob("*.plan.json")
    head, payload = entry.read_bytes().split(b"\n", 1)
    header = json.loads(head)
    header.pop("data")  # the data file's own path
    return header, payload


def apply(path: Path, change: dict[str, Any] | str, folder: Path) -> str:
    os.environ["NZCLI_CACHE_DIR"] = str(folder)
    try:
        if isinstance(change, str):
            return add_period(path, change).message()
        return update_action(path, UpdateRequest(**change)).message()
    except UsageError as exc:
        return f"refused: {exc}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(layout=st.sampled_from(sorted(LAYOUTS)),
       steps=st.lists(edits() | st.sampled_from(["2024-06", "2025-01"]), min_size=1, max_size=3))
def test_quick_and_slow_edits_write_the_same_bytes(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, layout: str,
    steps: list[Any],
) -> None:
    base = tmp_path_factory.mktemp("edit")
    quick, slow = base / "quick" / "plan.yaml", base / "slow" / "plan.yaml"
    for path in (quick, slow):
        path.parent.mkdir()
        path.write_text(LAYOUTS[layout], encoding="utf-8")
    quick_cache, slow_cache = base / "quick-cache", base / "slow-cache"
    taken: list[bool] = []
    real = quick_module.quick_edit

    def spy(*args: Any, **kwargs: Any) -> Any:
        done = real(*args, **kwargs)
        taken.append(done is not None)
        return done

    monkeypatch.setattr(quick_module, "quick_edit", spy)
    os.environ["NZCLI_CACHE_DIR"] = str(quick_cache)
    load_plan(quick)  # the cache now trusts the quick copy's bytes
    for step in steps:
        quick_said = apply(quick, step, quick_cache)
        shutil.rmtree(slow_cache, ignore_errors=True)  # no trusted plan: the slow path
        slow_said = apply(slow, step, slow_cache)
        assert quick_said.replace(str(quick), "F") == slow_said.replace(str(slow), "F")
        assert quick.read_bytes() == slow.read_bytes()
        if not quick_said.startswith(("refused", "no change")):
            assert entry_parts(quick_cache) == entry_parts(slow_cache)
    assert all(taken), "the quick path fell back to the slow one"
    # the entry the edits left is the one a cold read of the new file makes
    after = entry_parts(quick_cache)
    shutil.rmtree(slow_cache, ignore_errors=True)
    os.environ["NZCLI_CACHE_DIR"] = str(slow_cache)
    cold = load_plan(quick)
    assert entry_parts(slow_cache) == after
    os.environ["NZCLI_CACHE_DIR"] = str(quick_cache)
    assert identical(load_plan(quick), cold)


def test_the_next_read_after_an_edit_is_warm(shipped_copy: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("NZCLI_CACHE_DIR", str(tmp_path / "cache"))
    load_plan(shipped_copy)
    update_action(shipped_copy, UpdateRequest("T3", period="latest", rag="red", reopen=True))

    def no_parsing(*_: object, **__: object) -> None:
        raise AssertionError("parsed although the edit wrote the new entry")

    monkeypatch.setattr("nzcli.store.parse_yaml", no_parsing)
    plan = load_plan(shipped_copy)
    assert plan.action("T3").updates["2023-12"].rag.value == "red"  # type: ignore[union-attr]


def test_a_quick_edit_parses_only_the_edited_lines(shipped_copy: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from nzcli.storage import yaml_safe

    monkeypatch.setenv("NZCLI_CACHE_DIR", str(tmp_path / "cache"))
    load_plan(shipped_copy)
    sizes: list[int] = []
    real = yaml_safe.parse_yaml

    def counting(text: str, path: str, **kwargs: Any) -> Any:
        sizes.append(len(text))
        return real(text, path, **kwargs)

    for module in ("nzcli.storage.quick_edit", "nzcli.store", "nzcli.storage.yaml_rt"):
        monkeypatch.setattr(f"{module}.parse_yaml", counting)
    request = UpdateRequest("X4", period="latest", text="Ninety signed.", reopen=True)
    update_action(shipped_copy, request)
    size = len(shipped_copy.read_text(encoding="utf-8"))
    assert sizes and max(sizes) < size // 4, sizes  # never the whole file


def test_an_invalid_quick_edit_is_refused_in_the_slow_paths_words(
    shipped_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other" / "actions.yaml"
    other.parent.mkdir()
    shutil.copyfile(shipped_copy, other)
    monkeypatch.setenv("NZCLI_CACHE_DIR", str(tmp_path / "cache"))
    load_plan(shipped_copy)
    said = []
    for path, folder in ((shipped_copy, tmp_path / "cache"), (other, tmp_path / "none")):
        monkeypatch.setenv("NZCLI_CACHE_DIR", str(folder))
        with pytest.raises(UsageError) as caught:
            update_action(path, UpdateRequest("T1", add_partners=["Nobody Known"]))
        said.append(str(caught.value).replace(str(path), "F"))
    assert said[0] == said[1]
