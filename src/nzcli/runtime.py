"""What every command shares, without typer: global options, output, and the one place an
error becomes a message and an exit code.

Both ways into nzcli use it: the typer app (`nzcli.cli`, for everything) and the quick
entry point (`nzcli.entry`, for the common read commands). Keeping one implementation here
is what makes their messages and exit codes the same.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import ExitCode, NzcliError, OptionError


class State:
    """Global options, set before a command runs and read by every command."""

    data: Path | None = None
    debug: bool = False
    color: str = "auto"


STATE = State()

COLOR_CHOICES = ("auto", "always", "never")


def set_color(value: str | None) -> None:
    if value is None:
        return
    if value not in COLOR_CHOICES:
        raise OptionError("use auto, always or never", "--color")
    STATE.color = value


def data_path(local: Path | None) -> Path | None:
    """`--data` after the command wins over `--data` before it."""
    return local if local is not None else STATE.data


#: Plans loaded by this process, kept to its end when a `main` runs it (see `nzcli.cli.main`).
_KEPT: list[Any] | None = None


def keep_plans() -> None:
    """Keep every plan loaded from now on alive until the process ends (`os._exit`)."""
    global _KEPT
    _KEPT = []


def load(local: Path | None) -> Any:
    from .store import load_plan

    plan = load_plan(data_path(local))
    if _KEPT is not None:
        _KEPT.append(plan)
    return plan


def write_output(text: str, output: Path | None, *, bom: bool = False) -> None:
    """Write machine output as UTF-8 bytes: to `output` atomically, else to stdout."""
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    if output is not None:
        from .store import atomic_write

        atomic_write(output, data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def use_color(output: Path | None) -> bool:
    if output is not None or STATE.color == "never":
        return False
    if STATE.color == "always":
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def table_width(output: Path | None) -> int:
    if output is None and sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((80, 24)).columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) >= 40 else 80


def emit(doc: Any, fmt: str, output: Path | None, excel: bool = False) -> None:
    """Render a command's Document in the chosen format and write it."""
    from .render import render

    if excel and fmt != "csv":
        raise OptionError("--excel goes with --format csv", "--excel")
    text = render(doc, fmt, color=use_color(output), width=table_width(output), excel=excel)
    write_output(text, output, bom=excel and fmt == "csv")


def choose_format(
    fmt: str | None, output: Path | None, allowed: tuple[str, ...] = ("table", "md", "csv", "json")
) -> str:
    from .render import pick_format

    return pick_format(fmt, str(output) if output else None, allowed)


def say(message: str) -> None:
    sys.stderr.write(message + "\n")


def fail(message: str, code: ExitCode = ExitCode.ERROR) -> int:
    """Print `nzcli: error: message` on stderr; the exit code to end with."""
    sys.stderr.write(f"nzcli: error: {message}\n")
    return int(code)


def guard(call: Callable[[], object], passthrough: tuple[type[BaseException], ...] = ()) -> int:
    """Run a command; turn what goes wrong into one line on stderr and an exit code.

    0 when the command returns. A traceback (the exception raised on) with --debug, except
    for a usage error. `passthrough` exceptions (typer's own Exit and Abort) go on up."""
    try:
        call()
    except passthrough:
        raise
    except OptionError as exc:
        # a combination of options checked inside a command: a usage error, one line
        hint = f"{exc.hint}: " if exc.hint is not None else ""
        return fail(f"{hint}{exc.message}")
    except NzcliError as exc:
        if STATE.debug:
            raise
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("nzcli: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`nzcli list | head`): not an error worth a message.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except Exception as exc:
        if STATE.debug:
            raise
        return fail(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)"
        )
    return 0


def exit_now(code: object) -> None:
    """`os._exit(code)` after flushing stdout and stderr; returns (for Python's own exit,
    messages and all) when the code is a message or flushing fails, as on a closed pipe."""
    if code is not None and not isinstance(code, int):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return
    os._exit(code or 0)
