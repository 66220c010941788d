"""Names under a key that names a person and before an e-mail address in angle brackets
(`capture/pii_names_keys.py`), in any script; and the keys and senders that name tools, teams and products."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"ticket": "OPS-12", "reporter": "高橋美咲", "assignee": "Joaquín Arrieta"}',
         '{"ticket": "OPS-12", "reporter": "<PERSON>", "assignee": "<PERSON>"}'),
        # JSON inside a JSON string, its quotes escaped.
        ('{"arguments": "{\\"ticket_id\\": \\"SUP-7\\", \\"assignee\\": \\"山本 健\\"}"}',
         '{"arguments": "{\\"ticket_id\\": \\"SUP-7\\", \\"assignee\\": \\"<PERSON>\\"}"}'),
        ("cardholder_name='Ngozi Eze' amount=12.00", "cardholder_name='<PERSON>' amount=12.00"),
        ('{"first_name": "Wojciech", "last_name": "Zieliński"}', '{"first_name": "<PERSON>", "last_name": "<PERSON>"}'),
        ("Organizer: Ilse Vandermeer <ilse@example.org>\nAttendees: Tomás Ruiz <t.ruiz@example.org>",
         "Organizer: <PERSON> <<EMAIL>>\nAttendees: <PERSON> <<EMAIL>>"),
    ],
)
def test_names_their_key_or_address_vouches_for_go(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "geocode", "arguments": {}}',  # a bare name key names tools
        '{"owner": "Platform Team", "assignee": "unassigned", "reporter": "jira-bot"}',
        '{"author": "Renovate Bot", "requester": "Build Pipeline"}',
        '{"full_name": "customer 4411"}',
    ],
)
def test_keys_and_senders_that_name_no_person_stay(text: str) -> None:
    assert redact_text(text) == text


def test_a_sender_of_one_word_is_a_product() -> None:
    assert redact_text("Reply-To: GitHub <noreply@github.com>") == "Reply-To: GitHub <noreply@github.com>"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"name": "create_contact", "arguments": "{\\"name\\": \\"لارا آل رفيع\\", \\"contact\\": {}}"}', "لارا آل رفيع"),
        ('"GET /api/v2/customers/search?email=j@example.fr&name=Bertrand+Boutin HTTP/1.1" 200', "Bertrand+Boutin"),
        ("INFO crm.sync contact_id=977160 changed fields name='Θεόπιστος Μπαλτζής' plan='pro'", "Θεόπιστος Μπαλτζής"),
        ('{"name": "Karen Vandermolen", "role": "admin"}', "Karen Vandermolen"),
    ],
)
def test_a_bare_name_key_holds_a_person_when_the_value_says_so(text: str, name: str) -> None:
    assert name not in redact_text(text)


@pytest.mark.parametrize(
    "text",
    ['{"name": "数据同步", "kind": "tool"}', '{"name": "Sales Team"}', "GET /tools?name=geocode+v2&limit=5"],
)
def test_a_bare_name_key_with_a_tool_or_a_team_stays(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"display_name": "veeti", "is_bot": false}', "veeti"),
        ('{"first_name": "ярослава", "plan": "pro"}', "ярослава"),
        ("DEBUG [signup] form_id=contact first_name=ज्योत्स्ना last_name=कुलकर्णी plan=pro", "ज्योत्स्ना"),
        ("DEBUG [signup] form_id=contact first_name=ज्योत्स्ना last_name=कुलकर्णी plan=pro", "कुलकर्णी"),
        ("audit actor_display_name=kalevi action=login", "kalevi"),
        ('{"document_type": "passport", "given_names": "שירה", "nationality": "ISR"}', "שירה"),
    ],
)
def test_one_lower_case_word_or_an_unquoted_value_under_a_persons_key_is_a_name(text: str, name: str) -> None:
    assert name not in redact_text(text)


@pytest.mark.parametrize(
    "text",
    ['{"first_name": "test", "last_name": "user"}', '{"display_name": "admin"}', '{"nickname": "null"}',
     "job name=geocode first_name=nil status=ok", "form_id=contact plan=pro region=eu"],
)
def test_placeholders_and_other_keys_values_stay(text: str) -> None:
    assert redact_text(text) == text


def test_ordinary_words_in_a_name_part_column_are_names_and_placeholders_stay() -> None:
    table = ("member_no,given_name,family_name,tier\n"
             "7,Hazel,Carpenter,gold\n"
             "8,Sunny,Marsh,silver\n"
             "9,Unknown,NULL,bronze\n"
             "10,Ilham,آل سعد بن فهد,gold")
    redacted = redact_text(table)
    assert not [name for name in ("Hazel", "Carpenter", "Sunny", "Marsh", "Ilham", "آل سعد بن فهد") if name in redacted]
    assert "9,Unknown,NULL,bronze" in redacted and "member_no,given_name,family_name,tier" in redacted


@pytest.mark.parametrize("header", ["first,last", "First,Last", "given,family", "forename,surname"])
def test_a_first_and_a_last_column_side_by_side_hold_a_name(header: str) -> None:
    table = (f"{header},email,ticket\n"
             "Oskar,Wilde,oskar.w@example.com,T-1201\n"
             "Tadeusz,Brzęczyszczykiewicz,tb_x@example.pl,T-1203\n"
             "Rose,Green,rg@example.com,T-1204")
    redacted = redact_text(table)
    names = ("Oskar", "Wilde", "Tadeusz", "Brzęczyszczykiewicz", "Rose,", "Green")
    assert not [name for name in names if name in redacted]


@pytest.mark.parametrize("table", [
    "symbol,open,last,volume\nACME,12.5,13.1,Heavy\nINIT,3.2,3.3,Light",  # `last` alone: a price
    "element,font,family,size\nbody,Inter,Georgia,16\nh1,Lato,Verdana,32",  # `family` alone: a font's
])
def test_a_last_or_a_family_column_alone_holds_no_name(table: str) -> None:
    assert redact_text(table) == table


def test_a_name_column_of_products_keeps_its_ordinary_words() -> None:
    table = "sku,name,price\nA1,Wireless Mouse,19.99\nA2,Marsh Green Throw,24.00"
    assert redact_text(table) == table
