"""Project sessions: tests, lint, typecheck, build, docs, bench, data, mutants.

`nox` with no arguments runs tests, lint, typecheck, build and docs (what CI runs).
`nox -s mutants` (mutation testing, slow) runs only when asked for.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "build", "docs"]
nox.options.reuse_existing_virtualenvs = True

# pycountry is pinned: the data build (and its --check test) must see the same ISO names.
DEV = ["pytest>=8", "hypothesis>=6.90", "pycountry==26.2.16"]


@nox.session
def tests(session: nox.Session) -> None:
    """pytest with the hypothesis property tests and doctests, against the installed package."""
    session.install(".[testing]", *DEV)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the library, the data build and the tests."""
    session.install("ruff>=0.4")
    session.run("ruff", "check", "src", "tools", "tests", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src/ and tools/."""
    session.install(".[testing]", "mypy>=1.8", "types-tabulate", "pycountry==26.2.16")
    session.run("mypy", "--strict", "src/exportctl", "tools")


@nox.session
def build(session: nox.Session) -> None:
    """Build the wheel, install it into a fresh environment, and run a look-up from it."""
    session.install("build")
    session.run("python", "tools/wheel_smoke.py")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site from docs/ (MkDocs, strict: a broken link, a page missing
    from the nav or a bad nav entry fails), with the CLI reference generated from the commands
    by mkdocs-click; the site goes to .nox/docs/tmp/site."""
    session.install(".[docs]")
    site = Path(session.create_tmp()) / "site"
    session.run("mkdocs", "build", "--strict", "--clean", "--site-dir", str(site))


@nox.session
def data(session: nox.Session) -> None:
    """Rebuild src/exportctl/data from ../shared/reference (needs the reference files)."""
    session.install(".", "pycountry==26.2.16")
    session.run("python", "tools/build_data.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure batch throughput, classify, authorize, start-up, --jobs and memory against a plain
    read of the same files, exportctl diff against one screen/authorize of the same rows, and
    search latency (prints numbers with their baselines and goals; asserts nothing).

    ``nox -s bench -- --against 8a6ffb6`` measures that commit's code in the same run too (the
    baseline of issue 13); ``-- --rows 20000 --skip-big`` is a quicker run.
    """
    session.install(".")
    session.run("python", "tools/bench.py", *session.posargs)
    session.run("python", "tools/bench_diff.py")
    session.run("python", "tools/bench_search.py")


# --- mutation testing -------------------------------------------------------------------------

#: The modules `nox -s mutants` mutates by default: the exemption and order-of-review rules.
MUTATE = (
    "src/exportctl/engine/exemptions.py",
    "src/exportctl/engine/requirements.py",
    "src/exportctl/engine/exclusions.py",
    "src/exportctl/engine/classify.py",
    "src/exportctl/engine/specially_designed.py",
)
#: The tests that read each module's rules (a mutant is killed when one of them fails).
#: The example tests run for every mutant; the property tests (PROPERTY_TESTS) only with
#: MUTANTS_PROPERTIES=1 in the environment: they kill more, but a surviving mutant then costs
#: half a minute (about two hours for the four modules on two cores).
_CLASSIFICATION_TESTS = (
    "tests/test_order_of_review.py",
    "tests/test_cases.py",
    "tests/test_definitions.py",
    "tests/test_specially_designed_text.py",
    "tests/test_ccl_data_gaps.py",
    "tests/itar/test_120_11_a_1_enumerated_article.py",
)
_EXEMPTION_TESTS = (
    "tests/test_aukus.py",
    "tests/test_data_etl.py",
    "tests/test_data_supp1.py",
    "tests/test_cli_aukus.py",
    "tests/test_definitions.py",
    "tests/itar/test_exemption_as_data.py",
    "tests/itar/test_dod_exemptions.py",
    "tests/test_fast_paths.py",
)
MUTANT_TESTS = {
    "classify.py": _CLASSIFICATION_TESTS,
    "specially_designed.py": _CLASSIFICATION_TESTS,
    "exemptions.py": _EXEMPTION_TESTS,
    "requirements.py": _EXEMPTION_TESTS,
    "exclusions.py": _EXEMPTION_TESTS,
}
PROPERTY_TESTS = {
    "classify.py": ("tests/test_properties_classification.py",),
    "specially_designed.py": ("tests/test_properties_classification.py",),
    "exemptions.py": ("tests/test_properties_aukus.py",),
    "requirements.py": ("tests/test_properties_aukus.py",),
    "exclusions.py": ("tests/test_properties_aukus.py",),
}
MUTMUT = "mutmut==3.8.1"


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutation testing with mutmut: how many deliberate changes to the rules the tests miss.

    ``nox -s mutants`` mutates the exemption and order-of-review modules (MUTATE);
    ``nox -s mutants -- src/exportctl/engine/specially_designed.py``
    mutates only those.  mutmut copies the project into ``mutants/`` and imports the package
    from there, so it runs in a scratch copy (under .nox/) where the package is not installed,
    only its dependencies.  Each mutant runs the example tests of its module (MUTANT_TESTS),
    and the property tests too with ``MUTANTS_PROPERTIES=1``.  The run is deterministic
    (``CI=1``: hypothesis derandomized) and decides without the memo
    (``EXPORTCTL_NO_MEMO=1``), so a mutant cannot hide behind a decision kept from before.  It
    prints the survivors (``mutmut show NAME`` in the scratch copy shows one) and their count;
    it never fails on survivors.  Not part of CI: it takes minutes (hours with the properties).
    """
    modules = [str(Path(m)) for m in (session.posargs or MUTATE)]
    unknown = [m for m in modules if Path(m).name not in MUTANT_TESTS or not Path(m).is_file()]
    if unknown:
        session.error(f"not a module nox -s mutants knows: {unknown}; choose from {MUTATE}")
    tests = sorted({t for m in modules for t in MUTANT_TESTS[Path(m).name]})
    if os.environ.get("MUTANTS_PROPERTIES"):
        tests = sorted({*tests, *(t for m in modules for t in PROPERTY_TESTS[Path(m).name])})
    session.install(MUTMUT, "attrs>=23.1", "click>=8.1", "tabulate>=0.9", *DEV)
    root = Path.cwd()
    work = Path(session.create_tmp()) / "mutants-project"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in ("src", "tests", "examples", "data", "tools"):
        shutil.copytree(root / name, work / name, ignore=ignore)
    shutil.copy2(root / "pyproject.toml", work / "pyproject.toml")
    (work / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = src\n"
        "only_mutate =\n" + "".join(f"    {m}\n" for m in modules) + "also_copy =\n"
        "    examples\n    data\n    tools\n"
        "pytest_add_cli_args_test_selection =\n" + "".join(f"    {t}\n" for t in tests) + ""
        "pytest_add_cli_args = -p no:cacheprovider -x -q\n",
        encoding="utf-8",
    )
    session.chdir(work)
    env = {"CI": "1", "EXPORTCTL_NO_MEMO": "1"}
    session.run("mutmut", "run", env=env, success_codes=[0, 1])
    results = session.run("mutmut", "results", env=env, silent=True) or ""
    survivors = [line.strip() for line in str(results).splitlines() if "survived" in line]
    for line in survivors:
        print(line)
    session.log(f"{len(survivors)} surviving mutants in {', '.join(modules)} (in {work})")
