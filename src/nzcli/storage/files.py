"""Files: reading bytes with clear errors and bounds, writing atomically, and locking.

`read_file` is the one way nzcli reads a file it is given (the data file, an import file,
`--text-file`): only a regular file, never more than a limit, and never a file that changed
while it was read. `atomic_write` is the one way nzcli replaces a file (a temporary file in the
same folder, fsync, rename; the old file's mode and owner kept; only ever a regular file, and
through a symbolic link to the file it names); `locked` is the one lock, taken through
`filelock` on `<real file>.lock`, a separate file that stays in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import stat
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from nzcli.errors import DataError, LockTimeout, MissingFile, UsageError, WriteError

#: Environment variable naming the data file (named in messages about a missing file).
DATA_ENV = "NZCLI_DATA"
#: Environment variable: seconds a write waits for another writer's lock.
LOCK_TIMEOUT_ENV = "NZCLI_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
#: Suffix of the temporary files `atomic_write` makes (and sweeps when a write was killed).
TEMP_SUFFIX = ".nzcli-tmp"

MiB = 2**20
#: Largest data file nzcli reads: twice a 100,000-action plan (66 MB), so that the largest
#: plans people keep (every UK council's, about 60,000 actions) fit with room to spare, while
#: a runaway file (or /dev/zero through a link) is refused before any of it is parsed. Parsing
#: costs about 8 bytes of memory per byte of file, so this also bounds a parse's memory.
MAX_DATA_BYTES = 128 * MiB
#: Largest spreadsheet `nzcli import` reads: a 100,000-row export is about 40 MB.
MAX_IMPORT_BYTES = 128 * MiB
#: Largest `--text-file`: one progress update's words (the longest in the shipped plan is
#: under 2 KB); a megabyte is a book chapter.
MAX_TEXT_BYTES = 1 * MiB
#: How often a file that changes while it is read is read again before nzcli gives up, and
#: the pause before each new try (seconds; doubled each time): an editor's save takes
#: milliseconds, so a few tries over about a second see the finished file.
READ_TRIES = 5
READ_PAUSE = 0.05
#: A temporary file of an interrupted write (a killed `report --output`) older than this is
#: swept by the next write to the same file (seconds). Younger ones may belong to a write that
#: is still going on; writes of the data file, under its lock, sweep them all.
STALE_TEMP_AGE = 15 * 60.0


@dataclass(frozen=True)
class FileState:
    """What a file was when nzcli read it: its identity, size, times and content hash."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int
    sha256: str

    @classmethod
    def of(cls, st: os.stat_result, raw: bytes, digest: bool = True) -> FileState:
        """`digest`: hash the content too (an edit's check before it writes; a read skips it)."""
        return cls(
            st.st_dev,
            st.st_ino,
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
            hashlib.sha256(raw).hexdigest() if digest else "",
        )

    def same_stat(self, st: os.stat_result) -> bool:
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) == (
            self.device,
            self.inode,
            self.size,
            self.mtime_ns,
            self.ctime_ns,
        )


class FileChanged(DataError):
    """The file changed while nzcli read it, or between reading it and writing it back."""


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a BOM is accepted), turning every failure into a DataError."""
    return decode_text(read_bytes(path), path)


def read_bytes(path: Path, limit: int = MAX_DATA_BYTES) -> bytes:
    """A file's bytes, turning every failure into a DataError (see `read_file`)."""
    return read_file(path, limit)[0]


def read_file(
    path: Path, limit: int = MAX_DATA_BYTES, *, digest: bool = False
) -> tuple[bytes, FileState]:
    """A regular file's bytes and its state, read whole and unchanged.

    Refused with a DataError, before reading anything: a missing or unreadable file, a
    folder, anything but a regular file (a FIFO, /dev/zero and other devices, a socket: they
    would hang or never end), a file larger than `limit` bytes. A file that changes while it
    is read (an editor saving it in place) is read again, a few times, and refused if it never
    holds still: nzcli never takes part of a file for the whole. `digest`: the state also
    holds the content's SHA-256 (for `atomic_write`'s `expect`)."""
    for attempt in range(READ_TRIES):
        if attempt:
            time.sleep(READ_PAUSE * 2 ** (attempt - 1))
        got = _read_once(Path(path), limit, digest)
        if got is not None:
            return got
    raise FileChanged(
        path,
        "the file kept changing while nzcli read it (another program is writing it); "
        "try again once it is saved",
    )


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse_special(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise DataError(path, "is a directory, not a data file")
    if not stat.S_ISREG(mode):
        raise DataError(path, f"is {_kind(mode)}, not a regular file; give a file")


def _too_large(path: Path, size: int, limit: int) -> DataError:
    return DataError(
        path,
        f"the file is too large ({size / MiB:,.1f} MiB; nzcli reads files of up to "
        f"{limit / MiB:,.0f} MiB)",
    )


def _open_to_read(path: Path) -> int:
    """A file descriptor reading `path`: never blocking (a FIFO put in the file's place
    cannot hang the read), binary, not inherited by child processes. The caller checks,
    with `os.fstat`, that what it opened is a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    return os.open(path, flags | getattr(os, "O_CLOEXEC", 0))


def _read_once(path: Path, limit: int, digest: bool) -> tuple[bytes, FileState] | None:
    """One read; None when the file changed while it was read."""
    try:
        before = os.stat(path)
        _refuse_special(path, before.st_mode)
        if before.st_size > limit:
            raise _too_large(path, before.st_size, limit)
        fd = _open_to_read(path)
        try:
            opened = os.fstat(fd)
            _refuse_special(path, opened.st_mode)  # swapped for something else since stat
            chunks: list[bytes] = []
            total = 0
            while total <= limit:
                # the whole file in one read where it can be (no copy to join the pieces)
                want = before.st_size + 1 if not chunks else 16 * MiB
                chunk = os.read(fd, min(want, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
            if total > limit:
                raise _too_large(path, total, limit)
            after = os.fstat(fd)
        finally:
            os.close(fd)
    except DataError:
        raise
    except FileNotFoundError:
        raise MissingFile(path, "no such file") from None
    except IsADirectoryError:
        raise DataError(path, "is a directory, not a data file") from None
    except PermissionError:
        raise DataError(path, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise DataError(path, f"cannot read the file: {exc.strerror or exc}") from None
    raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    same = (opened.st_dev, opened.st_ino) == (before.st_dev, before.st_ino)
    state = FileState.of(opened, raw, digest)
    if not same or not state.same_stat(after) or len(raw) != after.st_size:
        return None
    return raw, state


def read_input(path: Path, flag: str, limit: int) -> bytes:
    """An input file's bytes (an import spreadsheet, `--text-file`), as `read_file` reads
    them, with a UsageError naming the option when it cannot be read."""
    try:
        return read_file(path, limit)[0]
    except DataError as exc:
        detail = exc.detail
        if detail.startswith("no such file"):
            detail = "no such file"
        elif detail.startswith("is a directory"):
            detail = "is a directory, not a file"
        elif detail.startswith("cannot read the file: "):
            detail = "cannot read: " + detail[len("cannot read the file: ") :]
        raise UsageError(f"{flag}: {path}: {detail}") from None


def read_stream(stream: IO[bytes], name: str, flag: str, limit: int) -> bytes:
    """Standard input's bytes, at most `limit` of them (`< /dev/zero` is refused, not read
    for ever)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"{flag}: {name}: more than {limit / MiB:,.0f} MiB; give a smaller file")
    return data


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 text (a BOM is accepted); a DataError with the line and column if it is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            line,
            column,
        ) from None


def real_path(path: Path) -> Path:
    """The file a path names, through any symbolic links (the file itself when it is none):
    nzcli writes, and locks, the real file, so a link stays a link and writers through the
    link and through the file's own name take turns on one lock."""
    return Path(os.path.realpath(path))


def same_file(a: Path, b: Path) -> bool:
    """True when both paths name one existing file (the same device and inode)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def unchanged_since(path: Path, state: FileState) -> bool:
    """True when `path` still holds exactly what was read as `state` (stat, then content)."""
    try:
        st = os.stat(path)
        if not state.same_stat(st) or not stat.S_ISREG(st.st_mode):
            return False
        # Hashed a block at a time, not read whole: an edit holds the text before and after
        # and the new bytes when it gets here, and a large plan's bytes are 66 MB more.
        digest = hashlib.sha256()
        size = 0
        fd = _open_to_read(path)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False  # swapped for something else since the stat
            while block := os.read(fd, UNCHANGED_BLOCK):
                size += len(block)
                if size > state.size:
                    return False
                digest.update(block)
        finally:
            os.close(fd)
    except OSError:
        return False
    return size == state.size and digest.hexdigest() == state.sha256


#: How much of a file `unchanged_since` reads at a time.
UNCHANGED_BLOCK = 2**20


def _may_write(target: Path, st: os.stat_result) -> None:
    """Refuse to replace what nzcli must not: anything but a regular file, a file marked
    read-only, a file the running user may not write (its own permissions, not the folder's)."""
    if stat.S_ISDIR(st.st_mode):
        raise WriteError(f"{target}: is a directory; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(
            f"{target}: is {_kind(st.st_mode)}; nzcli replaces only regular files "
            "(it is unchanged); give a file name, or leave out --output to write to stdout"
        )
    if not st.st_mode & 0o222:
        # Renaming over it would succeed; a file marked read-only is meant to stay as it is
        # (root too, who may write anything).
        raise WriteError(
            f"{target}: the file is read-only; make it writable to change it (it is unchanged)"
        )
    effective = os.access in os.supports_effective_ids
    if not os.access(target, os.W_OK, effective_ids=effective):
        raise WriteError(
            f"{target}: permission denied: you may not write this file (it is unchanged)"
        )


def atomic_write(
    path: Path,
    data: bytes | tuple[bytes, ...],
    *,
    durable: bool = True,
    expect: FileState | None = None,
    new_mode: int | None = None,
) -> None:
    """Write `data` (bytes, or a tuple of bytes written one after another, not joined into a
    copy) to `path` completely or not at all, keeping an existing file's mode and
    owner; through a symbolic link, to the file it names.

    Refused (WriteError, nothing changed): a folder, a device, a FIFO or anything else not a
    regular file; a file marked read-only; a file the user may not write; a file whose owner
    cannot be kept. `expect`: the state the file was read in; if it no longer holds that
    (another program wrote it meanwhile), FileChanged and nothing is written. `new_mode`: the
    mode of a file that does not exist yet (else 0o666 less the umask). `durable`: fsync the
    file and its folder (a plan, a report); a cache entry, which can always be made again,
    skips that. Temporary files that an interrupted write to the same file left behind, older
    than `STALE_TEMP_AGE`, are removed."""
    target = real_path(Path(path))
    folder = target.parent
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from None
    if st is not None:
        _may_write(target, st)
        mode = st.st_mode & 0o7777
    elif new_mode is not None:
        mode = new_mode
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    remove_stale_temporaries(target, older_than=STALE_TEMP_AGE)
    tmp_name: str | None = None
    try:
        import tempfile

        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
        with os.fdopen(fd, "wb") as handle:
            for part in (data,) if isinstance(data, bytes) else data:
                handle.write(part)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if st is not None:
            _keep_owner(tmp_name, target, st)
        os.chmod(tmp_name, mode)
        if expect is not None and not unchanged_since(target, expect):
            raise FileChanged(
                target,
                "the file changed while nzcli was editing it (another program wrote it); "
                "nothing was written: run the command again",
            )
        os.replace(tmp_name, target)
        tmp_name = None
        if durable:
            _fsync_dir(folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise WriteError(f"{target}: cannot write: {reason}; the file is unchanged") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def write_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (name -> bytes) into `folder`, each atomically (`atomic_write`), in the
    order given (a data package's descriptor last). The folder is made if it is missing (its
    parent must exist); files already in it that are not among `files` are left alone."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise WriteError(f"{target}: is not a folder; give a folder for the files")
    try:
        target.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise WriteError(f"{target}: its parent folder does not exist") from None
    except OSError as exc:
        raise WriteError(f"{target}: cannot make the folder: {exc.strerror or exc}") from None
    for name, data in files.items():
        atomic_write(target / name, data)


def _keep_owner(tmp_name: str, target: Path, st: os.stat_result) -> None:
    """Give the new file the old one's owner and group (before its mode: chown clears set-id
    bits); refuse when that cannot be done, rather than hand the file to someone else."""
    if not hasattr(os, "chown"):  # pragma: no cover - Windows
        return
    mine = os.stat(tmp_name)
    if (mine.st_uid, mine.st_gid) == (st.st_uid, st.st_gid):
        return
    try:
        os.chown(tmp_name, st.st_uid, st.st_gid)
    except PermissionError:
        whose = "owner" if mine.st_uid != st.st_uid else "group"
        raise WriteError(
            f"{target}: cannot keep the file's {whose} (uid {st.st_uid}, gid {st.st_gid}): "
            "replacing it would hand it to you; ask its owner to make the change, or work on "
            "a copy (it is unchanged)"
        ) from None


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


#: The names `atomic_write` gives its temporaries (`tempfile.mkstemp`): `.NAME.`, a few letters.
_TEMP_TAIL = re.compile(r"[A-Za-z0-9_]{1,32}" + re.escape(TEMP_SUFFIX) + r"\Z")


def remove_stale_temporaries(target: Path, older_than: float = 0.0) -> None:
    """Delete temporary files an interrupted write to `target` left behind: every one (call
    under the target's lock), or only those older than `older_than` seconds. Only regular
    files of nzcli's own naming, owned by the running user, are touched."""
    head = f".{target.name}."
    cutoff = time.time() - older_than
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    with contextlib.suppress(OSError):
        names = os.listdir(target.parent)
        for name in names:
            if not name.startswith(head) or not _TEMP_TAIL.fullmatch(name, len(head)):
                continue
            stale = target.parent / name
            with contextlib.suppress(OSError):
                st = os.lstat(stale)
                if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid):
                    continue
                if not older_than or st.st_mtime < cutoff:
                    stale.unlink()


@contextlib.contextmanager
def locked(target: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on `<real file>.lock` (a separate file that stays in place)."""
    from filelock import FileLock, Timeout

    real = real_path(Path(target))
    lock_path = real.with_name(real.name + ".lock")
    lock = FileLock(str(lock_path), timeout=timeout, is_singleton=False)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(
            f"{target}: another nzcli process is still writing this file "
            f"(waited {timeout:g}s for {lock_path.name}); try again"
        ) from None
    except OSError as exc:
        raise WriteError(
            f"{lock_path}: cannot create the lock file: "
            f"{exc.strerror or exc}; the data file is unchanged"
        ) from None
    try:
        yield
    finally:
        lock.release()


def lock_timeout(env: Mapping[str, str]) -> float:
    """Seconds to wait for the data file's lock: $NZCLI_LOCK_TIMEOUT, else 10."""
    raw = env.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise UsageError(
            f"{LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds; use a number such as 30"
        )
    return value
