"""Names after the roles a form labels a person by in scripts without capitals (`pii_names_native`'s labels,
Hindi and Korean in `pii_names_cues`), and under keys written in those languages (`pii_names_native_keys`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A role, then a colon: customer, recipient, name.
        ("العميل: فاطمة الزهراني", "فاطمة الزهراني"),
        ("المستلم: محمد العتيبي\nالمدينة: جدة", "محمد العتيبي"),
        ("לקוח: שרה לוי", "שרה לוי"),
        ("שם: דוד כהן", "דוד כהן"),
        ("ผู้รับ: สมชาย ใจดี", "สมชาย ใจดี"),
        ("ชื่อลูกค้า: มาลี ศรีสุข", "มาลี ศรีสุข"),
        ("प्राप्तकर्ता: राहुल शर्मा", "राहुल शर्मा"),
        ("고객: 김민준", "김민준"),
        ("수령인: 이서연\n주소: 서울", "이서연"),
        # Keys in those languages: a tool call's JSON, a YAML record.
        ('{"tool": "create_ticket", "args": {"اسم_العميل": "خالد بن سعيد", "المدينة": "الرياض"}}', "خالد بن سعيد"),
        ('{"tool": "lookup", "args": {"שם_לקוח": "יוסי אברהם"}}', "יוסי אברהם"),
        ('{"ग्राहक_नाम": "अमित कुमार", "शहर": "दिल्ली"}', "अमित कुमार"),
        ('{"ชื่อลูกค้า": "มาลี ศรีสุข", "สถานะ": "รอดำเนินการ"}', "มาลี ศรีสุข"),
        ('{"고객": "김민준", "상태": "배송중"}', "김민준"),
        ('{"客户姓名": "张伟"}', "张伟"),
        ("order:\n  الاسم_الكامل: عبد الله بن محمد آل سعود\n  المبلغ: 120", "عبد الله بن محمد آل سعود"),
        ('{\\"שם_הנמען\\": \\"נועה ברק\\"}', "נועה ברק"),
    ],
)
def test_a_name_under_a_role_or_a_key_of_its_language_is_redacted(text: str, name: str) -> None:
    redacted = _redacted(text)
    assert name not in redacted
    assert "<PERSON>" in redacted


@pytest.mark.parametrize(
    "text",
    [
        # Companies and placeholders under the same labels and keys.
        "العميل: شركة النور للتجارة",
        '{"הלקוח": "חברת אלקטרה"}',
        '{"status": "ממתין", "שם": "לא ידוע"}',
        '{"العميل": "غير معروف"}',
        "ลูกค้า: ไม่ระบุ",
        # Values that are no name: a number, Latin letters, a sentence, a key that holds no person.
        '{"العميل": "12345"}',
        '{"הלקוח": "VIP"}',
        "הלקוח: ביקש החזר כספי מלא על ההזמנה האחרונה שלו",
        '{"المدينة": "الرياض", "الحالة": "قيد التنفيذ"}',
        # In a sentence, without a colon, a role is no label.
        "العميل طلب استرداد المبلغ",
        "고객 센터에 문의하세요",
    ],
)
def test_what_is_no_person_under_those_labels_and_keys_is_left(text: str) -> None:
    assert _redacted(text) == text

