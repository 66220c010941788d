"""Things named like people, told by the word that names the kind of thing beside them: a job title ends in its
role (`Customer Success Lead`), an institution or a venue stands before or after a name (`Lincoln Center`,
`Montessori Kinderhaus`, `Liceo Galileo Galilei`, `Casa Lucio`, `St Mary Magdalene`), a club carries its
abbreviation or a club's word (`Hertha BSC`, `Sporting Braga`), a car is its make and model (`Škoda Octavia`), and a
firm is its partners with a company's word (`Vieira e Filhos`, `van Geenen Groep`, `Grupo Rosales y Almaraz`).

Only words that are no common surname count where a name may end in them: `Hall`, `House`, `Park` and `Church`
end people's names as often as buildings', so `Albert Hall` stays a name. A make counts only as the first word,
before another: `Henry Ford` is a person, `Ford Fiesta` a car.
"""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_names import _given_names
from evalforge_assets.capture.pii_patterns import _word_set

# Roles that end a job title; none is a common surname.
_ROLES = _word_set(
    "lead manager engineer director officer specialist analyst coordinator consultant administrator architect "
    "developer designer representative advisor adviser executive supervisor intern recruiter accountant "
    "assistant technician scientist strategist auditor associate partner owner"
)
# Institutions and venues named after their word: after a name in English and German, before it in the Romance
# languages and for venues.
_INSTITUTIONS_AFTER = _word_set(
    "center centre museum theatre theater stadium arena academy college university institute hospital clinic "
    "foundation library gallery airport cathedral chapel memorial prize award medal trophy school kinderhaus "
    "kindergarten schule gymnasium grundschule universität klinik klinikum krankenhaus stiftung"
    " institut institutet instituut universiteit universitet université universidad hochschule politecnico"
    " polytechnic boardroom terminal station river canyon peninsula island islands glacier lagoon fjord reef"
    " desert highlands mountains prospekt"
)
_INSTITUTIONS_BEFORE = _word_set(
    "hotel hôtel café caffè restaurant ristorante trattoria taverna brasserie bistro bistrot osteria pizzeria "
    "casa château castello hacienda palazzo palacio schloss liceo lycée collège école colegio escuela "
    "scuola istituto instituto museo musée teatro théâtre hôpital ospedale fondation fundación fondazione "
    "fundação universidad università université universidade estadio stadio estádio clínica mount lake cape "
    "fort saint st st. sankt são politecnico politécnico politechnika politehnica universitatea uniwersytet "
    "univerzita universitat"
)
# Clubs: an abbreviation beside the name, or a word only clubs open with.
# Not `AC` or `SC`: after a name they are honours and ranks (`John Smith AC`, a Senior Counsel's `SC`).
_CLUB_ABBREVIATIONS = _word_set("FC AFC CF BSC SV VfB VfL TSG FK SK NK KV CD UD SD RC RCD SSC")
_CLUB_WORDS = _word_set(
    "sporting atlético athletic dynamo dinamo olympique hapoel maccabi racing deportivo borussia eintracht "
    "lokomotiv"
)
# Makes of cars and motorcycles that are no given name (not `Kia`, `Dacia`, `Lexus`). Those that are also
# surnames (`Ford`, `Honda`, `Ferrari`) are a make only before a word that is no given name: `Ford Focus`, but
# `Honda Keisuke` is a Japanese name written surname first.
_MAKES = _word_set(
    "toyota mazda subaru mitsubishi infiniti acura hyundai škoda skoda volkswagen vw audi bmw opel vauxhall "
    "peugeot renault citroën citroen fiat lancia seat cupra volvo saab chevrolet chevy chrysler buick cadillac "
    "gmc rivian tata mahindra maruti proton geely byd polestar maserati lamborghini porsche bugatti daihatsu "
    "isuzu iveco yamaha kawasaki ducati vespa"
)
_SURNAME_MAKES = _word_set("ford honda suzuki ferrari nissan")
# A firm's word after its partners' names (`Pinto e Filhos`, `Weber Group`) or before them (`Grupo Rosales`).
_FIRMS_AFTER = _word_set(
    "group groep gruppe grupo gruppo groupe grupa holding holdings partners associates sons söhne filhos fils "
    "hijos figli brothers bros industries enterprises consulting solutions services technologies systems labs "
    "ventures capital logistics motors foods pharma insurance realty asociados associados associés"
)
_FIRMS_BEFORE = _word_set(
    "grupo gruppo groupe grupa industrias corporación corporacion servicios laboratorios distribuidora "
    "comercial constructora inmobiliaria transportes club banco banca banque"
)
_FIRM_JOINERS = _word_set("and & e et y und és i và")
_VIETNAMESE_COMPANY = re.compile(r"[ \t]+Công[ \t]+ty\b")
_JOINED_WORD = re.compile(r"[ \t]+\S+[ \t]+([^\W\d_]+)")

_WORD_BEFORE = re.compile(r"([^\W\d_][\w.'’-]*)[ \t]+\Z")
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_][\w.'’-]*|&)")


def names_a_thing(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] names a job title, an institution, a venue, a club, a car or a
    firm, by the word of its kind inside it or beside it on its line."""
    words = text[start:end].split()
    if not words:
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    after = _WORD_AFTER.match(text, end)
    word_before = before.group(1) if before else ""
    word_after = after.group(1).rstrip(".,;:") if after else ""
    first, last = words[0], words[-1]
    several = len(words) > 1
    a_title = _capitalised_in(last, _ROLES) and (several or word_before[:1].isupper())
    an_institution = (
        _capitalised_in(word_after, _INSTITUTIONS_AFTER)
        or _capitalised_in(last, _INSTITUTIONS_AFTER)
        or _capitalised_in(word_before, _INSTITUTIONS_BEFORE)
        or (several and _capitalised_in(first, _INSTITUTIONS_BEFORE))
    )
    a_club = (
        word_after in _CLUB_ABBREVIATIONS
        or word_before in _CLUB_ABBREVIATIONS
        or _capitalised_in(word_before, _CLUB_WORDS)
        or (several and _capitalised_in(first, _CLUB_WORDS))
    )
    a_car = _a_car(words, word_after)
    return a_title or an_institution or a_club or a_car or _a_firm(text, end, words, word_before, word_after)


def _capitalised_in(word: str, kinds: frozenset[str]) -> bool:
    return word[:1].isupper() and word.lower() in kinds


def _a_car(words: list[str], word_after: str) -> bool:
    """A make first, then a model (`Škoda Octavia`, `Opel Astra`), read together or the make alone."""
    model = words[1] if len(words) > 1 else word_after
    if not (model[:1].isupper() or model[:1].isdigit()):
        return False
    if _capitalised_in(words[0], _SURNAME_MAKES):
        return model not in _given_names()
    return _capitalised_in(words[0], _MAKES)


def _a_firm(text: str, end: int, words: list[str], word_before: str, word_after: str) -> bool:
    several = len(words) > 1
    if _capitalised_in(word_before, _FIRMS_BEFORE) or (several and _capitalised_in(words[0], _FIRMS_BEFORE)):
        return True
    if _capitalised_in(word_after, _FIRMS_AFTER) or (several and _capitalised_in(words[-1], _FIRMS_AFTER)):
        return True
    if word_after.lower() in _FIRM_JOINERS:  # `Pinto e Filhos`: a joining word, then the firm's word
        partner = _JOINED_WORD.match(text, end)
        if partner is not None and _capitalised_in(partner.group(1), _FIRMS_AFTER):
            return True
    # `Đặng Bùi Công ty TNHH`: the name read may have taken in "Công", the first word of "company".
    return _VIETNAMESE_COMPANY.search(text, end - len(words[-1]) - 1, end + 12) is not None
