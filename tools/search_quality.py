"""Search quality, measured: top-1 and top-5 over tests/search/queries.json, per regime.

Usage:  python tools/search_quality.py [--show-held-out] [--limit N]

Each query is searched in its own regime (USML queries in the USML, CCL queries in the CCL).  A
hit matches an expected paragraph when it is that paragraph or lies within it (a USML
sub-paragraph of the expected paragraph, or a CCL item paragraph of the expected ECCN or item).
The held-out queries were set aside before the glossary and the weights were tuned; their misses
are not printed unless ``--show-held-out`` is given, so that tuning cannot look at them.

The goal (issue 12): the expected paragraph in the top five for >= 90 % of USML queries and
>= 85 % of CCL queries.  ``tests/search/test_quality.py`` asserts it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from exportctl.corpus.references import ReferenceSyntaxError, parse_usml  # noqa: E402
from exportctl.search import Hit, SearchIndex  # noqa: E402

QUERIES = ROOT / "tests" / "search" / "queries.json"
GOALS = {"usml": 0.90, "ccl": 0.85}


@attrs.frozen
class Query:
    id: str
    regime: Literal["usml", "ccl"]
    query: str
    expected: tuple[str, ...]
    held_out: bool
    source: dict[str, Any]


@attrs.frozen
class Outcome:
    query: Query
    rank: int | None  # 1-based rank of the first matching hit, None if not in the top N
    top: tuple[str, ...]  # the references returned


@attrs.frozen
class Score:
    total: int
    top1: int
    top5: int

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top5_rate(self) -> float:
        return self.top5 / self.total if self.total else 0.0


def load_queries(path: Path = QUERIES) -> tuple[Query, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Query(
            id=q["id"],
            regime=q["regime"],
            query=q["query"],
            expected=tuple(q["expected"]),
            held_out=bool(q["held_out"]),
            source=q["source"],
        )
        for q in raw["queries"]
    )


def matches_reference(regime: str, reference: str, expected: str) -> bool:
    """True when paragraph ``reference`` is the expected paragraph or lies within it."""
    if regime == "usml":
        try:
            return parse_usml(reference).is_within(parse_usml(expected))
        except ReferenceSyntaxError:
            return False
    return reference == expected or reference.startswith(expected + ".")


def matches(hit: Hit, expected: str) -> bool:
    """True when ``hit`` is the expected paragraph or lies within it (a category never is)."""
    if hit.kind == "category":
        return False
    return matches_reference(hit.regime, hit.reference, expected)


def evaluate(index: SearchIndex, queries: Iterable[Query], limit: int = 5) -> tuple[Outcome, ...]:
    out = []
    for q in queries:
        hits = index.search(q.query, regime=q.regime, limit=limit)
        rank = next(
            (i for i, h in enumerate(hits, 1) if any(matches(h, e) for e in q.expected)), None
        )
        out.append(Outcome(q, rank, tuple(h.reference for h in hits)))
    return tuple(out)


def score(outcomes: Iterable[Outcome]) -> Score:
    items = list(outcomes)
    return Score(
        total=len(items),
        top1=sum(1 for o in items if o.rank == 1),
        top5=sum(1 for o in items if o.rank is not None and o.rank <= 5),
    )


def scores(outcomes: Sequence[Outcome]) -> dict[str, Score]:
    """Scores overall, per regime, and for the tuning and held-out subsets."""
    groups: dict[str, list[Outcome]] = {"all": list(outcomes)}
    for o in outcomes:
        groups.setdefault(o.query.regime, []).append(o)
        groups.setdefault("held-out" if o.query.held_out else "tuning", []).append(o)
        subset = "held-out" if o.query.held_out else "tuning"
        groups.setdefault(f"{o.query.regime} {subset}", []).append(o)
    return {name: score(items) for name, items in groups.items()}


def _line(name: str, s: Score) -> str:
    return (
        f"{name:<16} n={s.total:<4} top-1 {s.top1:>3} ({s.top1_rate:6.1%})   "
        f"top-5 {s.top5:>3} ({s.top5_rate:6.1%})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-held-out", action="store_true", help="also print held-out misses")
    parser.add_argument("--limit", type=int, default=5)
    args = parser.parse_args(argv)
    from exportctl import law
    from exportctl.search import build_index

    index = build_index(law().usml, law().ccl, edition_key="quality", cache=False)
    outcomes = evaluate(index, load_queries(), args.limit)
    table = scores(outcomes)
    order = ["all", "usml", "ccl", "tuning", "held-out"]
    order += ["usml tuning", "usml held-out", "ccl tuning", "ccl held-out"]
    for name in order:
        if name in table:
            print(_line(name, table[name]))
    print()
    for o in outcomes:
        if o.rank == 1 or (o.query.held_out and not args.show_held_out):
            continue
        where = "missed" if o.rank is None else f"rank {o.rank}"
        tag = " [held-out]" if o.query.held_out else ""
        print(f"{o.query.id}{tag} {where}: {o.query.query!r}")
        print(f"    expected {', '.join(o.query.expected)}; got {', '.join(o.top) or '(nothing)'}")
    ok = all(table[r].top5_rate >= goal for r, goal in GOALS.items() if r in table)
    print()
    print("goal met" if ok else "goal NOT met", {r: f">= {g:.0%} top-5" for r, g in GOALS.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
