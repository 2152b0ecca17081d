"""Earlier names of the law value: ``exportctl.regulations(as_of)`` and ``Regulations``.

They are the same as :func:`exportctl.law` and :class:`exportctl.Law`, kept so that code
written against the first releases keeps working.
"""

from __future__ import annotations

from exportctl.corpus.law import Law, RuleVersion, law

__all__ = ["Regulations", "RuleVersion", "regulations"]

Regulations = Law
regulations = law
