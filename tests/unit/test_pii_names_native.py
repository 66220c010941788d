"""Names marked by the words their own language writes beside them (`capture/pii_names_native.py`), middle
initials, and the titles and account-holder labels added to the cue lists (`capture/pii_names_cues.py`)."""

from __future__ import annotations

import unicodedata

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Titles of scripts without capitals, before the name (Thai writes them against it).
        ("ملاحظة: السيد خالد المطيري اتصل بخصوص الطلب 4471", "خالد المطيري"),
        ("یادداشت: خانم ولاشجردی از شماره تماس گرفت", "ولاشجردی"),
        ("הערה: מר קליין התקשר לגבי ההזמנה", "קליין"),
        ("แจ้งเตือน: คุณสมศรี ใจดี มีนัดพบแพทย์", "สมศรี ใจดี"),
        ("কল নোট: জনাব রফিকুল ইসলাম ফোন করেছিলেন", "রফিকুল ইসলাম"),
        ("குறிப்பு: திரு. முருகன் அழைத்தார்", "முருகன்"),
        # A greeting, then "I am" or "here is", then the name and a stop.
        ("হ্যালো, আমি সুমন দাস। আমার অর্ডারটি আসেনি", "সুমন দাস"),
        ("வணக்கம், நான் கவிதா. என் ஆர்டர் வரவில்லை", "கவிதா"),
        ("مرحباً، معك نورة الحربي. هل يمكن تغيير العنوان؟", "نورة الحربي"),
        ("שלום, כאן דנה לוי. אפשר לשנות כתובת?", "דנה לוי"),
        ("سلام، سارا کریمی هستم. سفارش من نرسیده", "سارا کریمی"),
        ("ดิฉันชื่อวรรณา ศรีสุข ค่ะ", "วรรณา ศรีสุข"),
        # A cue of a Latin-script language before a name in another script; after a label, every name of a list.
        ("Hi باران,\nplease find the invoice attached.", "باران"),
        ('"body": "Dear திரு. சத்யவிரதன் யூதிகா,\\n\\nyour invoice is attached."', "சத்யவிரதன் யூதிகா"),
        ("Attendees: דרור ביטון <d.b@example.org>, איתמר משה, אריאל צרפתי", "איתמר משה"),
        ("Customer: 王小明 (VIP)", "王小明"),
        # Titles written after the name.
        ("Spoke to Boros asszony today about the refund.", "Boros"),
        ("Megjegyzés: Fehér úr telefonált a rendelés miatt.", "Fehér"),
        ("Ahmet Bey'e iade bilgisini ilettim.", "Ahmet"),
        ("Please ask Tanaka-san to confirm the delivery.", "Tanaka"),
        # Titles and introductions added to the cue lists of Latin-script and other cased languages.
        ("Note : Madame Richard a appelé au sujet de la commande.", "Richard"),
        ("Notă: doamna Ionescu a sunat despre comanda.", "Ionescu"),
        ("Примітка: пані Атаманчук телефонувала щодо замовлення.", "Атаманчук"),
        ("Chào bạn, mình là Bùi Huy. Bạn đổi giúp địa chỉ nhé.", "Bùi Huy"),
        ("Hei, täällä anneli sipilä. Voitteko vaihtaa osoitteen?", "anneli sipilä"),
        ("Γεια σας, είμαι η Φιλομήλα Κώτσου. Μπορείτε να βοηθήσετε;", "Φιλομήλα Κώτσου"),
        # Account-holder labels in the languages of bank forms; middle initials inside a name.
        ("Merci de rembourser sur mon compte (titulaire : Étienne Boyer).", "Étienne Boyer"),
        ("Graag terugstorten op mijn rekening (tenaamstelling: Sanne Frankhuizen).", "Sanne Frankhuizen"),
        ("Called back JACK Z. ROBERTS, prefers email.", "JACK Z. ROBERTS"),
        ("Onboarding: Christine B. Galloway, start date 24 Jul 2024.", "Christine B. Galloway"),
    ],
)
def test_a_name_beside_its_language_s_cue_is_redacted(text: str, name: str) -> None:
    redacted = _redacted(text)
    assert name not in redacted, redacted
    assert "<PERSON>" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "আমি অর্ডার বাতিল করতে চাই কারণ এটি দেরিতে আসবে",  # "I want to cancel the order because it will be late"
        "คุณสามารถเปลี่ยนรหัสผ่านได้ที่หน้าตั้งค่า",  # "You can change the password on the settings page"
        "คุณต้องการยกเลิกคำสั่งซื้อหรือไม่",  # "Do you want to cancel the order?"
        "אני רוצה לבטל את ההזמנה שלי כי היא מאוחרת מדי",  # "I want to cancel my order because it is too late"
        "أنا أريد إلغاء الطلب لأنه تأخر كثيراً عن الموعد",  # "I want to cancel the order, it is very late"
        "Plan B. Next steps are listed in Section A. Intro",
        "Hi team, the deploy of api-gateway finished.",
    ],
)
def test_sentences_after_those_cues_are_left_alone(text: str) -> None:
    # Compared once normalized: the redactor reads text in NFKC, which writes Thai's ำ as two characters.
    assert _redacted(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("בברכה,\nאמלי מאיר\n050-1234567", "בברכה,\n<PERSON>\n<PHONE>"),
        ("此致\n敬礼\n胡海燕", "此致\n敬礼\n<PERSON>"),
        ("よろしくお願いいたします。\n斉藤 舞", "よろしくお願いいたします。\n<PERSON>"),
        ("감사합니다.\n최예준 드림", "감사합니다.\n<PERSON> 드림"),
        ("مع خالص التحية،\nهناء اسطمبولي", "مع خالص التحية،\n<PERSON>"),
        ("Üdvözlettel:\nKovács Máté", "Üdvözlettel:\n<PERSON>"),  # a Latin sign-off with a colon
    ],
)
def test_the_writer_after_a_sign_off_of_their_script_is_a_name(text: str, redacted: str) -> None:
    assert redact_text(text) == redacted


def test_a_sentence_after_a_sign_off_is_no_name() -> None:
    text = "감사합니다.\n다음 주에 다시 연락드리겠습니다 그리고 서류를 보내겠습니다"
    assert redact_text(text) == text


def test_a_hindi_letter_opens_with_respected_or_dear_before_a_name_not_a_role() -> None:
    assert redact_text("आदरणीय अनिला छेत्री जी,\n\nहमारे कार्यालय से पत्र") == "आदरणीय <PERSON> जी,\n\nहमारे कार्यालय से पत्र"
    assert redact_text("प्रिय ग्राहक, आपका ऑर्डर भेज दिया गया है") == "प्रिय ग्राहक, आपका ऑर्डर भेज दिया गया है"


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("المتصل: الحساب باسم نزار القباني الصغير", "المتصل: الحساب باسم <PERSON>"),  # "in the name of"
        ("מתקשר: החשבון רשום על שם שירלי אלמוג", "מתקשר: החשבון רשום על שם <PERSON>"),
        # the name ends where a greeting of two words starts, and the greeting's second word is no name
        ("المتصل: الحساب باسم نزار القباني السلام عليكم", "المتصل: الحساب باسم <PERSON> السلام عليكم"),
    ],
)
def test_the_name_an_account_is_in(text: str, redacted: str) -> None:
    assert redact_text(text) == redacted
