"""Names in Hebrew, Arabic and Persian notes that no title or greeting marks: listed after an attendee, owner or
sender label, or opening a clause before a person's verb (`capture/pii_names_caseless.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_caseless import names_before_verbs, names_listed_after_labels


def _found(finder, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [text[start:end] for _, start, end in finder(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("סיכום ישיבה\nנוכחים: גלעד פרידמן, שקד אלמוג\nאחראית: נגה זילברמן", ["גלעד פרידמן", "שקד אלמוג", "נגה זילברמן"]),
        ("محضر\nالحاضرون: وداد السقا، نبيل العمري\nالمسؤول: فادي حمدان", ["وداد السقا", "نبيل العمري", "فادي حمدان"]),
        ("صورتجلسه\nحاضرین: سپیده نوروزی، کاوه افشار و بهار شیرازی", ["سپیده نوروزی", "کاوه افشار", "بهار شیرازی"]),
        ("מאת: רוני גבאי\nאל: ליה שגיא", ["רוני גבאי", "ליה שגיא"]),
    ],
)
def test_the_names_a_label_lists_are_each_found(text: str, names: list[str]) -> None:
    assert _found(names_listed_after_labels, text) == names
    redacted = redact_text(text, {})
    assert not [name for name in names if name in redacted], redacted


@pytest.mark.parametrize(
    "text",
    [
        "אחראי: צוות התשתיות",  # a team, with its article
        "מאת: שירות לקוחות",  # a service
        "المسؤول: قسم المشتريات",  # a department
        "از: پشتیبانی فنی",  # support
        "אחראי: לבדוק מחר את כל ההזמנות שלא נשלחו",  # a sentence, not a name
        "مسئول: همکارم",  # a colleague
    ],
)
def test_a_label_before_a_team_a_service_or_a_sentence_lists_no_one(text: str) -> None:
    assert _found(names_listed_after_labels, text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("גלעד פרידמן אמר שהמשלוח יגיע מחר", "גלעד פרידמן"),
        ("[SUP-88] שקד ביקש/ה החזר על החיוב הכפול", "שקד"),
        ("09:12 me נגה זילברמן כתבה לי עכשיו", "נגה זילברמן"),
        ("وداد السقا قالت إن الطرد لم يصل", "وداد السقا"),
        ("- نبيل ستتابع مع المورد غداً", "نبيل"),
        ("کاوه افشار گفت که سفارش دیر رسید", "کاوه افشار"),
        ("بهار زنگ زد و پرسید کی می‌آیید", "بهار"),
        ("סיכום: הלקוחה שקד אלמוג פנתה בנוגע לחיוב", "שקד אלמוג"),
        ("العميلة وداد السقا قالت إن الفاتورة خاطئة", "وداد السقا"),
    ],
)
def test_the_subject_of_a_persons_verb_is_a_name(text: str, name: str) -> None:
    assert _found(names_before_verbs, text) == [name]
    assert name not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    [
        "הלקוח אמר שהחבילה לא הגיעה",  # the customer, with its article
        "השכנה מהקומה השנייה ביקשה שנדבר איתה",  # a run that goes on past three words
        "שכנה אמרה שראתה את השליח",  # a neighbour
        "המשלוח של גלעד אמר",  # not the run's start
        "العميل قال إن الطلب تأخر",  # the customer, with its article
        "رقم طلب الاسترداد 55120",  # "a request", not "asked"
        "همسایه گفت صدای زنگ آمد",  # a neighbour
        "مدير قال إن الاجتماع أُلغي",  # a manager
        "הלקוח הקבוע אמר שהוא מרוצה",  # "the regular customer": the adjective takes the article
        "الجار الجديد قال إن الضجيج استمر",  # "the new neighbour"
        "همسایه جدید گفت صدای زنگ آمد",  # Persian: no role before a name
    ],
)
def test_a_role_a_noun_or_a_clause_before_the_verb_is_no_name(text: str) -> None:
    assert _found(names_before_verbs, text) == []
