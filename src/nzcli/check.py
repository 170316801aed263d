"""Integrity and consistency checks over a data file: a list of problems, never printing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, NotFound
from .model import Plan, format_number
from .rules import expected_score
from .storage.validate import Problem, validate_document
from .storage.yaml_safe import Document, read_document


@dataclass
class CheckResult:
    path: str
    problems: list[Problem] = field(default_factory=list)
    actions: int = 0
    #: The file's action IDs, as written (when it could be read).
    ids: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def failed(self, strict: bool) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def summary(self) -> str:
        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return (
            f"{self.path}: {count(self.actions, 'action')}, "
            f"{count(len(self.errors), 'error')}, {count(len(self.warnings), 'warning')}"
        )

    def only(self, patterns: list[str]) -> CheckResult:
        """The problems of the actions whose IDs match `patterns` (`T17`, `T*`, any case, as
        `list --id` reads them), and the errors of the file as a whole. Raises NotFound when
        no action matches."""
        import fnmatch

        wanted = [p.strip().upper() for p in patterns]

        def chosen(action_id: str) -> bool:
            return any(fnmatch.fnmatchcase(action_id.upper(), p) for p in wanted)

        ids = [i for i in self.ids if chosen(i)]
        if not ids and self.ids:
            raise NotFound(
                f"--id: no action matches {', '.join(map(repr, patterns))}; "
                "run `nzcli list` to see all IDs"
            )
        kept = [
            p
            for p in self.problems
            if (chosen(p.action_id) if p.action_id else p.severity == "error")
        ]
        return CheckResult(self.path, kept, len(ids), ids)


def check_file(path: Path) -> CheckResult:
    """Every error (syntax, schema, references) and every consistency warning in a file."""
    result = CheckResult(path=str(path))
    try:
        doc = read_document(path)
        plan, problems = validate_document(doc)  # (may find that the text is not YAML)
    except DataError as exc:
        result.problems.append(
            Problem("error", exc.detail, exc.path or str(path), exc.line, exc.column, code="syntax")
        )
        return result
    result.problems.extend(problems)
    actions = doc.data.get("actions")
    result.actions = len(actions) if isinstance(actions, list) else 0
    if isinstance(actions, list):
        result.ids = [
            a["id"] for a in actions if isinstance(a, dict) and isinstance(a.get("id"), str)
        ]
    if plan is not None:
        result.problems.extend(consistency_warnings(plan, doc))
    result.problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.severity))
    return result


def consistency_warnings(plan: Plan, doc: Document) -> list[Problem]:
    """Warnings: scores that disagree with the rule (or are missing), and actions with no
    latest update. A score the action's `score_note` explains is accepted as the council's
    figure: no warning (`nzcli show ID` gives the note)."""
    out: list[Problem] = []
    latest = plan.latest_period

    def warn(index: int, key: str, action_id: str, message: str, code: str) -> None:
        line, column = doc.locate(("actions", index, key))
        out.append(Problem("warning", message, doc.path, line, column, action_id, code))

    for i, action in enumerate(plan.actions):
        # cross-cutting actions carry no score in the plan: nothing to compare
        accepted = bool(action.score_note and action.score_note.strip())
        if not accepted and (
            action.theme != "cross-cutting" or action.deliverability_score is not None
        ):
            expected = expected_score(action)
            actual = action.deliverability_score
            if actual is None:
                hint = f"; the rule gives {format_number(expected)}" if expected is not None else ""
                warn(i, "id", action.id, f"deliverability score is missing{hint}", "score-missing")
            elif expected is not None and abs(expected - actual) > 1e-9:
                warn(
                    i,
                    "deliverability_score",
                    action.id,
                    f"deliverability score {format_number(actual)} disagrees with the rule: "
                    f"timescale {action.timescale} x cost {action.cost} x carbon saving "
                    f"{action.carbon_saving} gives {format_number(expected)}",
                    "score-mismatch",
                )
        if latest.id not in action.updates:
            warn(
                i,
                "updates" if action.updates else "id",
                action.id,
                f"no update for the latest period, {latest.id} ({latest.name})",
                "no-update",
            )
    return out
