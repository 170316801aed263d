"""The validated-plan cache (nzcli.cache): never stale, never in the way, never next to the data."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, SHIPPED, Run, identical
from nzcli.model import Plan, Stage
from nzcli.records import plan_data
from nzcli.storage import cache
from nzcli.store import load_plan


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.plan.json")) if folder.is_dir() else []


@pytest.fixture
def cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan-cache")
    monkeypatch.setenv("NZCLI_CACHE_DIR", str(folder))
    return folder


def test_cache_hit_returns_an_equal_plan(shipped_copy: Path, cache_dir: Path) -> None:
    first = load_plan(shipped_copy)  # parses, validates and writes the entry
    assert len(entries(cache_dir)) == 1
    again = load_plan(shipped_copy)  # from the cache
    assert again == first
    assert identical(again, first)  # enums are enums, records are records, all the way down
    assert plan_data(again) == plan_data(first)
    assert again.source_path == first.source_path == str(shipped_copy)
    assert isinstance(again.actions[0].updates["2023-12"].stage, Stage)
    assert again.action("T17") == first.action("T17")


def test_a_hit_does_not_parse(
    shipped_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_plan(shipped_copy)

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed although the cache holds this file")

    monkeypatch.setattr("nzcli.store.parse_yaml", no_parsing)
    assert len(load_plan(shipped_copy).actions) == 176


@pytest.mark.parametrize("name", ["mini.yaml", "hostile.yaml"])
def test_fixture_plans_rebuild_exactly(name: str, tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / name
    shutil.copyfile(FIXTURES / name, path)
    validated = load_plan(path, env={"NZCLI_NO_CACHE": "1"})
    load_plan(path)
    assert len(entries(cache_dir)) == 1
    assert identical(load_plan(path), validated)


def test_two_edits_within_one_second_keeping_the_size(shipped_copy: Path, cache_dir: Path) -> None:
    def set_t1_role(role: str) -> None:
        text = shipped_copy.read_text(encoding="utf-8")
        start = text.index("role: ", text.index("  - id: T1\n"))
        end = text.index("\n", start)
        shipped_copy.write_text(text[:start] + f"role: {role}" + text[end:], encoding="utf-8")

    def t1_role() -> str:
        role = load_plan(shipped_copy).action("T1").role  # type: ignore[union-attr]
        assert role is not None
        return str(role.value)

    assert t1_role() == "lead"
    size, mtime = shipped_copy.stat().st_size, shipped_copy.stat().st_mtime_ns
    set_t1_role("ask ")  # "ask " is as long as "lead"; YAML drops the trailing space
    assert t1_role() == "ask"
    set_t1_role("lead")
    assert t1_role() == "lead"
    set_t1_role("ask ")
    os.utime(shipped_copy, ns=(mtime, mtime))  # even with the first modification time
    assert shipped_copy.stat().st_size == size
    assert t1_role() == "ask"


def test_cli_sees_the_second_edit(run: Run, mini: Path, cache_dir: Path) -> None:
    first = run("list", "--format", "csv", "--columns", "id,action", "--data", str(mini))
    assert first.exit_code == 0, first
    text = mini.read_text(encoding="utf-8")
    word = next(w for w in ("Develop", "Deliver", "Support") if w in text)
    mini.write_text(text.replace(word, word.upper(), 1), encoding="utf-8")
    second = run("list", "--format", "csv", "--columns", "id,action", "--data", str(mini))
    assert second.exit_code == 0, second
    assert word.upper() in second.stdout
    assert second.stdout != first.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_cache_dir_works(
    shipped_copy: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path_factory.mktemp("read-only")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setenv("NZCLI_CACHE_DIR", str(folder / "nzcli"))  # cannot even be created
    try:
        expected = load_plan(shipped_copy, env={"NZCLI_NO_CACHE": "1"})
        assert load_plan(shipped_copy) == expected
        monkeypatch.setenv("NZCLI_CACHE_DIR", str(folder))  # exists, but cannot be written
        assert load_plan(shipped_copy) == expected
        assert load_plan(shipped_copy) == expected
        if os.geteuid() != 0:  # root writes anyway
            assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_unwritable_cache_works(
    shipped_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write fails (as in a read-only folder, also when running as root)."""

    def refuse(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    expected = load_plan(shipped_copy, env={"NZCLI_NO_CACHE": "1"})
    assert load_plan(shipped_copy) == expected
    assert load_plan(shipped_copy) == expected
    assert entries(cache_dir) == []


def test_cache_dir_that_is_a_file_works(shipped_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    plan = load_plan(shipped_copy, env={"NZCLI_CACHE_DIR": str(blocker)})
    assert len(plan.actions) == 176


def test_no_cache_env(
    shipped_copy: Path, cache_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NZCLI_NO_CACHE", "1")
    assert len(load_plan(shipped_copy).actions) == 176
    result = run("list", "--theme", "transport", "--format", "csv", "--data", str(shipped_copy))
    assert result.exit_code == 0
    assert entries(cache_dir) == []
    monkeypatch.setenv("NZCLI_NO_CACHE", "0")
    load_plan(shipped_copy)
    assert len(entries(cache_dir)) == 1


def test_no_cache_ignores_an_existing_entry(
    shipped_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_plan(shipped_copy)
    monkeypatch.setenv("NZCLI_NO_CACHE", "1")
    calls: list[str] = []
    real = cache.Entry.load

    def counting(self: cache.Entry) -> Plan | None:
        calls.append("load")
        return real(self)

    monkeypatch.setattr(cache.Entry, "load", counting)
    load_plan(shipped_copy)
    assert calls == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"garbage\n" + data,
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data.replace(b"Transport", b"Tr@nsport", 1),  # digest no longer matches
        lambda data: data.split(b"\n", 1)[0] + b"\n" + b"{}",
        lambda data: b"\xff\xfe" * 50,
    ],
)
def test_corrupt_entry_is_ignored_and_replaced(
    damage: object, shipped_copy: Path, cache_dir: Path
) -> None:
    expected = load_plan(shipped_copy)
    (entry,) = entries(cache_dir)
    good = entry.read_bytes()
    entry.write_bytes(damage(good))  # type: ignore[operator]
    assert load_plan(shipped_copy) == expected
    assert entry.read_bytes() == good  # replaced by a sound entry
    assert load_plan(shipped_copy) == expected


def test_entry_of_another_key_is_not_used(shipped_copy: Path, cache_dir: Path) -> None:
    load_plan(shipped_copy)
    (entry,) = entries(cache_dir)
    header, payload = entry.read_bytes().split(b"\n", 1)
    fake = header.replace(b'"key": "', b'"key": "0', 1)
    entry.write_bytes(fake + b"\n" + payload)
    load_plan(shipped_copy)
    assert entry.read_bytes().split(b"\n", 1)[0] == header


def test_cache_is_never_written_next_to_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    plan = data_dir / "actions.yaml"
    shutil.copyfile(SHIPPED, plan)
    home = tmp_path / "home"
    monkeypatch.delenv("NZCLI_CACHE_DIR")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(data_dir)
    load_plan(plan)
    load_plan("actions.yaml")
    assert run("list", "--format", "csv", "--data", "actions.yaml").exit_code == 0
    assert run("show", "T17", "--data", str(plan)).exit_code == 0
    assert sorted(p.name for p in data_dir.iterdir()) == ["actions.yaml"]
    assert len(entries(tmp_path / "xdg" / "nzcli")) == 1  # one entry per data file
    monkeypatch.delenv("XDG_CACHE_HOME")
    load_plan(plan)
    assert len(entries(home / ".cache" / "nzcli")) == 1
    assert sorted(p.name for p in data_dir.iterdir()) == ["actions.yaml"]


def test_cache_dir_resolution() -> None:
    assert cache.cache_dir({"NZCLI_CACHE_DIR": "/c"}) == Path("/c")
    assert cache.cache_dir({"NZCLI_CACHE_DIR": "/c", "NZCLI_NO_CACHE": "1"}) is None
    assert cache.cache_dir({"NZCLI_NO_CACHE": "true"}) is None
    if sys.platform != "win32":
        assert cache.cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/nzcli")
        assert cache.cache_dir({"XDG_CACHE_HOME": "relative"}) == Path.home() / ".cache/nzcli"
        assert cache.cache_dir({}) == Path.home() / ".cache" / "nzcli"


def test_entries_are_bounded(tmp_path: Path, cache_dir: Path) -> None:
    for i in range(cache.MAX_ENTRIES + 3):
        path = tmp_path / f"plan{i}.yaml"
        shutil.copyfile(FIXTURES / "mini.yaml", path)
        load_plan(path)
    assert len(entries(cache_dir)) == cache.MAX_ENTRIES
    assert not list(cache_dir.glob(".tmp-*"))


def test_errors_are_unchanged_with_a_cache(tmp_path: Path, cache_dir: Path, run: Run) -> None:
    missing = run("list", "--data", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"plan: [\n")
    first = run("list", "--data", str(bad))
    second = run("list", "--data", str(bad))
    assert first.exit_code == second.exit_code == 2
    assert first.stderr == second.stderr
    assert "YAML syntax error" in first.stderr
    assert entries(cache_dir) == []


def test_an_entry_of_another_shape_is_a_miss(
    shipped_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry whose key and digest match but whose plan does not fit the records (written by
    a future nzcli, say) is parsed again, not trusted."""
    import json
    import zlib

    expected = load_plan(shipped_copy)
    (entry,) = entries(cache_dir)
    header_line, payload = entry.read_bytes().split(b"\n", 1)
    header = json.loads(header_line)
    data = json.loads(payload)
    data["surprise"] = 1
    odd = json.dumps(data).encode()
    header.update(length=len(odd), digest=f"crc32:{zlib.crc32(odd):08x}")
    entry.write_bytes(json.dumps(header).encode() + b"\n" + odd)
    parsed: list[str] = []
    real = __import__("nzcli.store", fromlist=["parse_yaml"]).parse_yaml

    def counting(text: str, path: str) -> object:
        parsed.append(path)
        return real(text, path)

    monkeypatch.setattr("nzcli.store.parse_yaml", counting)
    assert identical(load_plan(shipped_copy), expected)
    assert parsed == [str(shipped_copy)]


def test_large_payloads_read_the_same_with_either_parser(
    shipped_copy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pydantic-core's parser (for large entries) and the standard library's give the same
    plan, type for type."""
    import json

    first = load_plan(shipped_copy)
    payload = entries(cache_dir)[0].read_bytes().split(b"\n", 1)[1]
    assert len(payload) < cache.LARGE_PAYLOAD
    assert identical(cache.parse_json(payload), json.loads(payload))
    monkeypatch.setattr(cache, "LARGE_PAYLOAD", 0)
    big = cache.parse_json(payload)
    assert identical(big, json.loads(payload))
    assert identical(load_plan(shipped_copy), first)
