"""After an edit, the spans move in one pass (`Spans.shifted`): the same spans as moving them
slot by slot, from the last slot to the first, as an edit of 2,000 actions once did (2,000
passes over 100,000 spans)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nzcli.storage.spans import Spans

Lengths = dict[tuple[str] | tuple[str, int], int]


def one_by_one(spans: Spans, lengths: Lengths) -> Spans:
    """The reference: each slot's change applied alone, the last slot in the text first."""

    def span(slot: tuple[str] | tuple[str, int]) -> tuple[int, int]:
        return spans.actions[slot[1]] if len(slot) == 2 else spans.keys[slot[0]]

    out = spans
    for slot in sorted(lengths, key=lambda s: span(s)[0], reverse=True):
        start, stop = span(slot)
        delta = lengths[slot] - (stop - start)

        def move(pair: tuple[int, int], stop: int = stop, delta: int = delta) -> tuple[int, int]:
            a, b = pair
            if a >= stop:
                return a + delta, b + delta
            if b >= stop:
                return a, b + delta
            return a, b

        out = Spans({k: move(v) for k, v in out.keys.items()}, [move(v) for v in out.actions])
    return out


@st.composite
def plans(draw: st.DrawFn) -> tuple[Spans, Lengths]:
    """A file's spans as `scan_spans` makes them: top-level keys one after another, the
    actions inside `actions`; and new lengths for some slots that do not overlap."""
    sizes = draw(st.lists(st.integers(1, 30), min_size=1, max_size=12))
    head = draw(st.integers(1, 40))
    at = head
    actions = []
    for size in sizes:
        actions.append((at, at + size))
        at += size + draw(st.integers(0, 3))  # (blank lines between)
    keys = {"plan": (0, head - 1 if head > 1 else head), "actions": (head - 1, at)}
    keys["themes"] = (at + 1, at + 20)
    spans = Spans(keys, actions)
    chosen = draw(st.sets(st.integers(0, len(actions) - 1), max_size=len(actions)))
    lengths: Lengths = {
        ("actions", i): draw(st.integers(0, 60)) for i in chosen
    }
    if draw(st.booleans()):
        lengths[("themes",)] = draw(st.integers(0, 60))
    return spans, lengths


@settings(max_examples=1000)
@given(plans())
def test_one_pass_moves_the_spans_as_slot_by_slot(case: tuple[Spans, Lengths]) -> None:
    spans, lengths = case
    assert spans.shifted(lengths) == one_by_one(spans, lengths)


def test_an_edit_moves_what_follows_and_grows_what_holds_it() -> None:
    spans = Spans({"plan": (0, 10), "actions": (10, 60)}, [(12, 30), (30, 45), (45, 60)])
    moved = spans.shifted({("actions", 1): 25})  # 15 characters become 25
    assert moved == Spans({"plan": (0, 10), "actions": (10, 70)}, [(12, 30), (30, 55), (55, 70)])
