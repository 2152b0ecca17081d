"""Show how the USML rebuild sees one category: problems first, then the rebuilt tree.

Usage: python tools/usml_review.py XI [--full]

It applies every erratum in data/errata/usml/ and prints, for the category asked for, the
problems the build would fail on and each rebuilt paragraph (reference, SME/MT flags, sources,
text).  Use it while writing a category's errata file; it writes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.databuild import usml
from tools.databuild.common import DEFAULT_REFERENCE, load_errata


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    category = argv[0]
    full = "--full" in argv
    stream = usml.source_stream(DEFAULT_REFERENCE)
    usml.apply_errata(stream, load_errata("usml/cat_*.json"))
    expected = usml.expected_top_level()
    paragraphs, problems = usml.rebuild(stream, expected["irregular"])
    problems += usml.check_sequences(paragraphs, expected["irregular"])
    problems += usml.check_top_level(paragraphs, expected)
    mine = [
        p
        for p in problems
        if f"-{category}(" in p
        or f" {category}(" in p
        or p.startswith(f"{category}(")
        or f"Category {category}:" in p
    ]
    print(f"== problems in Category {category}: {len(mine)}")
    for line in mine:
        print("  " + line)
    print(f"== rebuilt paragraphs of Category {category}")
    for p in paragraphs:
        if p["category"] != category:
            continue
        flags = ("*" if p["sme_marked"] else " ") + ("MT" if p["mt_flag"] else "  ")
        text = p["text"] if full else p["text"][:110]
        print(f"{p['designation']:<28} {flags} {','.join(p['sources'])[:40]:<40} {text}")
        for n in p["notes"]:
            ntext = n["text"] if full else n["text"][:90]
            print(f"{'':28}   NOTE {n['id']} [{n['heading']}] {ntext}")
    return 1 if mine else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
