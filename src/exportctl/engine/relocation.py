"""How the order of review reads a USML paragraph a reform moved to the CCL.

A reform may relocate a USML paragraph to an ECCN paragraph (:class:`RelocateUSML
<exportctl.corpus.reforms.RelocateUSML>`, DIB recommendation C.2).  After it, the paragraph no
longer describes anything on the USML, and what it described is described in the ECCN paragraph
instead.  The paragraph's text stays in the law, so an item whose candidates name it is no input
error, and the engine reads it in three steps (fail closed throughout):

1. **USML** (22 CFR 120.11): the moved candidate is reviewed exactly as before — enumerated, or
   "specially designed" with its catch and release questions — but it never classifies the item
   on the USML: the trace records the move (``reform <name>: USML … moved to ECCN …``).  The
   other candidates decide jurisdiction as before; only when none of them describes the item,
   and none is still open, does the review go on to the EAR.
2. **Subject to the EAR** (15 CFR 734.3): an answer "excluded by § 734.3(b)" is not applied to
   an item the move brings to the CCL — it may rest on § 734.3(b)(1) (items subject to the
   ITAR), which the move ends — so the item is read as subject to the EAR, with a warning; a
   missing answer is still asked.
3. **CCL** (Supp. No. 4 to part 774): the target ECCN paragraph joins the candidates in its tier
   of the order of review with the status the USML review gave: *described* when the moved
   paragraph described the item, *open* with the same questions when that was open.  So an
   item the moved paragraph describes is classified in the target (or in a paragraph that comes
   before it in the order of review) and never reaches EAR99 or "not described"; while the
   other ECCN candidates are unknown, the classification waits for them (the jurisdiction is
   decided: EAR).

A commodity jurisdiction determination that names a moved paragraph still decides (22 CFR
120.4): it was made under the law before the reform, so the decision warns that a new
determination would be needed.

These functions are the whole of the engine's reading; :mod:`exportctl.engine.classify` calls
them at the three places above.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, Protocol

import attrs

from exportctl.core.facts import FactError
from exportctl.corpus.ccl import ECCN
from exportctl.corpus.law import Law, Relocation
from exportctl.corpus.references import ECCNRef, parse_eccn
from exportctl.corpus.usml import UnknownReference, USMLParagraph

__all__ = [
    "Moved",
    "candidate_status",
    "moved_note",
    "moved_targets",
    "relocated_cj",
    "split_relocated",
    "subject_answer",
]

Status = Literal["described", "not_described", "unknown"]


class _Run(Protocol):
    regs: Law
    warnings: list[str]
    tracing: bool

    def step(
        self,
        rule: str,
        outcome: str,
        facts: dict[str, Any] | None = ...,
        detail: str = ...,
    ) -> None: ...

    def fire(self, rule: str) -> None: ...


@attrs.frozen
class Moved:
    """A candidate USML paragraph a reform moved, and what its review found."""

    paragraph: USMLParagraph
    relocation: Relocation
    status: Status

    @property
    def target(self) -> ECCNRef:
        return parse_eccn(self.relocation.eccn)


def split_relocated(
    run: _Run, paragraphs: list[USMLParagraph], status: Mapping[str, Status]
) -> tuple[list[USMLParagraph], list[Moved]]:
    """The candidates still on the USML, and the moved ones (each with its review's status,
    recorded in the trace).  Step 1 of the module docstring."""
    law = run.regs
    if not law.relocations:
        return paragraphs, []
    kept: list[USMLParagraph] = []
    moved: list[Moved] = []
    for p in paragraphs:
        relocation = law.relocated(p.ref)
        if relocation is None:
            kept.append(p)
            continue
        found = status[p.designation]
        moved.append(Moved(p, relocation, found))
        reading = {
            "described": f"it describes the item, which is so described in {relocation.eccn}",
            "not_described": "it does not describe the item",
            "unknown": f"whether it describes the item (and so {relocation.eccn}) is open",
        }[found]
        if run.tracing:
            run.step(
                relocation.rule,
                "moved to the CCL",
                {"usml_candidate": p.designation, "eccn": relocation.eccn},
                f"USML {p.designation} is off the USML (reform {relocation.reform}); {reading}",
            )
        if found == "described":
            run.fire(relocation.rule)
    return kept, moved


def moved_note(moved: Iterable[Moved]) -> str:
    """What a "not described on the USML" step adds when candidates were moved off it."""
    names = [f"{m.paragraph.designation} to {m.relocation.eccn}" for m in moved]
    return f" still on the USML (moved by the reform: {', '.join(names)})" if names else ""


#: :func:`subject_answer` when the answer depends on a moved paragraph's open description.
OPEN_BY_MOVE = "open by a moved paragraph"


def subject_answer(run: _Run, moved: Iterable[Moved], excluded: Any, rule: str) -> Any:
    """The answer to "excluded by § 734.3(b)" as the EAR review reads it for an item a moved
    paragraph may bring to the CCL (step 2): "yes" is not applied (it may rest on § 734.3(b)(1),
    which the move ends); anything else as given."""
    relevant = [m for m in moved if m.status != "not_described"]
    if excluded is not True or not relevant:
        return excluded
    names = ", ".join(m.paragraph.designation for m in relevant)
    if not any(m.status == "described" for m in relevant):
        # Only open whether a moved paragraph describes the item: if it does not, the "yes"
        # stands (not subject to the EAR); if it does, the item is subject to the EAR.  Fail
        # closed: open until the questions on the moved paragraph are answered (already asked).
        if run.tracing:
            run.step(
                rule,
                "unknown",
                {"excluded_by_734_3_b": True, "moved": names},
                f"'excluded by § 734.3(b)' was answered yes; it stands unless the item is "
                f"described in {names}, which the reform moved to the CCL, and that is open",
            )
        return OPEN_BY_MOVE
    detail = (
        f"'excluded by § 734.3(b)' was answered yes, but the item is described (or may be) in "
        f"{names}, which the reform moved to the CCL: the answer may rest on § 734.3(b)(1) (items "
        "subject to the ITAR), which no longer holds; the item is read as subject to the EAR"
    )
    if run.tracing:
        run.step(rule, "not applied", {"excluded_by_734_3_b": True, "moved": names}, detail)
    run.warnings.append(f"{detail} [{rule}]")
    return False


def moved_targets(run: _Run, moved: Iterable[Moved]) -> dict[ECCNRef, tuple[ECCN, Status]]:
    """The target ECCN paragraphs of the moved candidates that describe the item or may
    (step 3), with the entry and that status; a target two candidates share is described if
    either describes the item."""
    out: dict[ECCNRef, tuple[ECCN, Status]] = {}
    for m in moved:
        if m.status == "not_described":
            continue
        ref = m.target
        before = out.get(ref)
        status: Status = m.status
        if before is not None and before[1] == "described":
            status = "described"
        try:
            entry = run.regs.ccl.get(ref)
        except UnknownReference:
            # the reform was checked against another edition of the CCL: say so on the row
            raise FactError(
                "usml_candidates",
                f"{m.relocation.rule} (reform checked against another edition), but ECCN "
                f"{ref.eccn} is not in the CCL in force on {run.regs.as_of}",
            ) from None
        out[ref] = (entry, status)
    return out


def candidate_status(
    ref: ECCNRef,
    targets: Mapping[ECCNRef, tuple[ECCN, Status]],
    review: Callable[[], Status],
    listed: bool,
) -> Status:
    """The status of an ECCN candidate (step 3): a target of a move is described when the moved
    paragraph described the item; when that is open, it is open unless the item listed the
    paragraph itself and its own review (``review``) finds it described.  Any other candidate:
    its own review."""
    target = targets.get(ref)
    if target is None:
        return review()
    if target[1] == "described":
        return "described"
    if listed and review() == "described":
        return "described"
    return "unknown"


def relocated_cj(run: _Run, paragraph: USMLParagraph) -> None:
    """A CJ determination naming a moved paragraph still decides (22 CFR 120.4); say that it
    predates the reform."""
    relocation = run.regs.relocated(paragraph.ref)
    if relocation is None:
        return
    run.warnings.append(
        f"the commodity jurisdiction determination names USML {paragraph.designation}, which "
        f"{relocation.rule.removeprefix('reform ')}: the determination predates the reform and "
        "still decides here; under the reform a new determination would be needed"
    )
