"""Start-up (issue 13): the values a USML look-up rarely builds (notes, MT designations,
categories) are imported when first built or named (corpus/usml_values.py), and everything reads
as before: the names import from :mod:`exportctl.corpus.usml`, ``typing.get_type_hints``
resolves them on a fresh process (before anything built one), the categories are the ones the
bundled file lists, and a paragraph's notes and MT designation are the file's."""

from __future__ import annotations

import json
import subprocess
import sys
import typing

import attrs
import pytest

import exportctl
from exportctl.corpus import usml as usml_module
from exportctl.corpus import usml_values
from exportctl.corpus.bundle import load_json
from exportctl.corpus.usml import usml_from_bundle, usml_from_data

EDITIONS = ["usml.json", "usml-2024-03-25.json"]

#: The classes whose annotations name a value of usml_values, and what they resolve to.
_HINTS = """
import json, sys, typing
{before}
from exportctl.corpus import usml
loaded = 'exportctl.corpus.usml_values' in sys.modules
hints = {{
    name: {{k: repr(v) for k, v in typing.get_type_hints(getattr(usml, name)).items()}}
    for name in ('USMLParagraph', 'UnitedStatesMunitionsList', 'USMLCategory', 'USMLNote',
                 'MTDesignation')
}}
hints['category()'] = {{
    k: repr(v) for k, v in typing.get_type_hints(usml.UnitedStatesMunitionsList.category).items()
}}
print(json.dumps({{'loaded': loaded, 'hints': hints}}))
"""


def _printed(code: str) -> str:
    """What ``code`` prints, run in a fresh interpreter (nothing imported yet)."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout


def _fresh(code: str) -> typing.Any:
    return json.loads(_printed(code))


@pytest.mark.parametrize(
    "before",
    [
        "",  # nothing built yet: the annotations import what they name
        "import exportctl; exportctl.law('2025-06-01').usml_paragraph('XI(a)(3)(xviii)')",
    ],
)
def test_type_hints_resolve_on_a_fresh_process(before: str) -> None:
    out = _fresh(_HINTS.format(before=before))
    assert out["loaded"] is False  # usml_values was not imported before the hints were read
    hints = out["hints"]
    values = "exportctl.corpus.usml_values"
    assert hints["USMLParagraph"]["mt"] == f"{values}.MTDesignation | None"
    assert hints["USMLParagraph"]["mt_marked"] == f"{values}.MTDesignation | None"
    assert hints["USMLParagraph"]["notes"] == f"tuple[{values}.USMLNote, ...]"
    assert hints["USMLParagraph"]["ref"] == "<class 'exportctl.corpus.references.USMLRef'>"
    assert hints["UnitedStatesMunitionsList"]["categories"] == f"tuple[{values}.USMLCategory, ...]"
    assert hints["USMLCategory"] == {
        "roman": "<class 'str'>",
        "title": "<class 'str'>",
        "notes": f"tuple[{values}.USMLNote, ...]",
    }
    assert hints["MTDesignation"]["designated"] == "typing.Literal['yes', 'conditional']"
    assert hints["category()"]["return"] == f"<class '{values}.USMLCategory'>"


def test_type_hints_of_the_public_classes_resolve() -> None:
    """Every public class ``from exportctl import X`` gives (and every class of the USML module)
    has its hints resolved, except the law's cached properties, which name the law's parts
    imported when first built (as before this change)."""
    code = (
        "import json, typing, exportctl\n"
        "from exportctl.corpus import usml, usml_values\n"
        "bad = []\n"
        "for where, names in ((exportctl, exportctl.__all__), (usml, usml.__all__),"
        " (usml_values, usml_values.__all__)):\n"
        "    for name in names:\n"
        "        obj = getattr(where, name)\n"
        "        if isinstance(obj, type):\n"
        "            try:\n"
        "                typing.get_type_hints(obj)\n"
        "            except NameError:\n"
        "                bad.append(name)\n"
        "print(json.dumps(sorted(bad)))\n"
    )
    assert _fresh(code) == ["Law", "Regulations"]


def test_the_names_import_from_the_usml_module_as_before() -> None:
    from exportctl.corpus.usml import MTDesignation, USMLCategory, USMLNote

    assert (MTDesignation, USMLCategory, USMLNote) == (
        usml_values.MTDesignation,
        usml_values.USMLCategory,
        usml_values.USMLNote,
    )
    assert {"MTDesignation", "USMLCategory", "USMLNote"} <= set(dir(usml_module))
    assert {"MTDesignation", "USMLCategory", "USMLNote"} <= set(usml_module.__all__)
    with pytest.raises(AttributeError):
        usml_module.USMLNotes  # noqa: B018 - a name it does not have is still refused
    for cls in (MTDesignation, USMLCategory, USMLNote):
        assert attrs.has(cls)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            instance = cls(*("yes",) * len(attrs.fields(cls)))
            instance.__setattr__(attrs.fields(cls)[0].name, "no")


def _categories_from(raw: dict[str, typing.Any]) -> tuple[usml_values.USMLCategory, ...]:
    """The categories as the file lists them, built here field by field."""
    return tuple(
        usml_values.USMLCategory(
            roman=c["category"],
            title=c["title"],
            notes=tuple(
                usml_values.USMLNote(id=n["id"], heading=n["heading"], text=n["text"])
                for n in c["notes"]
            ),
        )
        for c in raw["categories"]
    )


@pytest.mark.parametrize("name", EDITIONS)
@pytest.mark.parametrize("make", ["bundle", "data"])
def test_the_categories_are_the_files_whenever_first_read(name: str, make: str) -> None:
    raw = load_json(name)
    expected = _categories_from(raw)
    assert len(expected) == 21
    assert sum(len(c.notes) for c in expected) > 0

    def fresh() -> usml_module.UnitedStatesMunitionsList:
        return usml_from_bundle(name) if make == "bundle" else usml_from_data(raw)

    # read first
    first = fresh()
    assert first.categories == expected
    assert first.category("xi") is first.categories[10]
    # read after every paragraph was built (the list completed first)
    second = fresh()
    assert len(second.paragraphs) == len(raw["paragraphs"])
    assert second.categories == expected
    # read by a look-up of a whole category's children (and by repr)
    third = fresh()
    assert third.category("XI") == expected[10]
    assert third.children_of("XI") == tuple(
        p for p in third.paragraphs if p.parent.category == "XI" and not p.parent.path
    )
    assert repr(fresh()).startswith(
        f"UnitedStatesMunitionsList(categories={expected!r}, paragraphs=("
    )
    # evolve reads every field: the same categories
    assert attrs.evolve(fresh()).categories == expected


@pytest.mark.parametrize("name", EDITIONS)
def test_notes_and_mt_designations_are_the_files(name: str) -> None:
    raw = load_json(name)
    usml = usml_from_bundle(name)
    by_ref = {p["ref"]: p for p in raw["paragraphs"]}
    with_notes = [p for p in raw["paragraphs"] if p["notes"]]
    with_mt = [p for p in raw["paragraphs"] if p["mt"]]
    assert with_notes and with_mt
    for p in with_notes[:10]:
        built = usml.get(p["ref"])
        assert built.notes == tuple(
            usml_values.USMLNote(n["id"], n["heading"], n["text"]) for n in p["notes"]
        )
        assert all(type(n) is usml_values.USMLNote for n in built.notes)
    for p in with_mt[:10]:
        built = usml.get(p["ref"])
        assert built.mt_marked == usml_values.MTDesignation(
            p["mt"]["designated"], p["mt"]["condition"]
        )
        assert type(built.mt_marked) is usml_values.MTDesignation
        # a paragraph the file marks is its own MT source
        assert built.mt is not None and built.mt_from == built.ref
        assert by_ref[str(built.mt_from)]["mt"]["designated"] == built.mt.designated


def test_a_look_up_builds_no_category_note_or_mt_designation() -> None:
    """The start-up look-up (tools/bench.py) does not import usml_values: it has no note and no
    MT designation, and the categories are not read."""
    code = (
        "import sys, exportctl\n"
        "p = exportctl.law('2025-06-01').usml_paragraph('XI(a)(3)(xviii)')\n"
        "print(p.notes, p.mt, p.mt_marked, 'exportctl.corpus.usml_values' in sys.modules)\n"
        "law = exportctl.law('2025-06-01')\n"
        "law.usml.category('XI')\n"
        "print('exportctl.corpus.usml_values' in sys.modules)\n"
    )
    printed = _printed(code)
    assert printed.split("\n")[:2] == ["() None None False", "True"]


def test_the_public_names_import() -> None:
    for name in exportctl.__all__:
        assert getattr(exportctl, name) is not None, name


def test_a_look_up_imports_neither_the_attrs_package_nor_the_python_twins() -> None:
    """The law and the USML use ``attr.frozen`` / ``attr.field`` (the very functions the
    ``attrs`` package re-exports), the C date types ``datetime`` re-exports, OpenSSL's sha256
    (``hashlib.sha256`` itself) and the C ``bisect_right``: a look-up imports neither the
    ``attrs`` package's modules nor ``datetime``, ``hashlib`` or ``bisect``; the values and
    functions are the usual ones."""
    code = (
        "import sys, exportctl, typing\n"
        "law = exportctl.law('2025-06-01')\n"
        "p = law.usml_paragraph('XI(a)(3)(xviii)')\n"
        "print(sorted(m for m in ('attrs', 'datetime', 'hashlib', 'bisect') if m in sys.modules))\n"
        "import datetime, attrs, hashlib, bisect\n"
        "from exportctl.core import dated\n"
        "from exportctl.corpus import bundle\n"
        "print(bundle._sha256 is hashlib.sha256, dated.bisect_right is bisect.bisect_right)\n"
        "print(type(law.as_of) is datetime.date, law.as_of == datetime.date(2025, 6, 1))\n"
        "print(attrs.has(type(p)), attrs.has(exportctl.Law), attrs.fields(exportctl.Law)[0].name)\n"
        "hint = typing.get_type_hints(exportctl.Version)['effective_from']\n"
        "print(hint == (datetime.date | None))\n"
    )
    printed = _printed(code)
    assert printed.splitlines() == ["[]", "True True", "True True", "True True as_of", "True"]


def test_without_the_c_date_module_the_law_reads_the_same() -> None:
    """An interpreter without ``_datetime`` (the fallback: ``import datetime``) gives the same
    law, edition and look-up."""
    code = (
        "import sys\n"
        "{block}\n"
        "import exportctl\n"
        "law = exportctl.law('2025-06-01')\n"
        "p = law.usml_paragraph('XI(a)(3)(xviii)')\n"
        "print(law.as_of, law.edition('usml').file, law.edition('usml').effective_from, p.sme)\n"
        "print(type(law.as_of).__module__, sys.modules.get('_datetime') is not None)\n"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", code.format(block=block)],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.splitlines()
        for block in ("", "sys.modules['_datetime'] = None  # no C module: import fails")
    ]
    assert outs[0][0] == outs[1][0] == "2025-06-01 usml-2024-03-25.json 2024-03-25 True"
    assert outs[0][1] == "datetime True"
    assert outs[1][1] == "datetime False"  # the pure-Python types: the fallback was taken


def test_the_editions_read_as_regulations_json_lists_them() -> None:
    """``Statutes.edition_info`` (made when first read) holds the editions as the file lists
    them, built here field by field; it reads as the dictionary it makes."""
    from exportctl.core.dated import Dated, Version
    from exportctl.corpus import law as law_module
    from exportctl.corpus.law import Edition

    assert Edition is law_module._values.Edition
    raw = load_json("regulations.json")
    names = {"usml": "22 CFR 121.1 (USML)", "ccl": "15 CFR part 774, Supp. No. 1 (CCL)"}
    expected = {}
    for dataset in ("usml", "ccl"):
        editions = [
            Edition(
                dataset=dataset,
                file=e["file"],
                effective_from=law_module.as_date(e["effective_from"]),
                effective_until=(
                    law_module.as_date(e["effective_until"]) if e["effective_until"] else None
                ),
                as_of=law_module.as_date(e["as_of"]),
                source=e["source"],
                federal_register=e.get("federal_register"),
            )
            for e in raw["editions"][dataset]
        ]
        assert len(editions) >= 2
        expected[dataset] = Dated(
            names[dataset],
            tuple(Version(e.effective_from, e, e.source, e.file) for e in editions),
            noun="edition",
        )
    _, fresh = law_module._editions(raw)
    assert len(fresh) == 2 and fresh._made is None  # nothing made before it is read
    assert dict(fresh) == expected
    assert repr(fresh) == repr(expected)
    info = exportctl.law("2025-06-01").statutes.edition_info
    assert dict(info) == expected and info == expected
    assert exportctl.law("2025-06-01").edition("usml") == expected["usml"].versions[0].value
    assert exportctl.law("2025-09-15").edition("usml") == expected["usml"].versions[1].value


def test_a_malformed_edition_date_is_still_refused_when_the_law_is_made() -> None:
    from exportctl.corpus import law as law_module

    raw = json.loads(json.dumps(load_json("regulations.json")))
    raw["editions"]["ccl"][-1]["as_of"] = "2025-13-01"
    with pytest.raises(ValueError, match="2025-13-01"):
        law_module._editions(raw)


def test_the_statutes_hints_resolve_on_a_fresh_process() -> None:
    code = (
        "import json, sys, typing\n"
        "from exportctl.corpus import law\n"
        "before = 'exportctl.corpus.law_values' in sys.modules\n"
        "hints = typing.get_type_hints(law.Statutes)\n"
        "print(json.dumps([before, repr(hints['edition_info']),"
        " repr(typing.get_type_hints(law.Law.edition)['return'])]))\n"
    )
    assert _fresh(code) == [
        False,
        "collections.abc.Mapping[str, exportctl.core.dated.Dated["
        "exportctl.corpus.law_values.Edition]]",
        "<class 'exportctl.corpus.law_values.Edition'>",
    ]
