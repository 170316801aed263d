"""Hardening of reading and writing (issue 12): inputs that crashed, hung, or destroyed data.

Each test is a case that failed before: a class of the issue, tried at its root."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, Run
from nzcli.errors import DataError
from nzcli.storage import files
from nzcli.store import load_plan

NZCLI = [sys.executable, "-m", "nzcli"]


def nzcli(*args: str, timeout: float = 60, env: dict[str, str] | None = None,
          stdin: bytes | None = None) -> tuple[int, str, float, int]:
    """Run nzcli as a process: exit code, stderr, seconds, peak memory (KiB) of the child."""
    measure = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, stdin=subprocess.DEVNULL"
        " if not sys.stdin or sys.stdin.isatty() else sys.stdin)\n"
        "sys.stdout.write(f'{done.returncode} {time.perf_counter() - t:.3f} '"
        " f'{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n')\n"
        "sys.stdout.write(done.stderr.decode('utf-8', 'replace'))\n"
    )
    done = subprocess.run([sys.executable, "-c", measure, *NZCLI, *args], capture_output=True,
                          timeout=timeout, env=env, input=stdin)
    head, _, stderr = done.stdout.decode().partition("\n")
    code, seconds, kib = head.split()
    return int(code), stderr, float(seconds), int(kib)


def one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1 and stderr.startswith("nzcli: error: "), stderr
    assert "Traceback" not in stderr
    return stderr


# ---------------------------------------------------------------------------------------------
# 1. Crashes and unbounded work


@pytest.mark.parametrize(
    "content, message",
    [
        (b"a: " + b"[" * 30_000 + b"]" * 30_000 + b"\n",
         ":1:67: the YAML is nested too deeply (more than 64 levels)"),
        (b"a: " + b"{a: " * 20_000 + b"1" + b"}" * 20_000 + b"\n",
         ":1:253: the YAML is nested too deeply (more than 64 levels)"),
        (b"a:\n" + b"- " * 20_000 + b"x\n", ":2:127: the YAML is nested too deeply"),
        (b"a: [" + b'"]", [' * 20_000 + b"]\n", "the YAML is nested too deeply"),
    ],
    ids=["brackets", "braces", "block", "hidden-closers"],
)
def test_deep_nesting_is_refused_before_composing(tmp_path: Path, content: bytes,
                                                  message: str) -> None:
    """60 KB of nested brackets crashed every command (the C composer recursed first)."""
    path = tmp_path / "deep.yaml"
    path.write_bytes(content)
    code, stderr, _seconds, kib = nzcli("--data", str(path), "list")
    assert code == 2, stderr
    assert message in one_line(stderr)
    assert kib < 200 * 1024


def test_many_small_nodes_are_bounded(tmp_path: Path) -> None:
    """10 MB of tiny nodes took 2 GB before it was refused."""
    path = tmp_path / "many.yaml"
    path.write_bytes(b"a: [" + b"1," * 5_000_000 + b"1]\n")
    code, stderr, _seconds, kib = nzcli("--data", str(path), "list", timeout=300)
    assert code == 2
    assert "plan: required key is missing" in one_line(stderr)
    assert kib < 1024 * 1024, f"{kib} KiB"


def test_a_file_of_too_many_nodes_is_refused_from_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nzcli.storage import yaml_safe

    monkeypatch.setattr(yaml_safe, "MAX_NODES", 500)
    parsed: list[str] = []
    monkeypatch.setattr(yaml_safe, "_optimistic", lambda *a: parsed.append("x"))
    monkeypatch.setattr(yaml_safe, "_positioned", lambda *a: parsed.append("x"))
    with pytest.raises(DataError, match="it could hold 504 YAML nodes by its separators, "
                       "and nzcli reads at most 500"):
        yaml_safe.parse_yaml("a: [" + "1," * 250 + "1]\n", "p.yaml")
    assert parsed == []


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path: Path, run: Run) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(files.MAX_DATA_BYTES + 1)  # sparse: costs no disk
    result = run("list", "--data", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"nzcli: error: {path}: the file is too large (128.0 MiB; nzcli reads files of up to "
        "128 MiB)\n"
    )


@pytest.mark.parametrize("where", ["--data", "import", "--text-file"])
def test_dev_zero_is_refused(run: Run, mini: Path, where: str) -> None:
    args = {
        "--data": ["list", "--data", "/dev/zero"],
        "import": ["import", "/dev/zero", "--period", "latest", "--data", str(mini)],
        "--text-file": ["update", "T1", "--period", "latest", "--text-file", "/dev/zero",
                        "--data", str(mini)],
    }[where]
    before = mini.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert "/dev/zero: is a device, not a regular file" in one_line(result.stderr)
    assert mini.read_bytes() == before


@pytest.mark.parametrize("where", ["--data", "import", "--text-file", "cache entry"])
def test_a_fifo_never_hangs(tmp_path: Path, mini: Path, where: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    env = dict(os.environ)
    args = {
        "--data": ["--data", str(fifo), "list"],
        "import": ["--data", str(mini), "import", str(fifo), "--period", "latest"],
        "--text-file": ["--data", str(mini), "update", "T1", "--period", "latest",
                        "--text-file", str(fifo)],
        "cache entry": ["--data", str(mini), "list"],
    }[where]
    if where == "cache entry":
        from nzcli.storage import cache

        folder = tmp_path / "cache"
        folder.mkdir(mode=0o700)
        env["NZCLI_CACHE_DIR"] = str(folder)
        entry = cache.entry_for(files.real_path(mini), mini.read_bytes(), env)
        assert entry is not None
        os.mkfifo(entry.path)
    code, stderr, seconds, _kib = nzcli(*args, timeout=30, env=env)
    if where == "cache entry":
        assert code == 0, stderr  # the entry is ignored; the file is parsed
    else:
        assert code == 2
        assert "pipe: is a FIFO (named pipe), not a regular file" in one_line(stderr)
    assert seconds < 20


def test_stdin_is_read_with_a_bound(run: Run, mini: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_IMPORT_BYTES", 100)
    result = run("import", "-", "--period", "latest", "--data", str(mini),
                 input="id,rag\n" + "T1,red\n" * 50)
    assert result.exit_code == 2
    assert one_line(result.stderr) == "nzcli: error: import: <stdin>: more than 0 MiB; give a " \
        "smaller file\n"


def test_a_long_value_is_refused_and_not_echoed(run: Run, tmp_path: Path) -> None:
    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    path = tmp_path / "long.yaml"
    path.write_text(text.replace("rag: green", "rag: " + "x" * 5_000_000, 1), encoding="utf-8")
    result = run("check", "--data", str(path))
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if "error:" in line]
    assert len(errors) == 1 and len(errors[0]) < 400, errors
    assert "(5,000,000 characters)" in errors[0]


# ---------------------------------------------------------------------------------------------
# 2. Writes that destroy


def test_output_that_is_the_data_file_is_refused(run: Run, mini: Path, tmp_path: Path) -> None:
    before = mini.read_bytes()
    link = tmp_path / "link.md"
    link.symlink_to(mini)
    for target in (mini, link):
        result = run("report", "latest", "--format", "md", "--output", str(target),
                     "--data", str(mini))
        assert result.exit_code == 2
        assert one_line(result.stderr) == (
            f"nzcli: error: --output {target} is the data file ({mini}); the output would "
            "replace the plan: give another file name\n"
        )
    assert mini.read_bytes() == before
    assert link.is_symlink()


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_output_to_a_special_file_is_refused(run: Run, tmp_path: Path, kind: str) -> None:
    if kind == "device":
        target = Path("/dev/null")
    else:
        target = tmp_path / "pipe.md"
        os.mkfifo(target)
    result = run("report", "latest", "--format", "md", "--output", str(target))
    assert result.exit_code == 2
    what = "a device" if kind == "device" else "a FIFO (named pipe)"
    assert one_line(result.stderr) == (
        f"nzcli: error: {target}: is {what}; nzcli replaces only regular files (it is "
        "unchanged); give a file name, or leave out --output to write to stdout\n"
    )
    mode = os.stat(target).st_mode
    assert stat.S_ISCHR(mode) if kind == "device" else stat.S_ISFIFO(mode)


def test_output_through_a_link_writes_the_file_it_names(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "real.md"
    page.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(page)
    result = run("report", "latest", "--format", "md", "--output", str(link), "--quiet")
    assert result.exit_code == 0, result
    assert link.is_symlink() and link.resolve() == page
    assert page.read_text(encoding="utf-8").startswith("#")


def test_data_through_a_link_edits_and_locks_the_real_file(run: Run, mini: Path,
                                                           tmp_path: Path) -> None:
    link = tmp_path / "plan-link.yaml"
    link.symlink_to(mini)
    result = run("update", "T1", "--period", "latest", "--reopen", "--rag", "red",
                 "--data", str(link))
    assert result.exit_code == 0, result
    assert link.is_symlink()
    assert load_plan(mini).action("T1").updates["2024-06"].rag.value == "red"  # type: ignore[union-attr]
    assert (mini.parent / "mini.yaml.lock").exists()
    assert not (tmp_path / "plan-link.yaml.lock").exists() or mini.parent == tmp_path


@pytest.mark.slow
def test_writers_through_a_link_and_the_real_path_lose_nothing(mini: Path,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    link = folder / "plan.yaml"
    link.symlink_to(mini)
    env = dict(os.environ, NZCLI_LOCK_TIMEOUT="300")
    words = [f"w{i:02d}" for i in range(16)]
    procs = [
        subprocess.Popen([*NZCLI, "--data", str(link if i % 2 else mini), "update", "T1",
                          "--period", "2024-06", "--reopen", "--append-text", word], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for i, word in enumerate(words)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    text = load_plan(mini).action("T1").updates["2024-06"].text or ""  # type: ignore[union-attr]
    assert sorted(text.split()[-16:]) == words
    assert link.is_symlink()


def test_a_file_the_user_may_not_write_is_refused(run: Run, mini: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder is writable, the file is not (for this user): the file is left alone."""
    real_access = os.access
    seen: list[bool] = []

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if str(path) == str(mini) and mode == os.W_OK:
            seen.append(bool(kwargs.get("effective_ids")))
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    before = mini.read_bytes()
    result = run("update", "T1", "--period", "latest", "--reopen", "--rag", "red",
                 "--data", str(mini))
    assert result.exit_code == 2
    assert one_line(result.stderr) == (
        f"nzcli: error: {mini}: permission denied: you may not write this file (it is "
        "unchanged)\n"
    )
    assert mini.read_bytes() == before
    assert seen == [os.access in os.supports_effective_ids]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_owner_group_and_mode_are_kept(run: Run, mini: Path) -> None:
    os.chown(mini, 12345, 54321)
    mini.chmod(0o640)
    result = run("update", "T1", "--period", "latest", "--reopen", "--rag", "red",
                 "--data", str(mini))
    assert result.exit_code == 0, result
    st = os.stat(mini)
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (12345, 54321, 0o640)


def test_an_owner_that_cannot_be_kept_is_refused(run: Run, mini: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real_stat = os.stat

    class Foreign:
        def __init__(self, st: os.stat_result) -> None:
            self._st = st

        def __getattr__(self, name: str) -> object:
            return 4242 if name == "st_uid" else getattr(self._st, name)

    def foreign_stat(path: object, *args: object, **kwargs: object) -> object:
        st = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        return Foreign(st) if str(path) == str(mini) else st

    def no_chown(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    before = mini.read_bytes()
    monkeypatch.setattr(files.os, "stat", foreign_stat)
    monkeypatch.setattr(files.os, "chown", no_chown)
    result = run("update", "T1", "--period", "latest", "--reopen", "--rag", "red",
                 "--data", str(mini))
    monkeypatch.undo()
    assert result.exit_code == 2
    assert "cannot keep the file's owner (uid 4242" in one_line(result.stderr)
    assert mini.read_bytes() == before
