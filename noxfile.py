"""Project sessions: tests, lint, typecheck, build, bench, data.

`nox` with no arguments runs tests, lint, typecheck and build (what CI runs).
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "build"]
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
    """mypy --strict on src/."""
    session.install(".[testing]", "mypy>=1.8", "types-tabulate")
    session.run("mypy", "--strict", "src/exportctl")


@nox.session
def build(session: nox.Session) -> None:
    """Build the wheel, install it into a fresh environment, and run a look-up from it."""
    session.install("build")
    session.run("python", "tools/wheel_smoke.py")


@nox.session
def data(session: nox.Session) -> None:
    """Rebuild src/exportctl/data from ../shared/reference (needs the reference files)."""
    session.install(".", "pycountry==26.2.16")
    session.run("python", "tools/build_data.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure start-up and look-up speed (prints numbers; asserts nothing)."""
    session.install(".")
    session.run("python", "tools/bench.py", *session.posargs)
