"""Street addresses in the shapes Europe and the Americas write them, found without sentence cues:

* number first: `503 Charles Street`, `24 Francis Ford Suite 7`, `32, rue Sébastien Gomez` (US, UK, France);
* unit first: `Flat 85K\\nMarion Manors`, `Studio 7 Kerry Lock` (UK);
* street type first: `Calle de Casemiro Mayoral 238`, `Rua Isabel Casa Grande, 40`, `Viale Pedroni, 24`
  (Spain, Portugal, Brazil, Italy, France);
* compound name ending in a street word, then a number: `Inga-Buchholz-Straße 7809`, `Wesleydreef 6`
  (Germany, Austria, Switzerland, Netherlands, Belgium).

usaddress parses a string already known to be an address; it cannot find one inside a log line, so these
patterns find the candidates. A number followed by capitalised words is what makes the number-first shape an
address and not a count ("3 Retries"): it needs two capitalised words, the last of them a street word, or a
unit word before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
# English street types, as postal services abbreviate them too.
_EN_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Court|Ct|Boulevard|Blvd|Way|Place|Pl|Square|Sq|Terrace|"
    r"Close|Crescent|Gardens|Grove|Hill|Hills|Park|Parkway|Pkwy|Circle|Cir|Trail|Highway|Hwy|Village|Light|"
    r"Lights|Ford|Fords|Center|Centre|Mews|Row|Walk|Shore|Shores|Trace|Union|Unions|Green|Greens|Manor|"
    r"Manors|Lock|Locks|Mission|Stravenue|Plaza|Loop|Pass|Path|Pike|Point|Points|Port|Ridge|Run|Spur|Station|"
    r"Summit|Track|Turnpike|View|Views|Vista|Wall|Well|Wells|Estate|Estates|Expressway|Extension|Falls|Ferry|"
    r"Field|Fields|Flat|Flats|Forest|Forge|Fork|Fort|Freeway|Garden|Gateway|Glen|Harbor|Haven|Heights|"
    r"Hollow|Inlet|Island|Isle|Junction|Key|Keys|Knoll|Lake|Lakes|Landing|Meadow|Meadows|Mill|Mills|Motorway|"
    r"Mount|Mountain|Neck|Orchard|Oval|Overpass|Pine|Pines|Plain|Plains|Prairie|Radial|Ramp|Ranch|Rapid|"
    r"Rapids|Rest|Route|Skyway|Spring|Springs|Squares|Stream|Crossing|Crossroad|Curve|Dale|Dam|Divide|"
    r"Canyon|Cape|Causeway|Cliff|Cliffs|Club|Common|Commons|Corner|Corners|Course|Courts|Cove|Coves|Creek|"
    r"Bay|Bayou|Beach|Bend|Bluff|Bluffs|Bottom|Branch|Bridge|Brook|Brooks|Burg|Burgs|Bypass|Camp|Alley|"
    r"Annex|Arcade|Hills|Crest|Underpass|Valley|Valleys|Viaduct|Ville|Throughway|Tunnel|Shoal|Shoals|Lodge|"
    r"Loaf|Lodge|Hwy|Ests|Cswy"
)
_NUMBER_FIRST = re.compile(
    rf"(?<![\w.,/-])\d{{1,6}}[A-Za-z]?,?[ \t]+(?:{_WORD}[ \t]+){{1,3}}(?:{_EN_TYPES})s?\b\.?"
    r"(?:[ \t,]+(?:Suite|Apt\.?|Unit|Apartment|Floor)[ \t]+\d+\w?)?"
)
_UNIT_FIRST = re.compile(
    rf"\b(?:Flat|Studio|Apartment|Apt\.?|Unit|Suite)[ \t]+\d+\w?,?\s+{_WORD}(?:[ \t]+{_WORD}){{0,3}}"
)
# French writes the street type in lower case after the number: "32, rue Sébastien Gomez".
_FR_TYPES = r"rue|avenue|boulevard|chemin|allée|impasse|place|quai|route|cours|square|passage|voie"
_FRENCH = re.compile(
    rf"(?:(?<![\w.,/-])\d{{1,5}}(?:[ \t]?(?:bis|ter))?,?[ \t]+)?(?i:{_FR_TYPES})[ \t]+"
    rf"(?:(?:de|du|des|de la|d'|l')[ \t]*)?{_WORD}(?:[ \t]+{_WORD}){{0,3}}"
)
# Street types written first, capitalised, in Spanish, Portuguese and Italian.
_ROMANCE_TYPES = (
    r"Calle|Avenida|Av\.|Plaza|Paseo|Camino|Carrer|Pasaje|Ronda|Rambla|Glorieta|Callejón|Cañada|Carretera|"
    r"Urbanización|Vial|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Contrada|Borgo|Strada|Canale|Incrocio|"
    r"Rotonda|Stretto|Rua|Travessa|Praça|Alameda|Estrada|Rodovia|Praia|Vereda|Ladeira|Quadra|Setor|Lagoa|"
    r"Residencial|Conjunto|Núcleo|Condomínio|Vila|Passeio|Sítio|Chácara|Fazenda|Distrito|Jardim|Parque|"
    r"Loteamento|Favela|Morro|Aeroporto|Recanto|Feira|Trecho|Viela|Esplanada|Colônia|Lago|Área|Campo|Rampa|"
    r"Acesso|Ponte|Travesía|Senda|Ruela|Salita|Galleria|Piazzetta|Via privata|Avinguda|Cuesta|Acceso|Subida|"
    r"Bajada|Sector|Polígono|Estação|Passarela|Calçada|Beco|Servidão|Avda\.|C\.|Pza\.|Pº"
)
_ROMANCE = re.compile(
    rf"\b(?:{_ROMANCE_TYPES})[ \t]+(?:(?:de|da|do|dos|das|del|della|dei|di|la|le|los|las)[ \t]+)?"
    rf"{_WORD}(?:[ \t]+{_WORD}){{0,3}}(?:,?[ \t]+\d{{1,5}}\w?(?:[ \t]+(?:Piso|Puerta|Appartamento|Piano|Interno|"
    r"Apto\.?|Casa|Bloco|Esc\.?)[ \t]+\d+\w?)?)?"
)
# German and Dutch compounds: Hauptstraße 5, Inga-Buchholz-Straße 7809, Binnerring 501, Wesleydreef 6.
_COMPOUND = re.compile(
    r"\b[A-ZÄÖÜ][\w'’-]*(?i:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|"
    r"markt|hof|berg|graben|laan|straat|plein|gracht|kade|singel|dijk|steeg|baan|dreef|pad|park|hoven|"
    r"wal|erf|plantsoen|veld|weide|zoom|lei|hof|boulevard|kanaal|straatweg|laan)[ \t]+\d{1,5}[a-zA-Z]?(?:[-/]\d{1,5}[a-zA-Z]?)?\b"
)
# Cheap tests that say which pattern could match, so most texts cost a few substring searches.
_NUMBER_THEN_WORD = re.compile(r"\d,?[ \t]+[A-ZÀ-ÖØ-Þ]")
_UNIT_WORDS = ("Flat", "Studio", "Apartment", "Apt", "Unit", "Suite")
_FR_WORDS = tuple(_FR_TYPES.split("|"))
_ROMANCE_WORDS = tuple(word.rstrip(".\\") for word in _ROMANCE_TYPES.split("|"))
_COMPOUND_TAIL = re.compile(
    r"(?i:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|markt|hof|berg|graben|"
    r"laan|straat|plein|gracht|kade|singel|dijk|steeg|baan|dreef|pad|park|hoven|wal|erf|plantsoen|veld|weide|"
    r"zoom|lei|boulevard|kanaal)[ \t]+\d"
)


def find_addresses(text: str) -> Iterator[Candidate]:
    """Street addresses (without city or postcode lines, which identify no one on their own)."""
    patterns = []
    lowered = text.lower()
    if any(word in lowered for word in _FR_WORDS):
        patterns.append(_FRENCH)
    if any(word in text for word in _ROMANCE_WORDS):
        patterns.append(_ROMANCE)
    if _NUMBER_THEN_WORD.search(text):
        patterns.append(_NUMBER_FIRST)
    if any(word in text for word in _UNIT_WORDS):
        patterns.append(_UNIT_FIRST)
    if _COMPOUND_TAIL.search(text):
        patterns.append(_COMPOUND)
    for pattern in patterns:
        for match in pattern.finditer(text):
            yield "STREET_ADDRESS", match.start(), match.end()
