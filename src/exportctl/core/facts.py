"""One fact registry shared by items, transfers and agreements, and the errors about facts.

A :class:`Question` is a fact the rules may need: its id, the words a person is asked, the
paragraph that makes it matter, and its type.  The law gathers the questions of every part
(the classification rule set, the supplements to part 126, each exemption, each agreement rule)
into one :class:`FactRegistry`; a fact id means the same thing wherever it is asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = ["ContradictoryFacts", "FactError", "FactRegistry", "Question"]


class FactError(ValueError):
    """Bad input: names the field and says what would be accepted."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class ContradictoryFacts(ValueError):
    """Facts that cannot all be true: names them and the paragraph that makes them conflict."""

    def __init__(self, conflict: str, citation: str, facts: dict[str, Any], message: str) -> None:
        named = ", ".join(f"{k}={v}" for k, v in facts.items())
        super().__init__(f"contradictory facts ({named}): {message} [{citation}]")
        self.conflict = conflict
        self.citation = citation
        self.facts = facts
        self.reason = message


@attrs.frozen
class Question:
    """Something a rule may need to know, with the words a person is asked and the citation."""

    id: str
    text: str
    citation: str
    type: str
    values: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class FactRegistry:
    """Every fact the law's rules may read, by id."""

    questions: Mapping[str, Question] = attrs.field(factory=dict)

    def __contains__(self, fact: object) -> bool:
        return fact in self.questions

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, fact: str) -> Question | None:
        return self.questions.get(fact)

    def question(self, fact: str) -> Question:
        """The question for ``fact``; a fact the registry does not know is asked by its id."""
        found = self.questions.get(fact)
        return found if found is not None else Question(fact, fact, "", "structural")

    def merged(self, more: Iterable[Question]) -> FactRegistry:
        """The registry with more questions; the same id asked two ways is an error."""
        out = dict(self.questions)
        for q in more:
            known = out.get(q.id)
            if known is not None and (known.type, known.values) != (q.type, q.values):
                raise ValueError(
                    f"fact {q.id!r} is defined twice with different types: "
                    f"{known.type} ({known.citation}) and {q.type} ({q.citation})"
                )
            out.setdefault(q.id, q)
        return FactRegistry(out)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Mapping[str, Any]], citation: str = "") -> FactRegistry:
        """From the data's ``{"fact": {"question": …, "citation": …, "type": …}}`` form."""
        return cls(
            {
                k: Question(
                    k,
                    v.get("question", v.get("text", k)),
                    v.get("citation", citation),
                    v["type"],
                    tuple(v.get("values", ())),
                )
                for k, v in raw.items()
            }
        )
