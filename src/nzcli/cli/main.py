"""The `nzcli` command: the quick path for ordinary command lines, typer for the rest."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .context import Context


def run(argv: Sequence[str], ctx: Context) -> int:
    """Run one command line in `ctx`; its exit code. The quick path (`nzcli.cli.fast`) takes
    ordinary command lines; typer (`nzcli.cli.app`) the rest."""
    from .fast import parse
    from .run import apply_globals, run_command

    parsed = parse(argv, ctx.env)
    if parsed is not None:
        apply_globals(ctx, parsed.globals)
        return run_command(ctx, parsed.command, parsed.values)
    from .app import run as run_typer

    return run_typer(argv, ctx)


def main() -> None:
    """Console-script entry point (`nzcli`, `python -m nzcli`).

    One short-lived process, so: no cyclic garbage collection (reference counting frees what
    a command makes; the collector would only scan a large plan's millions of objects again
    and again: a warm `list` of 100,000 actions spends 0.3 s after loading instead of 1.2 s),
    and, once the command is done and its output flushed, the process ends at once, without
    freeing the plan object by object or tearing the interpreter down (0.04 s of a warm `list`
    of the shipped plan, 0.24 s of one of 100,000 actions). nzcli registers no atexit
    handlers, and every file it writes is closed by then. See docs/performance.md.
    """
    import gc

    gc.disable()
    code = run(sys.argv[1:], Context.from_process())
    exit_now(code)
    raise SystemExit(code)


def exit_now(code: int) -> None:
    """`os._exit(code)` after flushing stdout and stderr; returns (for Python's own exit)
    when flushing fails, as on a closed pipe."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return
    os._exit(code)
