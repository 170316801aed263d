"""The report's key: every code its tables use, and what it means.

The project stages and RAG ratings are explained in the plan's own words (its key, as
printed, spellings included). The plan's update does not explain its other codes (the
timescale, cost and carbon letters, the objective numbers, the deliverability score); their
meanings here are read from the plan's column headings, its update texts ("medium term
timeframes", "classified as medium") and its scores (docs/deliverability.md), and are marked
as nzcli's reading, not the council's words.
"""

from __future__ import annotations

from typing import Any

from nzcli.render import RAG, STAGE, Block, Column, Grid, Heading

AS_WORDED = "As worded in the plan"
READING = "nzcli's reading of the plan"

#: (column, code, meaning) for the codes the plan does not explain itself.
CODES: list[tuple[str, str, str]] = [
    (
        "Objective",
        "1, 2, …",
        "The numbers of the plan objectives the action serves; All: every objective of its "
        "theme. The objectives are set out in the Net Zero Action Plan, not in this update.",
    ),
    ("Timescale", "S, M, L", "Short, medium or long term; a range such as S/M spans both."),
    ("Cost", "L, M, H", "Low, medium or high cost to Leicestershire; M/H spans both."),
    ("Carbon saving", "L, M, H", "Low, medium or high carbon saving; M/H spans both."),
    (
        "Deliverability",
        "1 to 27",
        "The plan's deliverability score: higher is sooner, cheaper and a bigger saving. The "
        "printed scores follow timescale × cost × carbon saving, each scoring 3, 2 or 1 "
        "(S, low cost, high saving score 3; a range scores the mean of its members).",
    ),
    (
        "Stage",
        "Scheme: stage",
        "An action made of several schemes gives each scheme's stage; it counts as Mixed in "
        "the summary when they differ.",
    ),
    ("RAG", "Not rated", "An update was given for the period without a RAG rating."),
    ("RAG", "No update", "No update was given for the period; it is not a rating."),
]


def key_blocks(keys: dict[str, dict[str, Any]], level: int = 2) -> list[Block]:
    """The key: the plan's stage and RAG wording (each value shown as the tables show it),
    then the other codes."""
    blocks: list[Block] = [Heading("Key", level, anchor="key")]
    for kind, name, column_kind in (("stage", "Project stage", STAGE), ("rag", "RAG rating", RAG)):
        worded = [{"value": k, "meaning": v} for k, v in keys.get(kind, {}).items() if v]
        if worded:
            blocks.append(
                Grid(
                    [Column("value", name, column_kind), Column("meaning", AS_WORDED)],
                    worded,
                    title=f"{name}: the plan's key",
                )
            )
    blocks.append(
        Grid(
            [Column("kind", "Column"), Column("value", "Code"), Column("meaning", "Meaning")],
            [{"kind": c, "value": v, "meaning": m} for c, v, m in CODES],
            title=f"The other codes in the tables ({READING})",
        )
    )
    return blocks
