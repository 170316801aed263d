"""The plan cache treated like ~/.ssh (issue 12, class 7), and leftovers swept (class 8)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from conftest import Run
from nzcli.storage import cache, files
from nzcli.store import load_plan


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("NZCLI_CACHE_DIR", str(path))
    return path


def entry_of(mini: Path) -> cache.Entry:
    entry = cache.entry_for(files.real_path(mini), mini.read_bytes(), os.environ)
    assert entry is not None
    return entry


def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = __import__("nzcli.store", fromlist=["parse_yaml"]).parse_yaml

    def counting(text: str, path: str, **kwargs: object) -> object:
        seen.append(path)
        return real(text, path, **kwargs)

    monkeypatch.setattr("nzcli.store.parse_yaml", counting)
    return seen


def test_the_folder_and_entries_are_private(mini: Path, folder: Path) -> None:
    load_plan(mini)
    assert folder.stat().st_mode & 0o777 == 0o700
    (entry,) = folder.glob("*.plan.json")
    assert entry.stat().st_mode & 0o777 == 0o600


def test_a_forged_entry_of_another_user_is_not_served(
    mini: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its key can be recomputed from public inputs; its owner cannot be forged."""
    real = load_plan(mini)
    entry = entry_of(mini)
    payload = cache.encode_payload(real).replace(b"Work has started.", b"Forged words!!!!!")
    header = {"format": cache.FORMAT, "key": entry.key, "length": len(payload),
              "digest": cache._digest(payload), "data": str(mini), "nzcli": "x", "spans": None}
    entry.path.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(entry.path, 4242, 4242)
    else:  # pragma: no cover - as a user: another user's file is shown by a group write bit
        entry.path.chmod(0o620)
    seen = parses(monkeypatch)
    plan = load_plan(mini)
    assert seen == [str(mini)]  # parsed, not taken from the forged entry
    assert plan.action("T1").updates["2023-12"].text == "Work has started."  # type: ignore[union-attr]
    assert entry.path.stat().st_uid == os.geteuid()  # replaced by the user's own
    assert entry.path.stat().st_mode & 0o777 == 0o600


def test_a_folder_others_may_write_is_not_used(
    mini: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    load_plan(mini)
    assert list(folder.iterdir()) == []  # nothing written there
    seen = parses(monkeypatch)
    load_plan(mini)
    assert seen == [str(mini)]


def test_only_nzcli_entries_are_ever_removed(mini: Path, folder: Path, tmp_path: Path) -> None:
    """A shared folder given as NZCLI_CACHE_DIR lost the user's other files."""
    folder.mkdir(mode=0o700)
    keep = {
        "notes.plan.json": b"my notes",
        "0123456789abcdef0123456789abcdef.plan.json": b"not a header\n",
        "photo.jpg": b"\xff\xd8",
        ".x.nzcli-tmp": b"not ours by name",
    }
    for name, content in keep.items():
        (folder / name).write_bytes(content)
        os.utime(folder / name, (1, 1))  # older than anything nzcli writes
    for i in range(cache.MAX_ENTRIES + 4):
        copy = tmp_path / f"plan-{i}.yaml"
        copy.write_bytes(mini.read_bytes())
        load_plan(copy)
    names = {p.name for p in folder.iterdir()}
    assert set(keep) <= names
    assert len([n for n in names if n not in keep]) == cache.MAX_ENTRIES


def test_an_entry_that_is_a_link_is_not_followed(mini: Path, folder: Path,
                                                 tmp_path: Path) -> None:
    load_plan(mini)
    entry = entry_of(mini)
    target = tmp_path / "elsewhere.json"
    target.write_bytes(entry.path.read_bytes())
    entry.path.unlink()
    entry.path.symlink_to(target)
    assert entry.load() is None


def test_a_killed_output_writes_temporaries_are_swept(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "progress.html"
    stale = tmp_path / ".progress.html.k1ll3d.nzcli-tmp"
    young = tmp_path / ".progress.html.wr1t1n.nzcli-tmp"
    other = tmp_path / ".other.html.k1ll3d.nzcli-tmp"
    for leftover in (stale, young, other):
        leftover.write_text("half a page", encoding="utf-8")
    old = time.time() - files.STALE_TEMP_AGE - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    result = run("report", "latest", "--output", str(page), "--quiet")
    assert result.exit_code == 0, result
    assert not stale.exists()  # a killed run's, old: swept
    assert young.exists()  # may be another run's, still writing
    assert other.exists()  # another file's
