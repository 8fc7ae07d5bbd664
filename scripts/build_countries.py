#!/usr/bin/env python3
"""Build crates/extract/data/countries.tsv (country gazetteer for crimefacts).

Source data: the npm package `world-countries` (data from mledoze/countries,
licence ODbL-1.0), pinned below and verified against its published integrity
hash.  Spanish and Portuguese demonyms are not in that package; they come from
the hand-curated file crates/extract/data/demonyms_es_pt.tsv.  A small set of
curated corrections and extra aliases lives in this script (see the tables
below); every one of them is deliberate and documented in
crates/extract/data/README.md.

Usage (from the repository root or anywhere else):

    python3 scripts/build_countries.py                 # download via `npm pack`
    python3 scripts/build_countries.py --json FILE     # use a local countries.json

Run-time requirements: Python 3.11 (stdlib only) and, unless --json is given,
the `npm` client with access to the npm registry.  The output is sorted and
deduplicated, so reruns produce byte-identical files.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

# --------------------------------------------------------------------------
# Pinned source package
# --------------------------------------------------------------------------
PKG_NAME = "world-countries"
PKG_VERSION = "5.1.0"
PKG_INTEGRITY = (
    "sha512-CXR6EBvTbArDlDDIWU3gfKb7Qk0ck2WNZ234b/A0vuecPzIfzzxH+O6Ejnvg1sT8XuiZjVlzOH0h08ZtaO7g0w=="
)
PKG_MEMBER = "package/countries.json"

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "crates" / "extract" / "data"
OUT_PATH = DATA_DIR / "countries.tsv"
DEMONYMS_PATH = DATA_DIR / "demonyms_es_pt.tsv"

LANGS = ("en", "es", "pt")
KINDS = ("name", "demonym", "alias")
HEADER = ("iso2", "canonical", "lang", "kind", "surface", "flags")

# --------------------------------------------------------------------------
# Curated corrections of the package's es/pt/en names.
# (iso2, lang, surface as in the package) -> replacement, or None to drop.
# Mostly machine-translation slips in upstream `translations`.
# --------------------------------------------------------------------------
NAME_FIXES: dict[tuple[str, str, str], str | None] = {
    ("PE", "pt", "Perú"): "Peru",  # Spanish spelling in the Portuguese slot
    ("CW", "pt", "ilha da Curação"): "Curaçao",
    ("IR", "es", "Iran"): "Irán",
    ("SL", "es", "Sierra Leone"): "Sierra Leona",
    ("TW", "pt", "Ilha Formosa"): "Taiwan",
    ("AZ", "pt", "Azerbeijão"): "Azerbaijão",
    ("GY", "pt", "Co -operative República da Guiana"): "República Cooperativa da Guiana",
    ("PT", "pt", "República português"): "República Portuguesa",
    ("FR", "es", "República francés"): "República Francesa",
    ("PF", "es", "Polinesia francés"): "Polinesia Francesa",
    ("CF", "pt", "República Centro-Africano"): "República Centro-Africana",
    ("LA", "pt", "Laos, República Democrática"): "República Democrática Popular do Laos",
    ("PR", "es", "Asociado de Puerto Rico"): "Estado Libre Asociado de Puerto Rico",
    ("PR", "pt", "Commonwealth of Puerto Rico"): "Estado Livre Associado de Porto Rico",
    ("CD", "es", "Congo (Rep. Dem.)"): None,  # official name covers it
    ("UM", "es", "Estados Unidos Islas menores alejadas de"): None,
    ("UM", "pt", "Estados Unidos Ilhas Menores Distantes"): None,
    ("TF", "es", "Territorio del Francés Tierras australes y antárticas"): None,
    ("TF", "pt", "Território do Sul e Antártica Francesa"): None,
    ("KI", "es", "República Independiente y Soberano de Kiribati"): None,
    ("KI", "pt", "Independente e soberano República de Kiribati"): None,
    ("CC", "es", "Territorio de los (Keeling) Islas Cocos"): None,
    ("PN", "pt", "Pitcairn grupo de ilhas"): None,
    ("VC", "pt", "São Vincente e Granadinas"): None,  # typo; official has the right form
    # English or Norwegian text in the es/pt slots:
    ("IO", "pt", "British Indian Ocean Territory"): None,
    ("IM", "pt", "Isle of Man"): None,
    ("NC", "pt", "New Caledonia"): None,
    ("MQ", "pt", "Martinique"): None,
    ("GD", "pt", "Grenada"): None,
    ("GE", "pt", "Georgia"): None,
    ("SJ", "en", "Svalbard og Jan Mayen"): None,
    ("SJ", "es", "Svalbard og Jan Mayen"): None,
    ("SJ", "pt", "Svalbard og Jan Mayen"): None,
}

# --------------------------------------------------------------------------
# altSpellings kept as aliases (surface -> lang).  The package's altSpellings
# mix ISO codes, native-language and non-Latin forms; only the ones below are
# plausible in English/Spanish/Portuguese running text.  Anything else is
# dropped (a rebuild against a newer package version lists unknown spellings
# on stderr for review).
# --------------------------------------------------------------------------
ALT_KEEP: dict[tuple[str, str], str] = {
    ("AE", "UAE"): "en",
    ("AE", "Emirates"): "en",
    ("BA", "Bosnia-Herzegovina"): "en",
    ("BL", "St. Barthelemy"): "en",
    ("BN", "Brunei Darussalam"): "en",
    ("CC", "Keeling Islands"): "en",
    ("CC", "Cocos Islands"): "en",
    ("CD", "DR Congo"): "en",
    ("CD", "Congo-Kinshasa"): "en",
    ("CD", "Democratic Republic of Congo"): "en",
    ("CD", "DRC"): "en",
    ("CG", "Congo"): "en",
    ("CG", "Congo-Brazzaville"): "en",
    ("CI", "Côte d'Ivoire"): "en",
    ("CI", "Cote d'Ivoire"): "en",
    ("CI", "Ivory Coast"): "en",
    ("CW", "Curacao"): "en",
    ("FO", "Faeroe Islands"): "en",
    ("GB", "UK"): "en",
    ("GB", "Great Britain"): "en",
    ("KP", "DPRK"): "en",
    ("LA", "Lao"): "en",
    ("MK", "Macedonia"): "en",
    ("MM", "Burma"): "en",
    ("MO", "Macao"): "en",
    ("MV", "Maldive Islands"): "en",
    ("NL", "Holland"): "en",
    ("NL", "The Netherlands"): "en",
    ("PE", "República del Perú"): "es",
    ("PN", "Pitcairn"): "en",
    ("PR", "Estado Libre Asociado de Puerto Rico"): "es",
    ("PY", "República del Paraguay"): "es",
    ("RE", "Reunion"): "en",
    ("SH", "Saint Helena"): "en",
    ("SM", "Republic of San Marino"): "en",
    ("ST", "Sao Tome and Principe"): "en",
    ("SZ", "Swaziland"): "en",
    ("TF", "French Southern Territories"): "en",
    ("TL", "East Timor"): "en",
    ("TL", "Timor"): "en",
    ("TN", "Republic of Tunisia"): "en",
    ("TR", "Turkiye"): "en",
    ("TR", "Republic of Turkey"): "en",
    ("TW", "Chinese Taipei"): "en",
    ("US", "US"): "en",
    ("US", "USA"): "en",
    ("VA", "Vatican"): "en",
    ("VN", "Viet Nam"): "en",
    ("ZA", "RSA"): "en",
}

# --------------------------------------------------------------------------
# Extra aliases not in the package (curated): (iso2, lang, surface).
# Abbreviations used by the press, Brazilian-Portuguese spellings (the
# package's pt translations follow European Portuguese), and common
# short/alternative forms.
# --------------------------------------------------------------------------
EXTRA_ALIASES: list[tuple[str, str, str]] = [
    # United States
    ("US", "en", "U.S."),
    ("US", "en", "U.S.A."),
    ("US", "en", "America"),
    ("US", "es", "EEUU"),
    ("US", "es", "EE.UU."),
    ("US", "es", "EE. UU."),
    ("US", "es", "EUA"),
    ("US", "es", "Estados Unidos de Norteamérica"),
    ("US", "pt", "EUA"),
    # United Kingdom
    ("GB", "en", "U.K."),
    ("GB", "en", "Britain"),
    ("GB", "es", "Gran Bretaña"),
    ("GB", "pt", "Grã-Bretanha"),
    # Netherlands
    ("NL", "es", "Holanda"),
    ("NL", "pt", "Países Baixos"),
    # United Arab Emirates
    ("AE", "es", "EAU"),
    ("AE", "es", "Emiratos"),
    ("AE", "pt", "EAU"),
    ("AE", "pt", "Emirados"),
    # DR Congo
    ("CD", "es", "RDC"),
    ("CD", "es", "RD Congo"),
    ("CD", "pt", "RDC"),
    ("CD", "pt", "RD Congo"),
    # Türkiye: the package's English common name is the new official form
    ("TR", "en", "Turkey"),
    # Myanmar
    ("MM", "es", "Birmania"),
    ("MM", "pt", "Birmânia"),
    # Falklands
    ("FK", "es", "Malvinas"),
    ("FK", "pt", "Malvinas"),
    # Vatican
    ("VA", "en", "Holy See"),
    ("VA", "es", "Santa Sede"),
    ("VA", "pt", "Santa Sé"),
    # Caribbean Netherlands: the island most often in the news
    ("BQ", "en", "Bonaire"),
    ("BQ", "es", "Bonaire"),
    ("BQ", "pt", "Bonaire"),
    # English short forms with "the"
    ("GM", "en", "The Gambia"),
    ("BS", "en", "The Bahamas"),
    # Spanish variants
    ("SA", "es", "Arabia Saudita"),
    ("QA", "es", "Qatar"),
    ("BH", "es", "Bahréin"),
    ("IQ", "es", "Iraq"),
    ("RO", "es", "Rumanía"),
    ("SR", "es", "Suriname"),
    ("BY", "es", "Belarús"),
    ("SZ", "es", "Esuatini"),
    ("GW", "es", "Guinea-Bissau"),
    ("ML", "es", "Malí"),
    # Portuguese (Brazilian spellings and common variants)
    ("AM", "pt", "Armênia"),
    ("EE", "pt", "Estônia"),
    ("RO", "pt", "Romênia"),
    ("KE", "pt", "Quênia"),
    ("IR", "pt", "Irã"),
    ("VN", "pt", "Vietnã"),
    ("YE", "pt", "Iêmen"),
    ("GL", "pt", "Groenlândia"),
    ("PL", "pt", "Polônia"),
    ("SI", "pt", "Eslovênia"),
    ("LV", "pt", "Letônia"),
    ("MK", "pt", "Macedônia do Norte"),
    ("MC", "pt", "Mônaco"),
    ("MG", "pt", "Madagascar"),
    ("SG", "pt", "Cingapura"),
    ("ZW", "pt", "Zimbábue"),
    ("CZ", "pt", "Tchéquia"),
    ("CZ", "pt", "República Tcheca"),
    ("QA", "pt", "Qatar"),
    ("BY", "pt", "Belarus"),
    ("TT", "pt", "Trindade e Tobago"),
]

# --------------------------------------------------------------------------
# English demonyms: corrections and additions (curated).
# --------------------------------------------------------------------------
# Territories whose package demonym is that of another country: dropped so
# that e.g. "American" does not point to the Northern Mariana Islands.
EN_DEMONYM_DROP_ISO = {"MP", "BQ", "TF", "SJ", "IO"}
# Package values that are wrong (the country name repeated).
EN_DEMONYM_FIXES = {
    ("GI", "Gibraltar"): "Gibraltarian",
    ("DJ", "Djibouti"): "Djiboutian",
}
EN_DEMONYM_EXTRA: list[tuple[str, str]] = [
    ("CV", "Cape Verdean"),
    ("EC", "Ecuadorian"),
    ("AR", "Argentinian"),
    ("PH", "Filipina"),
    ("SA", "Saudi"),
    ("TJ", "Tajik"),
    ("KG", "Kyrgyz"),
    ("KZ", "Kazakh"),
    ("UZ", "Uzbek"),
    ("GL", "Greenlander"),
    ("XK", "Kosovan"),
    ("GB", "Briton"),
    ("TR", "Turk"),
    ("ES", "Spaniard"),
    ("PL", "Pole"),
    ("DK", "Dane"),
    ("SE", "Swede"),
    ("FI", "Finn"),
    ("BB", "Bajan"),
]
# English plural by rule, with these exceptions.
EN_PLURAL_IRREGULAR = {
    "Czech": "Czechs",
    "Motswana": "Batswana",
    "Mosotho": "Basotho",
}
EN_PLURAL_NONE = {  # invariable or adjective-only forms
    "Malagasy", "I-Kiribati", "Ni-Vanuatu", "Burkinabe", "Greenlandic",
    "Vatican", "Kyrgyz", "Kirghiz",
}
EN_INVARIABLE_ENDINGS = ("ese", "ish", "ch", "sh", "ss", "s", "x", "z")

# --------------------------------------------------------------------------
# Flags.
# cs : match case-sensitively.  Given to (a) acronyms: surfaces whose letters
#      are all upper case, at least two of them (US, UK, EEUU, EE.UU., U.S.);
#      (b) capitalised surfaces whose lower-cased form is an ordinary word in
#      en/es/pt unrelated to the country (china = porcelain, peru = turkey
#      in pt, granada = grenade, reunión = meeting, ...).
# amb: surface that very often means something else in news text (a first
#      name or surname, a US state, a city, a region), plus every surface
#      that this file maps to more than one iso2.
# --------------------------------------------------------------------------
CS_WORDS = {
    "chad", "jordan", "turkey", "georgia", "guinea", "china", "niger", "togo",
    "mali", "malí", "chile", "peru", "india", "jersey", "guernsey", "malta",
    "granada", "reunión", "reunião", "bermuda", "bermudas", "polish", "pole",
    "poles", "swede", "swedes",
}
AMB_SURFACES = {
    "Georgia", "Georgian", "Georgians", "Jordan", "Chad", "Dominica", "Congo",
    "Niger", "Turkey", "Israel", "Armenia", "Granada", "Guadalupe", "Jersey",
    "America", "Holland", "Emirates", "Macedonia", "Timor", "Finn", "Finns",
    "Geórgia", "Guayana", "Montenegro", "Francia", "Santa Lucía", "Montserrat",
    "Virgin Islands", "Islas Vírgenes", "Ilhas Virgens",
    "Indian", "Indians", "indio", "india", "indios", "indias",
    "granadino", "granadina", "granadinos", "granadinas",
}

# Countries that must have es and pt demonyms (self-check of the curated file).
REQUIRED_DEMONYM_ISO = set(
    # Latin America and the Caribbean (sovereign states + Puerto Rico)
    "AR BO BR CL CO EC GY PY PE SR UY VE MX BZ GT SV HN NI CR PA "
    "CU DO HT JM TT BB BS AG DM GD KN LC VC PR "
    # North America, EU27, rest of Europe
    "US CA AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT "
    "RO SK SI ES SE GB CH NO RU UA TR "
    # Asia, Middle East, Africa, Oceania
    "CN JP KR IN PK AF IR IQ IL LB SY SA AE MA DZ NG ZA GW GH CV AU PH ID TH "
    "VN MY".split()
)


def log(msg: str) -> None:
    print(msg, file=sys.stderr)


# --------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------
def sri_sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def download_package(tmp: Path) -> list[dict]:
    spec = f"{PKG_NAME}@{PKG_VERSION}"
    log(f"npm pack {spec} ...")
    proc = subprocess.run(
        ["npm", "pack", spec, "--json", "--silent"],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"npm pack failed ({proc.returncode}):\n{proc.stderr}")
    info = json.loads(proc.stdout)
    tarball = tmp / info[0]["filename"]
    data = tarball.read_bytes()
    got = sri_sha512(data)
    if got != PKG_INTEGRITY:
        sys.exit(f"integrity mismatch for {spec}: got {got}, pinned {PKG_INTEGRITY}")
    with tarfile.open(tarball, "r:gz") as tf:
        member = tf.extractfile(PKG_MEMBER)
        if member is None:
            sys.exit(f"{PKG_MEMBER} not found in {tarball.name}")
        return json.loads(member.read().decode("utf-8"))


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def clean(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def is_latin(s: str) -> bool:
    return all("LATIN" in unicodedata.name(ch, "") for ch in s if ch.isalpha())


def capitalise_first(s: str) -> str:
    return s[0].upper() + s[1:] if s and s[0].islower() else s


def without_leading_the(s: str) -> str | None:
    for prefix in ("The ", "the "):
        if s.startswith(prefix) and len(s) > len(prefix):
            return s[len(prefix):]
    return None


def en_plural(word: str) -> str | None:
    if word in EN_PLURAL_IRREGULAR:
        return EN_PLURAL_IRREGULAR[word]
    if word in EN_PLURAL_NONE:
        return None
    last = word.split()[-1]
    if last.endswith(EN_INVARIABLE_ENDINGS):
        return None
    return word + "s"


def split_en_demonym(value: str) -> list[str]:
    """'Antiguan, Barbudan' / 'Kittitian or Nevisian' -> separate forms."""
    parts: list[str] = []
    for chunk in value.split(","):
        for p in chunk.split(" or "):
            p = clean(p)
            if p:
                parts.append(p)
    return parts


def is_acronym(s: str) -> bool:
    letters = [ch for ch in s if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------
def build(
    countries: list[dict], list_dropped: bool = False
) -> list[tuple[str, str, str, str, str, str]]:
    canonical: dict[str, str] = {}
    entries: set[tuple[str, str, str, str]] = set()  # (iso2, lang, kind, surface)
    used_fixes: set[tuple[str, str, str]] = set()
    used_alt: set[tuple[str, str]] = set()
    unknown_alt: list[tuple[str, str]] = []

    def add(iso2: str, lang: str, kind: str, surface: str) -> None:
        surface = clean(surface)
        if not surface:
            return
        entries.add((iso2, lang, kind, surface))
        stripped = without_leading_the(surface)
        if stripped:
            entries.add((iso2, lang, kind, stripped))

    for c in countries:
        iso2 = c["cca2"]
        assert len(iso2) == 2 and iso2.isupper(), iso2
        canonical[iso2] = clean(c["name"]["common"])

        # Names: English common/official, Spanish and Portuguese translations.
        raw_names: list[tuple[str, str]] = [
            ("en", c["name"]["common"]),
            ("en", c["name"]["official"]),
        ]
        for lang, key in (("es", "spa"), ("pt", "por")):
            tr = c.get("translations", {}).get(key, {})
            for field in ("common", "official"):
                if tr.get(field):
                    raw_names.append((lang, tr[field]))
        for lang, raw in raw_names:
            surface = clean(raw)
            key = (iso2, lang, surface)
            if key in NAME_FIXES:
                used_fixes.add(key)
                surface = NAME_FIXES[key]
                if surface is None:
                    continue
            add(iso2, lang, "name", capitalise_first(surface))

        # Aliases from altSpellings (reviewed allow-list).
        for raw in c.get("altSpellings", []):
            surface = clean(raw)
            key = (iso2, surface)
            if key in ALT_KEEP:
                used_alt.add(key)
                add(iso2, ALT_KEEP[key], "alias", surface)
            elif not (len(surface) == 2 and surface.isupper()) and is_latin(surface):
                unknown_alt.append(key)

        # English demonyms (m/f), split, fixed, pluralised.
        if iso2 not in EN_DEMONYM_DROP_ISO:
            dem = c.get("demonyms", {}).get("eng", {})
            for g in ("m", "f"):
                for form in split_en_demonym(dem.get(g, "")):
                    form = EN_DEMONYM_FIXES.get((iso2, form), form)
                    add(iso2, "en", "demonym", form)

    for iso2, lang, surface in EXTRA_ALIASES:
        assert iso2 in canonical, iso2
        add(iso2, lang, "alias", surface)
    for iso2, form in EN_DEMONYM_EXTRA:
        assert iso2 in canonical, iso2
        add(iso2, "en", "demonym", form)

    # English plurals by rule.
    for iso2, lang, kind, surface in sorted(entries):
        if lang == "en" and kind == "demonym":
            plural = en_plural(surface)
            if plural:
                entries.add((iso2, lang, kind, plural))

    # Hand-curated es/pt demonyms.
    with DEMONYMS_PATH.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        assert header == ["iso2", "lang", "demonym"], header
        for n, line in enumerate(fh, start=2):
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            assert len(parts) == 3, f"{DEMONYMS_PATH.name}:{n}: {line!r}"
            iso2, lang, surface = parts
            assert iso2 in canonical, f"{DEMONYMS_PATH.name}:{n}: unknown iso2 {iso2}"
            assert lang in ("es", "pt"), f"{DEMONYMS_PATH.name}:{n}: bad lang {lang}"
            assert surface == surface.strip() and surface, f"{DEMONYMS_PATH.name}:{n}"
            add(iso2, lang, "demonym", surface)

    # An alias identical to a name (same country and language) is redundant.
    names = {(i, l, s) for i, l, k, s in entries if k == "name"}
    entries = {e for e in entries if not (e[2] == "alias" and (e[0], e[1], e[3]) in names)}

    # Report table entries that no longer match the package (version drift).
    for key in sorted(set(NAME_FIXES) - used_fixes):
        log(f"note: NAME_FIXES entry not used: {key}")
    for key in sorted(set(ALT_KEEP) - used_alt):
        log(f"note: ALT_KEEP entry not found in package: {key}")
    log(f"altSpellings not kept (Latin script, not an ISO code, not in ALT_KEEP): {len(unknown_alt)}")
    if list_dropped:
        for iso2, surface in unknown_alt:
            log(f"  dropped altSpelling {iso2}: {surface}")

    # Flags.
    isos_by_surface: dict[str, set[str]] = defaultdict(set)
    for iso2, _lang, _kind, surface in entries:
        isos_by_surface[surface].add(iso2)

    def flags_for(surface: str) -> str:
        flags = []
        if is_acronym(surface) or (
            any(ch.isupper() for ch in surface) and surface.lower() in CS_WORDS
        ):
            flags.append("cs")
        if surface in AMB_SURFACES or len(isos_by_surface[surface]) > 1:
            flags.append("amb")
        return ",".join(flags)

    rows = [
        (iso2, canonical[iso2], lang, kind, surface, flags_for(surface))
        for iso2, lang, kind, surface in entries
    ]
    rows.sort(key=lambda r: (r[0], r[2], r[3], r[4]))
    return rows


def write_tsv(rows, path: Path) -> None:
    for r in rows:
        for field in r:
            assert "\t" not in field and "\n" not in field and "\r" not in field, r
    text = "\t".join(HEADER) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------
def self_check(rows) -> None:
    by_iso: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for iso2, canonical, lang, kind, surface, flags in rows:
        assert lang in LANGS and kind in KINDS, (iso2, lang, kind)
        assert surface and surface == surface.strip(), (iso2, surface)
        assert canonical and canonical == canonical.strip(), iso2
        assert set(filter(None, flags.split(","))) <= {"cs", "amb"}, flags
        by_iso[iso2].add((lang, kind, surface))
    assert len(rows) == len({(r[0], r[2], r[3], r[4]) for r in rows}), "duplicates"

    assert len(by_iso) >= 249, f"only {len(by_iso)} iso2 codes"
    for iso2, items in by_iso.items():
        assert any(l == "en" and k == "name" for l, k, _ in items), f"{iso2}: no en name"

    def has(iso2: str, *surfaces: str) -> None:
        got = {s for _, _, s in by_iso[iso2]}
        missing = [s for s in surfaces if s not in got]
        assert not missing, f"{iso2} missing {missing}"

    has("BO", "Bolivia", "Bolivian", "Bolivians", "boliviano")
    has("PE", "Perú", "Peru", "Peruvian", "Peruvians", "peruano")
    has("US", "United States", "Estados Unidos", "EEUU", "US", "U.S.",
        "estadounidense", "norte-americano", "American", "Americans")
    has("BR", "Brasil", "brasileño", "brasileiro")
    has("CO", "colombiano", "Colombians")
    has("CN", "Chinese")
    assert ("en", "demonym", "Chineses") not in by_iso["CN"]
    assert ("en", "demonym", "Frenchs") not in by_iso["FR"]

    for iso2 in sorted(REQUIRED_DEMONYM_ISO):
        langs = {l for l, k, _ in by_iso[iso2] if k == "demonym"}
        assert {"en", "es", "pt"} <= langs, f"{iso2}: demonyms only for {sorted(langs)}"

    flags = {(r[0], r[4]): r[5] for r in rows}
    assert "cs" in flags[("US", "US")] and "cs" in flags[("US", "EEUU")]
    assert "cs" in flags[("CN", "China")] and "amb" in flags[("JO", "Jordan")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="use this countries.json instead of npm pack")
    ap.add_argument("--out", type=Path, default=OUT_PATH, help="output path")
    ap.add_argument(
        "--list-dropped-alt",
        action="store_true",
        help="list the package altSpellings that were not kept (for review after a version bump)",
    )
    args = ap.parse_args()

    if args.json:
        countries = json.loads(args.json.read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory(prefix="build_countries_") as tmp:
            countries = download_package(Path(tmp))

    rows = build(countries, list_dropped=args.list_dropped_alt)
    self_check(rows)
    write_tsv(rows, args.out)

    counts: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        counts[(r[2], r[3])] += 1
    log(f"wrote {args.out} ({len(rows)} rows, {len({r[0] for r in rows})} countries)")
    for (lang, kind), n in sorted(counts.items()):
        log(f"  {lang} {kind:8s} {n}")


if __name__ == "__main__":
    main()
