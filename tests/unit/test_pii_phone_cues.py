"""Phone numbers without a country prefix are redacted only where words say they are phone numbers (a bare
nine-digit group is also an id or an amount): a callback number, and a number a few words after `sms`."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii, redact_text


@pytest.mark.parametrize("text", [
    "callback number: 538 536 986",
    "callback: 538 536 986",
    "sms to 669 820 176 failed",
    "sms sent to 22 177 82 37",
])
def test_a_number_the_words_call_a_phone_number_is_redacted(text: str) -> None:
    assert "<PHONE>" in redact_text(text) and not any(group in redact_text(text) for group in ("536", "820", "177"))


@pytest.mark.parametrize("text", [
    "callback took 538 ms",
    "callback_url: https://hooks.example.org/cb",
    "sms batch 669 of 820 sent",
    "order 538 536 986 shipped",
])
def test_other_numbers_near_those_words_stay(text: str) -> None:
    assert [match for match in find_pii(text) if match.entity == "PHONE"] == []


def _phones(text: str) -> list[str]:
    return [text[match.start:match.end] for match in find_pii(text) if match.entity == "PHONE"]


@pytest.mark.parametrize(("text", "number"), [
    ("Olá Lourenço, ligue para 964945378 até às 23:03.", "964945378"),  # Portuguese "call"
    ("A cliente Emma pediu retorno no 913 579 259 (protocolo JIRA-522098).", "913 579 259"),
    ("Min ordre er ikke kommet. Ring på 86051934 eller skriv til mig.", "86051934"),  # Danish "call on"
    ("Hívjanak a (79)/809-6399 számon.", "(79)/809-6399"),  # Hungarian "call"
    ("Proszę o kontakt pod nr 888-628-994.", "888-628-994"),  # Polish "at number"
    ("El Sr. Espejo dejó su cel 685367416 para la entrega.", "685367416"),  # Spanish "cell"
    ("моб.: 89997759629, счёт FV/2025/70212", "89997759629"),  # Russian "mobile"
    ("Joanne promised a roadmap call next week. Best number for him: 339050527.", "339050527"),
    ("order #54720645 | qty 3 | contact 233-74596 | delivery 2025-12-01", "233-74596"),
])
def test_a_number_after_a_word_for_calling_or_a_mobile_is_a_phone(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize("text", [
    "CRM contact 48213377 updated",  # bare digits after `contact`: a record's id
    "Contact ID: 48213377",  # an id's noun between the cue and the number
    "kontakt nr 48213377",
    "phone order 12345678 shipped",
])
def test_a_record_s_number_after_a_phone_word_stays(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Könnte mich bitte jemand unter 00960313798 zurückrufen?", "00960313798"),  # the number before the verb
    ("Bitte unter 0171 2345678 anrufen", "0171 2345678"),
    ("Lütfen beni 820 1 410 numarasından geri arayın.", "820 1 410"),
    ("¿Alguien me puede devolver la llamada al 1-106-815-9190x82722?", "1-106-815-9190x82722"),  # and its extension
    ("Berit ønsker å bli ringt opp på 90088840.", "90088840"),
    ("Potete contattarmi al 3902222531 oppure via mail.", "3902222531"),
    ("Шилова просит перезвонить по номеру 89525512990.", "89525512990"),
    ("Me pueden localizar en el 693890325 o por correo.", "693890325"),
    ("my new number is 1-005-407-1944, please update it", "1-005-407-1944"),
])
def test_a_number_a_request_to_call_names_is_a_phone(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize("text", [
    "#9415316 numaralı siparişinizle ilgili mesajınız için teşekkürler",  # "numbered": an order
    "Bestellung 12345678 anrufen",  # an order's noun before the number
])
def test_a_numbered_thing_before_a_verb_stays(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("[00:19] מתקשר: המספר שלי 97 250 121 0790", "97 250 121 0790"),  # Hebrew "my number"
    ("कॉलर: मेरा नंबर 91 91 77 59 74 18", "91 91 77 59 74 18"),  # Hindi "my number"
    ("رقم الجوال: 0551234567", "0551234567"),
    ("โทร 081-234-5678", "081-234-5678"),
    ("số điện thoại 0912 345 678", "0912 345 678"),
])
def test_the_phone_words_of_scripts_without_latin_letters_are_cues(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize(("text", "number"), [
    ("ok so tell yutika to ping me at 5609827875 once the deploy is done", "5609827875"),
    ("si personne répond appelle édith au 7915901544, le code wifi", "7915901544"),  # French "call"
    ("el timbre no sirve asi q marquen al 5572767 jaja", "5572767"),  # Spanish "dial"
    ("có gì gọi 00 4568021", "00 4568021"),  # Vietnamese "call"
    ("Geri arama numarası: 0016 255 95 29.", "0016 255 95 29"),  # Turkish "callback number"
    ("CTCM: 63/810 7240", "63/810 7240"),  # a booking's contact mobile
    ("Márton telefonált a(z) 53/530 7986 számról a(z) #4455782 rendelés ügyében", "53/530 7986"),  # "from number"
    ("Office 8152 7873", "8152 7873"),  # a weak cue before a number written as one
    ("Office: 0423057854", "0423057854"),  # or with a trunk's 0
    ("Looping in Curro Montalbán (93 819 24 35 x4165).", "93 819 24 35 x4165"),  # a bracket around the number
])
def test_more_words_for_calling_and_a_number_in_brackets(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize("text", [
    "office 1234567 rooms booked",  # bare digits after `office`
    "Registered office: RCS Paris B 812 345 678",  # a register's number
    "Timestamp outside the tolerance zone (1768527405)",  # epoch seconds in brackets
])
def test_an_office_s_register_and_a_bracketed_timestamp_stay(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("if anyone needs me after, I'm on (351) 270 558 059", "(351) 270 558 059"),  # "I'm on" a number
    ("im on 0412 345 678 till 5", "0412 345 678"),
    ("We'll text a reminder to 466 56 879 and send the confirmation", "466 56 879"),
    ("Voicemail from 813 72 18: Hi, this is Sandra", "813 72 18"),
    ("Observation: the clinic line 78/633 3706.", "78/633 3706"),  # `line` is a weak cue
    ("reach me at (+358) 768808350 please", "(+358) 768808350"),  # a country code's plus in parentheses
    (("call_id,from,to,duration_s,outcome\ne30a0272,0203041453,0355149342,883,busy\n"
      "65715c09,0059945355,(+358) 768808350,3,voicemail"), "(+358) 768808350"),  # and so in a table's cell
])
def test_being_on_a_number_texting_a_line_and_a_bracketed_plus(text: str, number: str) -> None:
    assert number in _phones(text)


@pytest.mark.parametrize("text", [
    "see line 1234567 of the dump",  # bare digits after `line`: a line's number
    "I'm on build 20240506 now",  # an id's noun between
    "total 1,234,567 and 12,+3456789",  # digits after a comma that no plus opens
])
def test_a_line_number_and_comma_groups_stay(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Il mio numero diretto è 385488760.", "385488760"),  # one's direct number
    ("Közvetlen számom: (91)/506-7956.", "(91)/506-7956"),
    ("Numărul meu direct este 46558762", "46558762"),
    ("Mój numer bezpośredni: 46558762", "46558762"),
    ("Ma ligne directe est le 46558762", "46558762"),
    ("Jeg heter Rebecca, mit nummer er 46558762", "46558762"),
    ("Suora numeroni on 46558762", "46558762"),
    ("Tommy varslet vakthavende på 49419955.", "49419955"),  # Norwegian: "notified the on-call at"
    ("Bed 4 – Gavin Aguilar (75) – falls risk NOK 7871-2394", "7871-2394"),  # a handover's next of kin
    ("urine sent, wife visiting in the morning NOK 00965595290", "00965595290"),
])
def test_one_s_direct_number_and_a_next_of_kin_s_are_phones(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize("text", [
    "Numărul meu de comandă este 46558762",  # "my order number": the bare phrase is not a cue
    "Contract value NOK 12 500 000 over three years",  # the krone, in thousands' groups
    "falls risk NOK 95179346",  # bare digits after `NOK`, a weak cue
    "the audit said nok 7871-2394",  # `NOK` in capitals only
])
def test_an_order_s_number_and_an_amount_in_krone_stay(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Viewings by appointment with Gladys Tapia (Coldwell Banker) on (2) 8769 3802.", "(2) 8769 3802"),  # area code
    ("BIANKA BAZYLUK\nT (71) 246 51 17  M +48664507428", "(71) 246 51 17"),
    ("new number: 031 923 752. old one is dead since 2025-08-26", "031 923 752"),
    ("not yet. try my landline 21 487 7588 after 17:45", "21 487 7588"),
    ("can someone from AXA call me back on 0005 970740 about my claim?", "0005 970740"),
    ("Done — a call-back to 0005 970740 is scheduled for Monday", "0005 970740"),
])
def test_an_area_code_in_parentheses_a_landline_and_a_call_back(text: str, number: str) -> None:
    assert number in _phones(text)


@pytest.mark.parametrize("text", [
    "Smith v Jones (2019) 12 345 was cited",  # four digits in parentheses: a year
    "registered callback to handler 12345678",  # a program's callback
])
def test_a_year_in_parentheses_and_a_program_s_callback_stay(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Vedant said you'd call back and nobody did. the number is 00377919897. ticket BILL-2628", "00377919897"),
    ("[00:31] caller: and the number is 35 38 73 26 66 37", "35 38 73 26 66 37"),  # `the number is`, weak
    ("WhatsApp opt-in confirmed for 80312339246 (campaign SPRING24)", "80312339246"),
])
def test_the_number_is_and_a_whatsapp_opt_in(text: str, number: str) -> None:
    assert _phones(text) == [number]


def test_bare_digits_after_the_number_is_stay() -> None:
    assert _phones("the number is 12345678 and it keeps growing") == []


@pytest.mark.parametrize(("text", "number"), [
    ("SMS/e-mail notifications: 6217348317 · anthony@example.com", "6217348317"),  # 23 characters after the cue
    ("2022-03-16T08:51:55.962Z sms.outbound to=06-3/5258101 template=shipping", "06-3/5258101"),  # no date: two seps
])
def test_a_cue_reaches_past_a_longer_label_and_mixed_separators_make_no_date(text: str, number: str) -> None:
    assert number in _phones(text)


@pytest.mark.parametrize("text", [
    "sms sent 06/03/2024 ok",
    "mobile verified 12-11-2023 by the agent",
    "phone: 31.01.2024",
])
def test_a_date_written_day_or_month_first_after_a_phone_word_stays(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "numbers"), [
    ("Dial-in: (415)203 7781 · 8897310462 (PIN 2210)", ["(415)203 7781", "8897310462"]),
    ("Tel. 030 2298 7710, 98314472 or 1127 3316", ["030 2298 7710", "98314472", "1127 3316"]),
])
def test_a_cues_number_opens_a_list_of_numbers(text: str, numbers: list[str]) -> None:
    assert _phones(text) == numbers


@pytest.mark.parametrize("text", [
    "phone 0301 554 2211, 12345678 rows",  # a count after a list's mark, as bare digits without a trunk's 0
    "contact 0301554221, 98765432",  # a weak cue lists no bare digits
    "phone 0301 554 2211, 2024-03-05",
])
def test_what_follows_a_cues_number_is_not_always_a_number_of_the_list(text: str) -> None:
    assert len(_phones(text)) == 1


def test_a_bracket_closed_after_a_number_ends_it() -> None:
    assert _phones("보호자: 김민준 ( 031-552-8874 ) 2023. 6. 2. 검사") == ["031-552-8874"]


@pytest.mark.parametrize(("text", "phone"), [
    # a bracket around a whole number ends it: the amount after it is no part of it
    ("1.: Kovács Anna ügyfélnél (+36 30 123 4567) 12 000 Ft tartozás", "(+36 30 123 4567)"),
    ("2.: Nagy Béla hívta (06-1-234-5678) 15 500 Ft", "(06-1-234-5678)"),
    ("telefon: +36 30 123 4567) 12 000 Ft", "+36 30 123 4567"),
    # after an area code in brackets the number goes on
    ("Call (555) 123 4567 now", "(555) 123 4567"),
    ("tel: +44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
    ("form_data=\"name=G+C&phone=(502)+341-0399&message=hi\"", "502)+341-0399"),
])
def test_a_bracket_around_a_whole_number_ends_it(text: str, phone: str) -> None:
    assert _phones(text) == [phone]


@pytest.mark.parametrize("text", [
    "Jeg har mobilepayet 1.234,50 kr. til dig",  # a payment app's verb, no phone's key
    "MobilePay: 2.499,00 kr. modtaget",
])
def test_a_word_that_starts_like_a_phones_key_and_names_none_keeps_its_number(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("10:40 J. Moss: Spoke to Priya (tenant) on 4927316605; she confirms the damp", "4927316605"),
    ("Met the buyer. Follow up Monday on 915 22 408.", "915 22 408"),
    ("talked with Ana on 4927316605 after lunch", "4927316605"),
])
def test_a_call_a_note_reports_or_plans_gives_its_number(text: str, number: str) -> None:
    assert number in _phones(text)


@pytest.mark.parametrize("text", [
    "followed up on 12345678 tickets this week",  # a matter followed up, no one called
    "Spoke to Henry on 20240105 about the lease",  # a compact date
])
def test_a_matter_followed_up_or_a_date_is_no_number_called(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(("text", "number"), [
    ("With questions, please contact the building manager, Ana Lima, at 3492 2427. She will", "3492 2427"),
    ("please contact your property manager, Jo Ann Smith-Baker, at 4812 7730 today", "4812 7730"),
])
def test_a_role_to_contact_gives_the_number_written_as_a_phones(text: str, number: str) -> None:
    assert number in _phones(text)


def test_bare_digits_after_a_role_to_contact_stay() -> None:
    assert _phones("contact the team at 12345678 for access") == []
