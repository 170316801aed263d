"""nzcli: query and report on a local authority's climate action plan.

The public Python API::

    import nzcli
    plan = nzcli.load_plan()            # --data / $NZCLI_DATA / the shipped plan
    plan.action("T17").updates["2023-12"].stages
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Action", "DataError", "NzcliError", "Plan", "__version__", "load_plan"]

if TYPE_CHECKING:
    from .errors import DataError, NzcliError
    from .model import Action, Plan
    from .store import load_plan


def __getattr__(name: str) -> Any:
    # Imported on first use, so `nzcli --help` does not pay for pydantic.
    if name == "load_plan":
        from .store import load_plan

        return load_plan
    if name in ("Plan", "Action"):
        from . import model

        return getattr(model, name)
    if name in ("DataError", "NzcliError"):
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'nzcli' has no attribute {name!r}")
