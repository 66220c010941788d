"""Street addresses a sentence names (`capture/pii_address_prose.py`): after an address word and "to", under an
address label, in quotes after an address word, on the old and new lines of a change request, and after a
delivery verb; and the sentences that look the same but name no street."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii, redact_text, rule_findings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Done! I changed the delivery address to Vinohradská 1204 and sent you a confirmation.",
         "Done! I changed the delivery address to <STREET_ADDRESS> and sent you a confirmation."),
        ("Klaar! Het bezorgadres is gewijzigd naar Lindelaan 47B en de bevestiging is verstuurd.",
         "Klaar! Het bezorgadres is gewijzigd naar <STREET_ADDRESS> en de bevestiging is verstuurd."),
        ("Sudah! Alamat baru diubah menjadi Jl. Merpati No. 12 dan kurir sudah diberi tahu.",
         "Sudah! Alamat baru diubah menjadi <STREET_ADDRESS> dan kurir sudah diberi tahu."),
        ("Zaktualizowałem adres dostawy na:\nul. Lipowa 17/4\n31-512 Kraków\nDziękujemy!",
         "Zaktualizowałem adres dostawy na:\n<STREET_ADDRESS>\n31-512 Kraków\nDziękujemy!"),
        ("- **Customer:** #4471\n- **Address:** 14/220 Banyan Crescent\n- **Plan:** Pro",
         "- **Customer:** #4471\n- **Address:** <STREET_ADDRESS>\n- **Plan:** Pro"),
        ('We could not validate the address "77 Quarry Bend". Check the house number.',
         'We could not validate the address "<STREET_ADDRESS>". Check the house number.'),
        ("Impossible de valider l'adresse « 12 impasse des Lilas ». Vérifiez le numéro.",
         "Impossible de valider l'adresse « <STREET_ADDRESS> ». Vérifiez le numéro."),
        ("Address change request T-88\nOld: Ørnevej 12\nNew: Søndergade 3, 8000 Aarhus\nEffective: 2026-05-01",
         "Address change request T-88\nOld: <STREET_ADDRESS>\nNew: <STREET_ADDRESS>\nEffective: 2026-05-01"),
        ("Your parcel left the hub and will be delivered to Kvetná 18 tomorrow before noon.",
         "Your parcel left the hub and will be delivered to <STREET_ADDRESS> tomorrow before noon."),
        ("kripya mera पता बदलकर 12/4 गांधी मार्ग कर दें", "kripya mera पता बदलकर <STREET_ADDRESS> कर दें"),
        # "to" before the address word, the value right after it
        ("Balík pošleme na adresu Lipová 14, Trnava.", "Balík pošleme na adresu <STREET_ADDRESS>."),
        ("Paczkę wyślemy na adres Klonowa 7 jutro rano.", "Paczkę wyślemy na adres <STREET_ADDRESS> jutro rano."),
    ],
)
def test_streets_a_sentence_names_are_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The wallet address changed to Vault 7 at 10:00",  # another kind of address
        "The issue was addressed in Release 12 notes",  # a verb
        "Server address: app-server 8080",
        "changed server address to app-server 8080",
        "Email address updated to support desk 2",
        "Please update the address to match invoice 4411",  # ordinary words, no street
        "Address change request PLAT-5432 failed: retry 3 of 5",
        "The batch was shipped to Berlin 2019 and archived",  # a year, not a house number
        "moved to the warehouse 3 yesterday",
        "New: 3 errors\nOld: 5 errors",  # old and new lines with no address word in the text
        "Address book sync: see /api/v2/address/12 for details",
        "We need to address 5 issues before the release",  # a verb after "to"
        "Switch to the address bar 3 times and reload",
    ],
)
def test_sentences_that_name_no_street_stay(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("moje zamówienie nadal nie dotarło na adres ul. Sikorskiego 421\n50-072 Łomża.", "ul. Sikorskiego 421"),
        ("zostaw paczkę u sąsiada: al. Jeżynowa 76/64, dziękuję", "al. Jeżynowa 76/64"),
        ("na adres plac Wróblewskiego 49 proszę", "plac Wróblewskiego 49"),
        ("Livrare la Str. Mihai Eminescu nr. 12, bl. 3", "Str. Mihai Eminescu nr. 12"),
        ("Szállítási cím: Kossuth Lajos utca 5., kapucsengő 12", "Kossuth Lajos utca 5."),
        ("Doručte na nám. Míru 5, prosím", "nám. Míru 5"),
        # Baltic: Lithuanian abbreviations in lower case, Latvian and Estonian type words after the name
        ("Mano adresas Vytauto g. 7, Utena", "Vytauto g. 7"),
        ("siuntinį palikite Ukmergės pr. 41-3, ačiū", "Ukmergės pr. 41-3"),
        ("Piegādes adrese Dzirnavu iela 18, Rīga", "Dzirnavu iela 18"),
        ("Saatke pakk Tallinna mnt 22, Narva", "Tallinna mnt 22"),
    ],
)
def test_central_european_street_lines_are_redacted(text: str, street: str) -> None:
    redacted = redact_text(text, {})
    assert street not in redacted, redacted
    assert "<STREET_ADDRESS>" in redacted


def test_central_european_type_words_alone_are_no_address() -> None:
    text = "The utca field and the ul element: ul 5 items. See pl. 3 of the report, and Str. 5 of the spec."
    assert redact_text(text, {}) == text


def test_a_street_after_to_the_address_is_found_with_the_learned_look_only() -> None:
    # among the rules the person model is trained on, these streets moved its training words
    text = "Paczkę wyślemy na adres Klonowa 7 jutro rano."
    assert [m.value for m in find_pii(text)] == ["Klonowa 7"]
    assert rule_findings(text) == []


def test_baltic_abbreviations_in_capitals_are_initials_and_sections() -> None:
    text = "See Appendix G. 5 and Table Pr. 2 for the figures."
    assert redact_text(text, {}) == text


def test_a_street_line_starts_at_a_capital_not_at_a_lower_case_letter_of_latin_extended_a() -> None:
    # `į` (to) lies between capitals in Unicode's Latin Extended-A, where upper and lower case alternate
    found = [m.value for m in find_pii("Pristatyti į Jaunystės al. 2, Marijampolė") if m.entity == "STREET_ADDRESS"]
    assert found == ["Jaunystės al. 2"]


@pytest.mark.parametrize(
    ("text", "street"),
    [
        # Spoken answers: the utterance starts with the address word or "I live", with no "to" or colon.
        ("[00:33] מתקשר: הכתובת אשדוד 17", "אשדוד 17"),
        ("клиент: адрес ул светлая д 16", "ул светлая д 16"),
        ("caller: my address is 14 elm grove", "14 elm grove"),
        ("user: i live at 22 acacia avenue", "22 acacia avenue"),
        ("[00:41] klient: mieszkam pl mickiewicza 731", "pl mickiewicza 731"),
        ("[00:29] arayan: adresim cumhuriyet mah papatya sok no:46 d:13", "papatya sok no:46"),
    ],
)
def test_spoken_addresses_are_redacted(text: str, street: str) -> None:
    redacted = redact_text(text, {})
    assert street not in redacted, redacted
    assert "<STREET_ADDRESS>" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "agent: address validation failed for 3 users",
        "address 10 issues before the release",
        "we live in 2024 now, not 1999",
        "caller: i live at home with 2 cats",
    ],
)
def test_spoken_cues_without_a_street_stay(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After an address cue, an English street's whole form vouches for words English also has.
        ("caller: my address is 14 elm grove", "caller: my address is <STREET_ADDRESS>"),
        ("i moved to 45 maple drive last week", "i moved to <STREET_ADDRESS> last week"),
        ("User: the dinner moved to 66 thompson street (it's for work)",
         "User: the dinner moved to <STREET_ADDRESS> (it's for work)"),
    ],
)
def test_english_streets_after_a_cue_are_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my address is 12 oak avenue to fix",  # English words after the street's type: a sentence, not a place
        "the address is 3 easy ways to fix it",
        "ship to warehouse 3 tomorrow",
    ],
)
def test_english_words_after_a_cue_are_no_street(text: str) -> None:
    assert "<STREET_ADDRESS>" not in redact_text(text)


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("im at 3 station road", "3 station road"),
        ("I'm at 12 high street", "12 high street"),
        ("Officers spoke to the occupant of 7 Cedar Close", "7 Cedar Close"),
        ("resident at 5 kingfisher way", "5 kingfisher way"),
    ],
)
def test_where_someone_lives_or_is_vouches_for_an_english_street(text: str, street: str) -> None:
    assert street not in redact_text(text)


@pytest.mark.parametrize(
    "text",
    ["I'm at 3 different meetings today", "we are at 2 stops from the main road", "im at 5 percent battery"],
)
def test_being_at_a_number_of_other_things_stays(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Petr Franek street: Benákova 20", "Benákova 20"),  # a street's word as a label
        ("Ulice: Kamaufova 12", "Kamaufova 12"),
        ("Billing address Benákova 20", "Benákova 20"),  # the value straight after the address word
        ("address ....... Záporožská 230", "Záporožská 230"),  # a form's dotted leader
        ("Jana Veselá, bytem Benákova 20", "Benákova 20"),  # Czech "residing at"
        ("Proszę wysłać pod adres Záporožská 230.", "Záporožská 230"),  # Polish "to the address"
        ("Jakou máte novou adresu? Mám Benákova 20.", "Benákova 20"),  # the answer on the question's line
        ("Ποια είναι η διεύθυνση αποστολής; Έχω Παναρίτη 181.", "Παναρίτη 181"),  # Greek asks with `;`
    ],
)
def test_streets_after_later_cues_are_found_with_the_learned_look_only(text: str, street: str) -> None:
    assert [m.value for m in find_pii(text) if m.entity == "STREET_ADDRESS"] == [street]
    assert not [m for m in rule_findings(text) if m.entity == "STREET_ADDRESS"]  # the model's training words hold


@pytest.mark.parametrize(
    "text",
    [
        "Wall Street: 5 reasons to buy",  # the label's value starts with a number of things, in English words
        "street: 2019 Berlin",  # a year is no house number
        "Shipping address Line 2 Suite 5",  # a form's field: no word outside English
        "billing address benákova 20 was wrong",  # straight after the word, the value starts with a capital or a number
        "The address 10.0.0.1 is down",
        "What's your address? I have 2 kids and 3 dogs",  # no capitalised or numbered street after "I have"
        "Address updated; it is 5 business days until delivery",
    ],
)
def test_later_cues_before_no_street_stay(text: str) -> None:
    assert not [m for m in find_pii(text) if m.entity == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "streets"),
    [
        # a later key's value is its own, not the address word's: a delivery window, a floor, a gate code
        ('{"address": "Lindelaan 47B", "country": "NL", "window": "Dinsdag 09-12"}', ["Lindelaan 47B"]),
        ('{"shipping_address": "Kvetná 18", "slot": "pondělí 14-17", "gate": "Brána 2"}', ["Kvetná 18"]),
        # keys for a part of an address, and a form step's value for the address field, are the address's
        ('{"address": "Lindelaan 47B", "line2": "Achterhuis 3"}', ["Lindelaan 47B", "Achterhuis 3"]),
        ('{"action": "fill", "selector": "#address1", "value": "14/220, Banyan"}', ["14/220, Banyan"]),
        ('{"tool": "normalizar_direccion", "calle": "Retorno Sur Fierro 655"}', ["Retorno Sur Fierro 655"]),
    ],
)
def test_a_quoted_value_after_an_address_word_is_a_street_only_as_the_addresss_own(
    text: str, streets: list[str]
) -> None:
    assert [m.value for m in find_pii(text) if m.entity == "STREET_ADDRESS"] == streets


def test_a_later_keys_value_is_left_alone_with_the_learned_look_only() -> None:
    # among the rules the person model is trained on, leaving these values moved its training words
    text = '{"address": "Lindelaan 47B", "country": "NL", "window": "Dinsdag 09-12"}'
    assert [m.value for m in rule_findings(text) if m.entity == "STREET_ADDRESS"] == ["Lindelaan 47B", "Dinsdag 09-12"]
