"""Benchmark: batch throughput as ratios to reading the file, start-up, --jobs, memory.

Run with ``nox -s bench`` (or ``python tools/bench.py [--rows N] [--big N] [--repeat K]``).  It
prints measurements with the baseline each was taken against and asserts nothing: speed is
measured here, never asserted in a unit test.

Every batch figure is a ratio, in the same run, to a plain ``csv.DictReader`` -> ``json.dumps``
pass over the same file (a fresh process each, wall time including the interpreter's start), so
that a busy machine moves both sides alike.  Inputs:

* **distinct** rows: generated from the bundled law (:func:`distinct_parts`,
  :func:`distinct_transfers`) so that no two rows share the facts a decision depends on (every
  decision is computed in full; nothing is reused);
* **repeated** rows: the example files cycled with fresh ids (a real parts list repeats
  fact patterns).

Memory is each measured process's own peak: the command runs as the only child of a small
fresh runner process, which reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (a child forked
from this benchmark would inherit its peak).  ``--jobs N`` is measured when the command has it.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "examples" / "parts_list.csv"
TRANSFERS = ROOT / "examples" / "transfers.csv"
AS_OF = "2025-06-01"

#: Figures measured on main (8a6ffb6, before the fast path) with this script, 2 cores shared
#: with other work; ratios are to the plain read of the same file in the same run.
BASELINE: dict[str, float] = {
    "screen distinct csv": 0.0,
    "screen distinct jsonl": 0.0,
    "screen repeated csv": 0.0,
    "screen repeated jsonl": 0.0,
    "authorize distinct csv": 0.0,
    "authorize distinct jsonl": 0.0,
    "authorize repeated csv": 0.0,
    "authorize repeated jsonl": 0.0,
    "classify distinct items/s": 0.0,
    "classify repeated items/s": 0.0,
    "start-up": 0.0,
    "memory 1M/100k": 0.0,
}
GOALS: dict[str, str] = {
    "screen distinct csv": "<= x3",
    "screen distinct jsonl": "<= x5",
    "screen repeated csv": "<= x1.2",
    "screen repeated jsonl": "<= x1.2",
    "authorize distinct csv": "<= x5",
    "authorize distinct jsonl": "",
    "authorize repeated csv": "",
    "authorize repeated jsonl": "",
    "classify distinct items/s": ">= 100,000",
    "classify repeated items/s": "",
    "start-up": "<= x2",
    "jobs": "<= 0.6",
    "memory 1M/100k": "<= 1.2",
}


# --------------------------------------------------------------------------------------------
# Inputs


def header_of(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def example_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def repeated(rows: Sequence[dict[str, str]], n: int, id_column: str) -> Iterator[dict[str, str]]:
    """The rows cycled to ``n`` rows, each with a fresh id (the facts repeat)."""
    for i, row in enumerate(itertools.islice(itertools.cycle(rows), n)):
        yield {**row, id_column: f"{row[id_column]}-{i}"}


def _law(as_of: str) -> Any:
    import exportctl

    return exportctl.law(as_of)


def distinct_parts(n: int, seed: int = 13, as_of: str = AS_OF) -> Iterator[dict[str, str]]:
    """``n`` parts-list rows (the columns of examples/parts_list.csv), no two with the same facts
    besides the id and description: USML candidates of the kinds they admit, ECCN candidates,
    CJ and CCATS determinations, and every answer yes, no or unknown at random (never two
    answers a rule set conflict forbids together)."""
    law = _law(as_of)
    rules = law.ruleset
    header = header_of(PARTS)
    answers = [c for c in header if c in rules.answer_facts]
    kinds = list(rules.item_kinds)
    usml = [p for p in law.usml.paragraphs if not p.reserved and not p.is_x_paragraph]
    eccns: list[tuple[str, Any]] = []
    for entry in law.ccl.eccns:
        if entry.subject_to_itar_placeholder:
            continue
        if not entry.items:
            eccns.append((entry.eccn, entry))
        eccns.extend((str(i.ref), entry) for i in entry.items if not i.reserved)
    forbidden: dict[str, set[str]] = {}  # kind -> answers that may not be yes
    pairs = []
    for c in rules.conflicts:
        if c.kinds:
            for kind in c.kinds:
                forbidden.setdefault(kind, set()).update(c.any_true)
        elif c.all_true:
            pairs.append(tuple(c.all_true))
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    made = 0
    while made < n:
        kind = rng.choice(kinds)
        row = dict.fromkeys(header, "")
        row["item_kind"] = kind
        route = rng.random()
        if route < 0.05:
            if rng.random() < 0.5:
                p = rng.choice([p for p in usml[:: 7] if p.admits_kind(kind)] or usml)
                row.update(cj_jurisdiction="ITAR", cj_classification=str(p.ref))
            else:
                row.update(cj_jurisdiction="EAR", cj_classification=rng.choice(eccns)[0])
            row["cj_reference"] = f"CJ-{rng.randrange(10**6):06d}"
        elif route < 0.08:
            row["usml_candidates"] = "none"
            row["excluded_by_734_3_b"] = "no"
            row["ccats_classification"] = rng.choice(["EAR99", rng.choice(eccns)[0]])
        if route >= 0.05:
            if route < 0.65:
                fits = [p for p in rng.sample(usml, 12) if p.admits_kind(kind)]
                fits = fits[: rng.choice([1, 1, 2])]
                row["usml_candidates"] = ";".join(str(p.ref) for p in fits) or "none"
            elif not row["usml_candidates"]:
                row["usml_candidates"] = "none"
            if not row["ccats_classification"]:
                picks = [ref for ref, e in rng.sample(eccns, 12) if e.admits_kind(kind)]
                chosen = picks[: rng.choice([0, 1, 1, 2])]
                row["eccn_candidates"] = ";".join(chosen) if chosen else rng.choice(["none", ""])
        for fact in answers:
            if fact in ("excluded_by_734_3_b",) and row[fact]:
                continue
            value = rng.choice(("", "yes", "no", "no"))
            if value == "yes" and fact in forbidden.get(kind, ()):
                value = "no"
            row[fact] = value
        for pair in pairs:
            if all(row.get(f) == "yes" for f in pair):
                row[pair[-1]] = "no"
        key = tuple(v for k, v in row.items() if k not in ("item_id", "description"))
        if key in seen:
            continue
        seen.add(key)
        made += 1
        row["item_id"] = f"D-{made:07d}"
        row["description"] = f"generated part {made}"
        yield row


def distinct_transfers(n: int, seed: int = 13, as_of: str = AS_OF) -> Iterator[dict[str, str]]:
    """``n`` transfer rows (the columns of examples/transfers.csv), no two with the same facts
    besides the id and description: USML paragraphs (and some categories and parents), kinds,
    activities, countries (AUKUS, Canada, others, a § 126.1 country), parties and answers at
    random (a debarred party is never also eligible, which 22 CFR 120.16 forbids)."""
    law = _law(as_of)
    header = header_of(TRANSFERS)
    facts = {q.id: q for q in law.facts.questions.values()}
    refs = [str(p.ref) for p in law.usml.paragraphs if not p.reserved and not p.is_x_paragraph]
    refs += [str(p.ref) for p in law.usml.paragraphs if p.ref.level == 1 and not p.reserved][:40]
    refs += [c.roman for c in law.usml.categories][:8]
    countries = ["US", "AU", "GB", "CA", "AU", "GB", "FR", "JP", "CN"]
    activities = ["export", "reexport", "retransfer", "temporary_import", "defense_service"]
    party_kinds = ["us_person", "other", "au_government", "uk_government", "canadian_government"]
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    made = 0

    def yn() -> str:
        return rng.choice(("", "yes", "yes", "no"))

    # Transfers the examples find exempt (§ 126.7 to AU and GB, § 126.5 to CA), varied below.
    templates = [r for r in example_rows(TRANSFERS) if r["transfer_id"] in _EXEMPT_EXAMPLES]
    while made < n:
        if templates and rng.random() < 0.4:
            row = dict(rng.choice(templates))
            row["usml_classification"] = rng.choice(refs)
            row["value_usd"] = str(rng.randrange(1, 50_000_000))
            flip = rng.choice([c for c in header if c in facts and facts[c].type == "bool"])
            row[flip] = rng.choice(("", "yes", "no"))
            made, kept = _keep(row, seen, made)
            if kept:
                yield row
            continue
        row = dict.fromkeys(header, "")
        kind = rng.choice(["article", "article", "technical_data", "defense_service"])
        to = rng.choice(countries)
        row.update(
            activity=rng.choice(activities),
            transfer_kind=kind,
            usml_classification=rng.choice(refs),
            related_to=rng.choice(refs) if kind != "article" else "none",
            specially_designed_for=rng.choice(["none", "none", rng.choice(refs)]),
            from_country="US",
            to_country=to,
            transit_countries=rng.choice(["none", "none", "", rng.choice(countries)]),
            value_usd=str(rng.randrange(1, 50_000_000)),
        )
        for role, country in (("transferor", "US"), ("recipient", to), ("end_user", to)):
            if role == "end_user" and rng.random() < 0.7:
                continue
            row[f"{role}_country"] = country
            row[f"{role}_kind"] = "us_person" if role == "transferor" else rng.choice(party_kinds)
            for flag in ("ddtc_registered", "not_debarred", "eligible_120_16", "authorized_user"):
                row[f"{role}_{flag}"] = yn()
            if row[f"{role}_not_debarred"] == "no":
                row[f"{role}_eligible_120_16"] = "no"
        for column in header:
            q = facts.get(column)
            if q is None or row[column] or (column in row and column in (
                "value_usd", "usml_classification"
            )):
                continue
            if q.type == "bool":
                row[column] = yn()
            elif q.type == "enum":
                row[column] = rng.choice(["", *q.values])
            elif q.type == "text":
                row[column] = rng.choice(["", "F-35", "Collins-class"])
        made, kept = _keep(row, seen, made)
        if kept:
            yield row


_EXEMPT_EXAMPLES = ("AU-01", "GB-02", "GB-04", "CA-12")


def _keep(row: dict[str, str], seen: set[tuple[str, ...]], made: int) -> tuple[int, bool]:
    """Number a new transfer row, unless its facts repeat one already made."""
    key = tuple(v for k, v in row.items() if k not in ("transfer_id", "description"))
    if key in seen:
        return made, False
    seen.add(key)
    made += 1
    row["transfer_id"] = f"T-{made:07d}"
    row["description"] = f"generated transfer {made}"
    return made, True


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, str]]) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


_LISTS = {"usml_candidates", "eccn_candidates"}
_ITEM_FIELDS = (
    "item_id",
    "description",
    "item_kind",
    "usml_candidates",
    "eccn_candidates",
    "cj_jurisdiction",
    "cj_classification",
    "cj_reference",
    "ccats_classification",
)


def part_as_json(row: dict[str, str]) -> dict[str, Any]:
    """A parts-list CSV row in the JSON lines form (lists as lists, answers as an object)."""
    out: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for k, v in row.items():
        if v == "":
            continue
        if k in _LISTS:
            out[k] = [] if v == "none" else v.split(";")
        elif k in _ITEM_FIELDS:
            out[k] = v
        else:
            answers[k] = v == "yes"
    if answers:
        out["answers"] = answers
    return out


_ROLES = ("transferor", "recipient", "broker", "end_user")


def transfer_as_json(row: dict[str, str]) -> dict[str, Any]:
    """A transfers CSV row in the JSON lines form (parties as objects)."""
    out: dict[str, Any] = {}
    parties: dict[str, dict[str, Any]] = {}
    for k, v in row.items():
        if v == "":
            continue
        role = next((r for r in _ROLES if k.startswith(r + "_")), None)
        if role is not None:
            field = k[len(role) + 1 :]
            parties.setdefault(role, {"role": role})[field] = (
                v if field in ("country", "kind") else v == "yes"
            )
        elif k in ("related_to", "specially_designed_for", "transit_countries"):
            out[k] = [] if v == "none" else v.split(";")
        elif k == "value_usd":
            out[k] = int(v)
        else:
            out[k] = v == "yes" if v in ("yes", "no") else v
    out["parties"] = list(parties.values())
    return out


# --------------------------------------------------------------------------------------------
# Measuring a process

#: Runs argv[1:] as its only child; prints the child's wall time, its own peak RSS (KiB) and
#: its exit code.  The runner is small, so the peak is the child's.
_RUNNER = (
    "import resource, subprocess, sys, time\n"
    "out = open(sys.argv[1], 'wb')\n"
    "t0 = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode\n"
    "t1 = time.perf_counter()\n"
    "print(t1 - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
)

_PLAIN = (
    "import csv, json, sys\n"
    "write = sys.stdout.write\n"
    "with open(sys.argv[1], newline='', encoding='utf-8') as fh:\n"
    "    for row in csv.DictReader(fh):\n"
    "        write(json.dumps(row) + '\\n')\n"
)

_CLI = "import sys; from exportctl.cli import main; sys.exit(main())"


def measure(argv: Sequence[str], out: Path | str = os.devnull) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of one fresh process."""
    res = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(out), *argv],
        check=True,
        capture_output=True,
        text=True,
    )
    wall, rss, rc = res.stdout.split()
    return float(wall), int(rss) / 1024, int(rc)


def plain(path: Path) -> list[str]:
    return [sys.executable, "-c", _PLAIN, str(path)]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", _CLI, *args]


def has_jobs() -> bool:
    res = subprocess.run(cli("screen", "--help"), capture_output=True, text=True)
    return "--jobs" in res.stdout


def _fmt_ratio(name: str, value: float, unit: str = "x") -> str:
    base = BASELINE.get(name)
    goal = GOALS.get(name, "")
    shown = f"x{value:.2f}" if unit == "x" else f"{value:,.0f}{unit}"
    parts = [f"{name:<28} {shown:>12}"]
    if base:
        shown_base = f"x{base:,.2f}" if unit == "x" else f"{base:,.0f}{unit}"
        parts.append(f"baseline {shown_base}")
    if goal:
        parts.append(f"goal {goal}")
    return "  ".join(parts)


def ratio(
    name: str, path: Path, args: Sequence[str], repeat: int, out: Path | None = None
) -> float:
    """min over ``repeat`` runs of (command wall / plain read wall), interleaved."""
    ratios = []
    detail = ""
    for _ in range(repeat):
        base, _, _ = measure(plain(path))
        wall, rss, rc = measure(cli(*args), out or os.devnull)
        ratios.append(wall / base)
        detail = f"({wall:.2f} s vs {base:.2f} s plain, exit {rc}, peak {rss:.0f} MiB)"
    value = min(ratios)
    print(f"{_fmt_ratio(name, value)}  {detail}")
    return value


# --------------------------------------------------------------------------------------------
# The figures


_COLD = (
    "import exportctl; "
    "exportctl.law('{as_of}').usml_paragraph('XI(a)(3)(xviii)')"
)
_COLD_JSON = (
    "import json; from pathlib import Path; d = Path({data!r}); "
    "json.loads((d / 'MANIFEST.json').read_bytes()); json.loads((d / {usml!r}).read_bytes())"
)


def start_up(runs: int = 7) -> float:
    import exportctl

    law = exportctl.law(AS_OF)
    data = Path(exportctl.__file__).parent / "data"
    usml = law.edition("usml").file
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(measure([sys.executable, "-c", _COLD.format(as_of=AS_OF)])[0])
        theirs.append(
            measure([sys.executable, "-c", _COLD_JSON.format(data=str(data), usml=usml)])[0]
        )
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"{_fmt_ratio('start-up', a / b)}  (import exportctl + first USML look-up "
        f"{a * 1000:.0f} ms vs import json + MANIFEST.json + {usml} {b * 1000:.0f} ms, "
        f"medians of {runs} fresh processes)"
    )
    return a / b


def classify_rate(n: int) -> None:
    import exportctl

    law = exportctl.law(AS_OF)
    rules = law.ruleset
    facts = []
    for row in distinct_parts(3 * n, seed=29):
        try:
            facts.append(exportctl.facts_from_csv_row(row, rules))
        except exportctl.FactError:
            continue
    examples = []
    for row in repeated(example_rows(PARTS), n, "item_id"):
        try:
            examples.append(exportctl.facts_from_csv_row(row, rules))
        except exportctl.FactError:
            continue
    third = len(facts) // 3
    for label, runs in (
        # Three disjoint thirds of one stream of distinct facts: no run repeats another's facts.
        ("classify distinct items/s", [facts[i * third : (i + 1) * third] for i in range(3)]),
        # The same repeated items three times: repeats reuse what the first saw.
        ("classify repeated items/s", [examples] * 3),
    ):
        best = 0.0
        for items in runs:
            t0 = time.perf_counter()
            for f in items:
                try:
                    exportctl.classify(f, law)
                except (exportctl.FactError, exportctl.ContradictoryFacts):
                    pass
            best = max(best, len(items) / (time.perf_counter() - t0))
        print(
            f"{_fmt_ratio(label, best, ' /s')}  ({len(runs[0]):,} items, in-process, one core, "
            f"best of 3)"
        )
    sample = facts[:2000]
    decisions = []
    for f in sample:
        try:
            decisions.append(exportctl.classify(f, law))
        except (exportctl.FactError, exportctl.ContradictoryFacts):
            pass
    t0 = time.perf_counter()
    steps = sum(len(d.trace) for d in decisions)
    elapsed = time.perf_counter() - t0
    print(
        f"{'trace read on demand':<28} {len(decisions) / elapsed:>10,.0f} /s  "
        f"({steps:,} steps for {len(decisions):,} decisions)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of each batch input")
    parser.add_argument("--big", type=int, default=1_000_000, help="rows of the memory input")
    parser.add_argument("--repeat", type=int, default=3, help="runs per ratio (the minimum)")
    parser.add_argument("--skip-big", action="store_true", help="no 1M-row memory figure")
    args = parser.parse_args()
    jobs = has_jobs()
    one = ["--jobs", "1"] if jobs else []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"exportctl benchmark: {cores} cores, {args.rows:,} rows, min of {args.repeat} runs")
    print("baselines: main 8a6ffb6 before the fast path, same machine; goals: issue 13\n")
    start_up()
    classify_rate(min(args.rows, 50_000))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        inputs = {
            "screen distinct": (PARTS, distinct_parts(args.rows)),
            "screen repeated": (PARTS, repeated(example_rows(PARTS), args.rows, "item_id")),
            "authorize distinct": (TRANSFERS, distinct_transfers(args.rows)),
            "authorize repeated": (
                TRANSFERS,
                repeated(example_rows(TRANSFERS), args.rows, "transfer_id"),
            ),
        }
        files = {}
        for name, (example, rows) in inputs.items():
            path = tmp / f"{name.replace(' ', '-')}.csv"
            write_csv(path, header_of(example), rows)
            files[name] = path
        for name, path in files.items():
            command = name.split()[0]
            for fmt in ("csv", "jsonl"):
                ratio(
                    f"{name} {fmt}",
                    path,
                    [command, str(path), "--format", fmt, "--as-of", AS_OF, "--quiet",
                     "--exit-zero", *one],
                    args.repeat,
                )
        if jobs:
            for name in ("screen distinct", "authorize distinct"):
                path = files[name]
                command = name.split()[0]
                base = [command, str(path), "--format", "jsonl", "--as-of", AS_OF, "--quiet",
                        "--exit-zero"]
                walls: dict[int, float] = {}
                for n in (1, 2):
                    walls[n] = min(
                        measure(cli(*base, "--jobs", str(n)), tmp / f"jobs{n}.out")[0]
                        for _ in range(args.repeat)
                    )
                same = (tmp / "jobs1.out").read_bytes() == (tmp / "jobs2.out").read_bytes()
                print(
                    f"{'jobs ' + name:<28} {walls[2] / walls[1]:>12.2f}  goal <= 0.6  "
                    f"(--jobs 2 {walls[2]:.2f} s vs --jobs 1 {walls[1]:.2f} s, jsonl out, "
                    f"same bytes: {'yes' if same else 'NO'})"
                )
        else:
            print(f"{'jobs':<28} {'n/a':>12}  (no --jobs option)")
        if not args.skip_big:
            big = tmp / "big.csv"
            write_csv(big, header_of(PARTS), distinct_parts(args.big, seed=31))
            peaks = {}
            for label, path in ((args.rows, files["screen distinct"]), (args.big, big)):
                _, peaks[label], _ = measure(
                    cli("screen", str(path), "--format", "csv", "--as-of", AS_OF, "--quiet",
                        "--exit-zero", *one)
                )
            floor = measure(["/bin/true"])[1]
            print(
                f"{_fmt_ratio('memory 1M/100k', peaks[args.big] / peaks[args.rows])}  "
                f"(screen csv peak RSS {peaks[args.rows]:.0f} MiB at {args.rows:,} rows, "
                f"{peaks[args.big]:.0f} MiB at {args.big:,} rows; /bin/true {floor:.0f} MiB)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
