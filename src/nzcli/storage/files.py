"""Files: reading bytes with clear errors, writing atomically, and locking.

`atomic_write` is the one way nzcli replaces a file (a temporary file in the same folder,
fsync, rename, the old file's mode kept); `locked` is the one lock, taken through `filelock`
on `<file>.lock`, a separate file that stays in place.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from nzcli.errors import DataError, LockTimeout, MissingFile, UsageError, WriteError

#: Environment variable naming the data file (named in messages about a missing file).
DATA_ENV = "NZCLI_DATA"
#: Environment variable: seconds a write waits for another writer's lock.
LOCK_TIMEOUT_ENV = "NZCLI_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
#: Suffix of the temporary files `atomic_write` makes (and sweeps when a write was killed).
TEMP_SUFFIX = ".nzcli-tmp"


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a BOM is accepted), turning every failure into a DataError."""
    return decode_text(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """A file's bytes, turning every failure into a DataError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise MissingFile(path, "no such file") from None
    except IsADirectoryError:
        raise DataError(path, "is a directory, not a data file") from None
    except PermissionError:
        raise DataError(path, "cannot read the file: permission denied") from None
    except OSError as exc:
        if path.is_dir():
            raise DataError(path, "is a directory, not a data file") from None
        raise DataError(path, f"cannot read the file: {exc.strerror or exc}") from None


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


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` completely or not at all, keeping an existing file's mode.

    `durable`: fsync the file and its folder before and after the rename (a plan, a report);
    a cache entry, which can always be made again, skips that."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from None
    if target.is_dir():
        raise WriteError(f"{target}: is a directory; give a file name")
    if target.exists() and not mode & 0o222:
        # Renaming over it would succeed; a file marked read-only is meant to stay as it is.
        raise WriteError(
            f"{target}: the file is read-only; make it writable to change it (it is unchanged)"
        )
    tmp_name: str | None = None
    try:
        import tempfile

        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
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


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temporaries(target: Path, older_than: float = 0.0) -> None:
    """Delete temporary files an interrupted write to `target` left behind: every one (call
    under the target's lock), or only those older than `older_than` seconds."""
    import glob
    import time

    cutoff = time.time() - older_than
    pattern = glob.escape(f".{target.name}.") + "*" + glob.escape(TEMP_SUFFIX)
    for stale in target.parent.glob(pattern):
        with contextlib.suppress(OSError):
            if not older_than or stale.stat().st_mtime < cutoff:
                stale.unlink()


@contextlib.contextmanager
def locked(target: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on `<target>.lock` (a separate file that stays in place)."""
    from filelock import FileLock, Timeout

    lock_path = target.with_name(target.name + ".lock")
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
