"""Street addresses found by where they stand: the lines under a line that announces an address
(`capture/pii_address_keys.find_address_blocks`), a street field of a query string or form body, a chat answer to
a question for an address, an XML element named for one, a Chinese road with a block letter (`中山路A座`), and
streets known by a number (`capture/pii_address_numbered_ways.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("INVOICE RE-1882\nBill to:\nMaria Miller\nUnit 37 124 Lamb Rotary\nPort Carrie, NSW, 2095\n\n1 × Kettle",
         "Unit 37 124 Lamb Rotary\nPort Carrie, NSW, 2095"),
        ("Bill to:\nContoso Ltd\nUnit 4, 12 Quay Rotary\nPort Carrie 2095", "Unit 4, 12 Quay Rotary"),
        (("Thank you, Raagini! I've updated your shipping address to:\nH.No. 62\nRout Zila\nMeerut 179467\n"
          "Your order should now ship within 2–3 business days."), "H.No. 62\nRout Zila\nMeerut 179467"),
        ('{"body": "Ship to:\\nAna Souza\\nRua das Flores 12\\n01000-000 São Paulo"}', "01000-000 São Paulo"),
        ("Lieferadresse:\nKarl Weber\nAm Mühlbach 3b\n83022 Rosenheim", "Am Mühlbach 3b"),
        ("first_name=Erkan&street=Hornichstra%C3%9Fe+5&zip=23954", "Hornichstra%C3%9Fe+5"),
        ("GET /geo?street=12+Main+Street&zip=02139 HTTP/1.1", "12+Main+Street"),
        ("无法验证地址“杭州街H座”，请检查门牌号。", "杭州街H座"),
        # A chat answer to a question for an address, an XML element named for one, streets known by a number.
        ("[09:00] Bot: And the service address?\n[12:00] Zdislava: Závrchy 325\n[09:01] Bot: Thanks", "Závrchy 325"),
        ("<Customer><Street>Κοκκινιάς 644</Street><Phone>on file</Phone></Customer>", "Κοκκινιάς 644"),
        ('"location": "Cl. 7ª # 7Z-35 Este", "listing_id": "LST-76175"', "7Z-35"),
        ("Enviar a Carrera 15 No. 93-47, Bogotá", "Carrera 15 No. 93-47"),
        ("Mình đã cập nhật địa chỉ giao hàng thành Số 292 đường 85 và gửi xác nhận.", "Số 292 đường 85"),
        ("Bạn đổi giúp địa chỉ sang 8/24/366 phố số 6 nhé.", "8/24/366 phố số 6"),
    ],
)
def test_an_address_in_its_place_is_redacted(text: str, address: str) -> None:
    redacted = _redacted(text)
    assert "<STREET_ADDRESS>" in redacted
    for part in address.split("\n"):
        assert part not in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        'Error validating address:\n  File "/app/address.py", line 12, in validate\nValueError: bad input',
        "Shipping address:\nSame as billing",
        "Billing address:\nTel: +1 555 0100\nEmail: on file",
        "GET /v1/addresses?street=main&limit=20 HTTP/1.1",
        "第3座位已预订。",
        "Bot: What's the IP address?\nUser: 10.0.0.5 port 22",
        "Bot: Which address should we use?\nUser: the same as last time",
        "Ticket #12-34 on the Calle page",
        "hôm nay 3 đường",
    ],
)
def test_what_is_no_address_is_kept(text: str) -> None:
    assert "<STREET_ADDRESS>" not in _redacted(text)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Send it to PO Box 1234, Springfield.", "Send it to <STREET_ADDRESS>."),
        ("Apartado de correos 45, Madrid", "<STREET_ADDRESS>, Madrid"),
        ("P.O. Box 77 Austin TX", "<STREET_ADDRESS> Austin TX"),
        ("Postfach 10 20 30, 10115 Berlin", "<STREET_ADDRESS>, 10115 Berlin"),
        ("Caixa Postal 1234, São Paulo", "<STREET_ADDRESS>, São Paulo"),
    ],
)
def test_a_post_office_box_is_the_address_of_whoever_rents_it(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


@pytest.mark.parametrize("text", ["the BP 2024 annual report", "Box 3 of 5 shipped", "Apartado 3 del contrato"])
def test_a_box_word_without_a_box_s_number_is_no_address(text: str) -> None:
    assert redact_text(text, {}) == text
