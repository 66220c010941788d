"""Names in the places messages and records keep for a person (`capture/pii_names_places.py`), a given name as
the subject of a reporting verb, doctors' titles
of the Nordic languages, introductions of a booking, lower-case and other-script names under person keys, and a
Chinese given name greeted at a message's start."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("INVOICE INV-5745\nBill to:\nיעל שמעוני\nמבוא חמה 80", "יעל שמעוני"),
        ('"label": "Ship to:\\nSvetlana Usik\\nWarehouse gate 3"', "Svetlana Usik"),
        ("BEGIN:VEVENT\nORGANIZER;CN=ஆதி:mailto:a@example.net\nEND:VEVENT", "ஆதி"),
        ('ATTENDEE;CN="Lee, Tom";ROLE=REQ-PARTICIPANT:mailto:t@example.org', "Lee, Tom"),
        ("Reminder: Craig Lane, you have an appointment on 7 November.", "Craig Lane"),
        ("Erinnerung: Marie-Christine Stauffer, Ihr Termin ist am 30.08.2026.", "Marie-Christine Stauffer"),
        ("Rappel : Émile Guyon, vous avez rendez-vous le 03/12/2026.", "Émile Guyon"),
        ("Recordatorio: juan pablo romero, tiene cita el 13/02/2026.", "juan pablo romero"),
        ("regan williams here — can u refund the order?", "regan williams"),
        ("Promised callback before 10:15. – Pavel", "Pavel"),
        ("Callback promised before 11:45. – טליה", "טליה"),
        ("du har time hos lege Rønning 03.05.2026 kl. 14:00", "Rønning"),
        ("bạn có lịch khám với BS. Nguyễn vào ngày 18/02", "Nguyễn"),
        ("Table for 4 under the name dirk vandevelde de maeyer, mobile on file.", "dirk vandevelde de maeyer"),
        ('{"name": "johan clausen", "contact": {"email": "on file"}}', "johan clausen"),
        ('{"input": {"orderId": "SO-6788", "recipient": "Світлана Усик"}}', "Світлана Усик"),
        ('{"driver": "אבישי דביר", "pickup": 1}', "אבישי דביר"),
        ("美雲您好，您的訂單已出貨。", "美雲"),
        # Cyrillic or Greek after an introduction or a label, in any case; whom a ticket was assigned to; CRM
        # callback notes; a closing then the writer's name alone on a line; a vocative of several words.
        ("Ticket SUP-7674 | Customer: ШУБИНА ПОЛИНА | Issue: parcel damaged", "ШУБИНА ПОЛИНА"),
        ("Здравствуйте, меня зовут мина авдеев. Мой заказ не доставлен.", "мина авдеев"),
        ("Assigned to Аскольд (Tier 2). SLA breach in 4h.", "Аскольд"),
        ("Assigned to Dündaralp Fırat (Tier 2).", "Dündaralp Fırat"),
        ("Rappelé Étienne Demers, préfère être contacté par e-mail.", "Étienne Demers"),
        ("已回电徐春梅，偏好邮件联系。", "徐春梅"),
        ("누락된 것이 있으면 알려주세요.\n\n좋은 하루 되세요.\n이은주\n총무팀", "이은주"),
        ("Qualquer pendência, me avise.\n\nAtt.,\nLaís Sousa\nAssistente administrativa", "Laís Sousa"),
        ("Merci, Geneviève-Chantal Bélisle ! J'ai mis à jour votre adresse.", "Geneviève-Chantal Bélisle"),
        # A name in capitals under a key that names one, and a name compared with a name column in SQL.
        ('charge_card args={"cardholder_name": "JULIANNA STILLER", "amount_cents": 88740}', "JULIANNA STILLER"),
        ("statement: SELECT id FROM customers WHERE lower(full_name) = 'reza lundkvist' LIMIT 1", "reza lundkvist"),
        # More greetings, doctors' titles and introductions; an applicant; a Japanese message opening with its
        # writer's name; a name echoed by its given name when its surname is also a word.
        ("Привіт, Єлисей! Ваше замовлення відправлено.", "Єлисей"),
        ("у вас запис до лікаря Ісаєвич на 28.04.2026", "Ісаєвич"),
        ("Bună ziua, sunt Mitruț Ionescu. Puteți schimba adresa?", "Mitruț Ionescu"),
        ("RENTAL APPLICATION\nApplicant: தங்கமகள்\nCurrent address: on file", "தங்கமகள்"),
        ("清水 裕美子です。注文の配送先を変更できますか？", "清水 裕美子"),
        ("Attendees: Conchur Morahan, Kaitlin Rush\nAction items:\n- Kaitlin to follow up", "Kaitlin"),
        # A display name before an address in parentheses, or of one word in a script without capitals; a
        # name in such a script signed under a Latin sign-off or alone under a `name` key.
        ("Summary: Bieke Christiaens (bieke74@example.be) reports that the laptop stopped", "Bieke Christiaens"),
        ("From: வானத்து <e@example.net>\nSubject: broken", "வானத்து"),
        ('"body": "your invoice is attached.\\n\\nKind regards,\\nஅக்னி", "x": 1', "அக்னி"),
        ('{"input": {"name": "ரமணி", "contact": {"phone": "on file"}}}', "ரமணி"),
        # The addressee under an address label whose surname is also a word; a holder in lower case before IBAN.
        ("DELIVERY NOTE DN-2026-46\nShip to:\nVéronique Grand\nrue Monnet 14", "Véronique Grand"),
        ("Overfør venligst 1.697,99 kr. til william christiansen, IBAN DK73 8449 6937 5204 85.", "william"),
        # A Korean given name before 님 led by a family-name syllable, a Thai name after a greeting and "I", whom a
        # CRM note opens with, a Hindi name signing with a dash.
        ("경자님, 주문하신 상품이 발송되었습니다.", "경자"),
        ("สวัสดีค่ะ ดิฉัน ผดุงชาติ นวลเพ็ง ช่วยเปลี่ยนที่อยู่จัดส่ง", "ผดุงชาติ นวลเพ็ง"),
        ("Tonguç Hançer geri arandı, e-posta ile iletişimi tercih ediyor.", "Tonguç Hançer"),
        ("मालती बोस को वापस कॉल किया, ईमेल पसंद करते हैं।", "मालती बोस"),
        ("Callback promised before 11:45. – टीना", "टीना"),
        ("धन्यवाद, शिव! मैंने आपका शिपिंग पता अपडेट कर दिया है।", "शिव"),
        # A given name alone as the subject of a verb of tickets and minutes.
        ("Priya approved the refund on Monday.", "Priya"),
        ("Action items: Kevin will rotate the keys by Friday.", "Kevin"),
        ("[audit-1] RefundService - user Julia approved refund R-22", "Julia"),  # a person's role is no system
        # The name column of a table that also lists e-mail addresses or phones holds people.
        ("| Name | Email | Phone |\n|---|---|---|\n| Ikshita Gara | g@example.com | +912709864628 |", "Ikshita Gara"),
    ],
)
def test_a_name_in_its_place_is_redacted(text: str, name: str) -> None:
    redacted = _redacted(text)
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "ATTENDEE;CN=Conference Room 4:mailto:room@example.org",
        "Hello, you there. Sorry, your order is late. Unfortunately, you must wait.",
        "Note: Main Street, you will find parking behind the shop.",
        "Next, you should restart the worker.",
        "Support here — we fixed it. Status – Done",
        "Version 2 – Kubernetes",
        "procedure performed lege artis by the surgeon",
        '{"name": "geocode lookup"}',
        '{"customer": "ООО Ромашка"}',
        '{"customer": "株式会社 東京"}',
        "客户您好，您的订单已发货。",
        "Customer: ООО РОМАШКА",
        "Assigned to the platform team.",
        "Thanks, Product Team! We shipped it.",
        '{"full_name": "TEST USER"}',
        "name,email\nSupport Team,help@example.com",
        "name,email,plan\nAcme Corp,a@example.com,pro",
        "Hei, dette er bra. Takk!",
        "Best regards,\nالفريق",
        "From: GitHub <noreply@github.com>",
        "Candidate: gpt-4o-mini answered with the refund policy.",
        "Please pay the invoice, IBAN DE89370400440532013000",
        "Müşteri geri arandı.",
        "Will will fix it after lunch.",
        "Docker said no to the mount.",
        # A given name right after the word for a part of a system, or for an organisation it talks to.
        "2025-03-02 11:04:09 [pool-2] PaymentService - issuer Chase rejected the authorisation",
        "[sync-4] Replicator - upstream Cassandra reported 3 stale rows",
        "bank Chase rejected the card",
    ],
)
def test_what_stands_in_such_a_place_and_is_no_name_is_kept(text: str) -> None:
    assert "<PERSON>" not in _redacted(text)
