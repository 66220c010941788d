"""Names marked by the words their language writes beside a name, where the cues of `pii_names_cues` (words of
Latin-script languages before a capitalised name) cannot reach:

- **Titles, greetings and introductions of scripts without capitals** (Arabic, Persian, Urdu, Hebrew, Thai and
  the Indic scripts): `السيد X`, `آقای X`, `מר X`, `คุณX`, `জনাব X`, `திரு. X`; a greeting then "I am" or "here
  is" (`হ্যালো, আমি X।`, `வணக்கம், நான் X.`, `مرحباً، معك X.`, `שלום, כאן X.`); "my name is" and name labels.
- **A Latin-script cue before a name in such a script** (`Hi باران,`, `Dear திரு. X,`, `Attendees: דרור ביטון,
  איתמר משה`, `Customer: 梁鑫`): `pii_names_scripts` asks two words of a name standing alone; after a cue one
  is enough.
- **Titles written after the name:** Hungarian `Fehér úr`, `Boros asszony`; Turkish `Ahmet Bey`, `Ayşe Hanım`;
  Japanese `Tanaka-san` in Latin letters.

How much follows a cue: the words of one script up to a punctuation mark, a line break, a digit or a letter of
another script, three at most (Arabic-script names chain a father's and family's name: five). A run that goes on
past that is a sentence, not a name ("আমি অর্ডার বাতিল করতে চাই", I want to cancel the order), and only a title
still names its first two words (Thai writes a full name as two words, then the sentence: `คุณอาซือมะ
เจริญรัมย์ มีนัดพบแพทย์`). A greeting's "I am" must follow the greeting: alone, "I am" is followed by a verb
or an adjective as often as by a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import stopwordsiso

from evalforge_assets.capture.pii_names_cue_words import (
    GREETINGS,
    INTRODUCTIONS,
    LABELS,
    NATIVE_SIGN_OFFS,
    SIGN_OFFS,
    THANKS,
    WEAK_LABELS,
)
from evalforge_assets.capture.pii_names_cues import (
    _DOTTED_TITLES,
    _NON_NAME_WORDS,
    _TITLES,
)
from evalforge_assets.capture.pii_names_scripts import (
    _HAN,
    _HANGUL,
    _KANA,
    SCRIPT_LETTERS,
    is_cjk_name,
    is_korean_name,
)
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes

# Per script: titles (before the name), greetings, introductions ("I am", "here is", which count only after a
# greeting), phrases that say outright that a name follows ("my name is", labels), and the roles a form or a
# record labels a person by (customer, recipient, sender, patient, driver), which count only before a colon: in a
# sentence the same words stand before a verb or an order number as often as before a name.
_NATIVE_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "arabic": {
        "title": ("السيد", "السيدة", "الآنسة", "الأستاذ", "الأستاذة", "الدكتور", "الدكتورة", "د.", "دكتور", "آقای",
                  "خانم", "دکتر", "مهندس", "جناب", "محترمہ", "محترم", "بیگم"),
        "greeting": ("مرحباً", "مرحبا", "أهلاً", "أهلا", "عزيزي", "عزيزتي", "سلام", "السلام عليكم", "سلام عليكم", "درود", "شكراً",
                     "شكرا", "ممنون", "متشکرم", "مع التحية"),
        "introduction": ("أنا", "معك", "معكم", "من", "میں"),
        "closing": ("هستم", "ہوں"),
        "named": ("اسمي", "اسم من", "نام من", "میرا نام", "الاسم", "الاسم الكامل", "اسم المستفيد", "المستفيد",
                  "نام و نام خانوادگی", "گیرنده", "نام گیرنده", "صاحب الحساب", "باسم", "على اسم", "به نام"),
        "label": ("العميل", "العميلة", "عميل", "اسم العميل", "الزبون", "المستلم", "اسم المستلم", "المرسل", "المرسل إليه",
                  "جهة الاتصال", "المريض", "المريضة", "السائق", "المندوب", "الموظف", "الموظفة", "الراكب", "الضيف",
                  "مقدم الطلب", "صاحب الطلب", "الاسم الأول", "اسم العائلة", "الكنية", "مشتری", "نام مشتری", "فرستنده",
                  "بیمار", "راننده", "گاہک", "وصول کنندہ"),
    },
    "hebrew": {
        "title": ("מר", "גב'", "גב׳", "גברת", "ד\"ר", "ד״ר", "פרופ'", "עו\"ד", "עו״ד", "הרב"),
        "greeting": ("שלום", "היי", "תודה", "תודה רבה", "לכבוד", "בברכה"),
        "introduction": ("אני", "כאן", "מדבר", "מדברת"),
        "named": ("שמי", "קוראים לי", "שם מלא", "שם הלקוח", "למוטב", "שם המוטב", "בעל החשבון", "על שם", "רשום על שם"),
        "label": ("שם", "שם פרטי", "שם משפחה", "לקוח", "הלקוח", "לקוחה", "הלקוחה", "נמען", "הנמען", "המקבל", "מקבל",
                  "שם הנמען", "שולח", "השולח", "איש קשר", "מטופל", "מטופלת", "המטופל", "נהג", "הנהג", "שליח", "השליח",
                  "נוסע", "הנוסע", "אורח", "נציג", "הנציג", "עובד", "העובד", "מבקש", "המזמין"),
    },
    "thai": {
        "title": ("คุณ", "นางสาว", "นาย", "นาง", "นพ.", "พญ.", "ดร.", "ทพ.", "ด.ช.", "ด.ญ."),
        "greeting": ("สวัสดีครับ", "สวัสดีค่ะ", "สวัสดี", "ขอบคุณครับ", "ขอบคุณค่ะ", "ขอบคุณ", "เรียน"),
        "introduction": ("ดิฉัน", "ผม", "หนู"),  # "I", after a greeting: สวัสดีค่ะ ดิฉัน X
        "named": ("ผมชื่อ", "ดิฉันชื่อ", "ฉันชื่อ", "ชื่อ-นามสกุล", "ชื่อผู้รับ", "ชื่อบัญชี"),
        "label": ("ชื่อ", "ชื่อลูกค้า", "ลูกค้า", "ผู้รับ", "ผู้ส่ง", "ชื่อผู้ส่ง", "ผู้ติดต่อ", "ผู้ป่วย", "คนขับ", "พนักงาน",
                  "ผู้โดยสาร", "แขก", "ผู้สั่งซื้อ", "ผู้จอง", "ชื่อผู้จอง"),
    },
    "bengali": {
        "title": ("জনাব", "মিসেস", "মিস্টার", "শ্রীমতী", "শ্রী", "ডা.", "ডাঃ", "বেগম"),
        "greeting": ("প্রিয়", "হ্যালো", "নমস্কার", "আসসালামু আলাইকুম", "ধন্যবাদ", "শুভেচ্ছান্তে"),
        "introduction": ("আমি",),
        "named": ("আমার নাম", "নাম", "গ্রাহকের নাম", "প্রাপক"),
    },
    "tamil": {
        "title": ("திருமதி", "திரு.", "திரு", "செல்வி", "டாக்டர்", "டாக்டர்.", "டா."),
        "greeting": ("வணக்கம்", "அன்புள்ள", "நன்றி"),
        "introduction": ("நான்",),
        "named": ("என் பெயர்", "எனது பெயர்", "பெயர்"),
    },
    "telugu": {"title": ("శ్రీమతి", "శ్రీ"), "greeting": ("నమస్కారం",), "introduction": ("నేను",),
               "named": ("నా పేరు", "పేరు")},
    "kannada": {"title": ("ಶ್ರೀಮತಿ", "ಶ್ರೀ"), "greeting": ("ನಮಸ್ಕಾರ",), "introduction": ("ನಾನು",),
                "named": ("ನನ್ನ ಹೆಸರು", "ಹೆಸರು")},
    "malayalam": {"title": ("ശ്രീമതി", "ശ്രീ"), "greeting": ("നമസ്കാരം",), "introduction": ("ഞാൻ",),
                  "named": ("എന്റെ പേര്", "പേര്")},
    "gujarati": {"title": ("શ્રીમતી", "શ્રી"), "greeting": ("નમસ્તે",), "introduction": ("હું",),
                 "named": ("મારું નામ", "નામ")},
    "gurmukhi": {"title": ("ਸ੍ਰੀਮਤੀ", "ਸ੍ਰੀ", "ਸ਼੍ਰੀਮਤੀ", "ਸ਼੍ਰੀ"), "greeting": ("ਸਤ ਸ੍ਰੀ ਅਕਾਲ",),
                 "introduction": ("ਮੈਂ",), "named": ("ਮੇਰਾ ਨਾਮ", "ਨਾਮ")},
}
# Words that make a run after a label an organisation's name (company, establishment, group, factory, bank,
# limited), or a placeholder for a name not given (unknown, none).
ORGANISATION_OR_PLACEHOLDER_WORDS = frozenset((
    "شركة", "مؤسسة", "مجموعة", "مصنع", "بنك", "مكتب", "شرکت", "חברת", "חברה", "בע\"מ", "בע״מ", "בנק", "קבוצת",
    "บริษัท", "ห้าง", "ธนาคาร", "จำกัด", "कंपनी", "लिमिटेड", "प्राइवेट", "बैंक", "समूह",
    "غير", "لا", "بدون", "مجهول", "לא", "ללא", "אין", "ไม่ระบุ", "ไม่ทราบ", "ไม่มี", "अज्ञात", "कोई", "없음", "미상",
))
# Words that end an introduction where a language writes "am" after the name (Persian `X هستم`, Urdu `X ہوں`).
_CLOSINGS = frozenset(word for cues in _NATIVE_CUES.values() for word in cues.get("closing", ()))
# Thai titles that start other words too (`นายจ้าง` employer, `นางแบบ` model): with these after them, no title.
_THAI_NOT_NAMES = ("จ้าง", "หน้า", "แบบ", "ฟ้า", "ทุน", "กอง", "พยาบาล")
# Stop words of Arabic, Persian, Hebrew and Hindi that end a name's run (from, in, on, with, of), but for those
# that chain a name (`بن`, son of).
_STOP_WORDS = frozenset(
    word for language in ("ar", "fa", "he", "hi") for word in stopwordsiso.stopwords(language)
) - {"بن", "بنت", "آل", "ابن", "أبو", "عبد", "بن־", "בן", "בת"}
# Greetings of two words or more, split, per script (`السلام عليكم`, `תודה רבה`).
_LONG_GREETINGS = {
    script: [phrase.split() for phrase in cues.get("greeting", ()) if " " in phrase] for script, cues in _NATIVE_CUES.items()
}
# How many words a name of the script may have.
_LONGEST = {"arabic": 5}
_LONGEST_DEFAULT = 3
# What may stand between a cue and the name: spaces, a comma or a colon (Arabic's comma, the full-width colon).
_GAP = r"[ \t]*[,،:：]?[ \t]*"
# Thai writes a title against the name (`คุณถนอมชัย`); words of the other scripts are apart.
_ATTACHED_TITLES = ("thai",)
# Words that follow Thai `คุณ` ("you") in a sentence, where it is no title: can, want, will, have, not, help.
_THAI_YOU = ("สามารถ", "ต้องการ", "จะ", "ได้", "ไม่", "มี", "ช่วย", "ค่ะ", "ครับ", "คือ", "เป็น", "ก็")
# A cue of a Latin-script language (`pii_names_cues`) before a name in a script without capitals.
# After a label (`Attendees:`, `Nome:`) a list of names may follow, one after another.
_LATIN_CUES = (*GREETINGS, *THANKS, *_TITLES, *INTRODUCTIONS)
_LATIN_CUE = (
    r"(?<![\w'’-])(?i:(?P<label>" + phrase_alternation(LABELS) + ")|(?P<weak>" + phrase_alternation(WEAK_LABELS)
    + ")|" + phrase_alternation(_LATIN_CUES)
    + r"|(?:" + phrase_alternation(_DOTTED_TITLES) + r")\.)\.?(?![\w'’-])[ \t]*[,:]?[ \t]*"
)
_HAN_KANA = _HAN + _KANA


def _letters_only(ranges: str) -> str:
    """A character class body of the letters and marks in `ranges` ("a-z" pairs), without the punctuation and
    digits those Unicode blocks also hold (Arabic's comma `،`, the danda `।` that ends a Bengali sentence)."""
    kept = [
        code for first, last in zip(ranges[0::3], ranges[2::3], strict=True)
        for code in range(ord(first), ord(last) + 1) if unicodedata.category(chr(code))[0] in "LM"
    ]
    spans: list[list[int]] = []
    for code in kept:
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans)


_SCRIPT_LETTERS = {script: _letters_only(ranges) for script, ranges in SCRIPT_LETTERS.items()}
_ANY_NATIVE = re.compile("[" + "".join(_SCRIPT_LETTERS.values()) + _HAN_KANA + _HANGUL + "]")


def _word(letters: str) -> str:
    return rf"[{letters}]+(?:[-'’׳][{letters}]+)*"


def _run(letters: str, longest: int) -> str:
    # One more word than a name may have: a run that long is a sentence.
    return rf"(?P<name>{_word(letters)}(?:[ \t]+{_word(letters)}){{0,{longest}}})"


def _native_pattern(script: str, letters: str, cues: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    attached = script in _ATTACHED_TITLES
    cue_end = "" if attached else rf"(?![{letters}])"  # a cue is a whole word: `নাম` is not the start of `নামের`
    title_gap = r"[ \t]*" if attached else r"(?:[ \t]+|(?<=\.))"
    introduction = (
        rf"(?:(?P<introduction>{phrase_alternation(cues['introduction'])}){cue_end}[ \t]+)?" if cues["introduction"] else ""
    )
    return re.compile(
        rf"(?<![{letters}])(?:"
        rf"(?P<title>{phrase_alternation(cues['title'])}){cue_end}{title_gap}"
        rf"|(?P<greeting>{phrase_alternation(cues['greeting'])}){cue_end}{_GAP}{introduction}"
        rf"|(?P<named>{phrase_alternation(cues['named'])}){cue_end}{_GAP}"
        + (rf"|(?P<label>{phrase_alternation(cues['label'])}){cue_end}[ \t]*[:：][ \t]*" if "label" in cues else "")
        + r")(?![ \t]*[\n\r])" + _run(letters, _LONGEST.get(script, _LONGEST_DEFAULT))
    )


_NATIVE = {
    script: (re.compile(f"[{_SCRIPT_LETTERS[script]}]"), _native_pattern(script, _SCRIPT_LETTERS[script], cues))
    for script, cues in _NATIVE_CUES.items()
}
_NATIVE_TITLES = "|".join(phrase_alternation(cues["title"]) for cues in _NATIVE_CUES.values())
# A name in a script without capitals: words of one spaced script, or a short run of Chinese, Japanese or Korean.
_NATIVE_RUN = (
    r"(?P<name>"
    + "|".join(
        rf"{_word(letters)}(?:[ \t]+{_word(letters)}){{0,{_LONGEST.get(script, _LONGEST_DEFAULT) - 1}}}"
        for script, letters in _SCRIPT_LETTERS.items()
    )
    + rf"|[{_HAN_KANA}]{{1,4}}(?:[ \t\u3000][{_HAN_KANA}]{{1,4}})?|[{_HANGUL}]{{1,4}}(?:[ \t][{_HANGUL}]{{1,4}})?)"
)
_AFTER_LATIN_CUE = re.compile(_LATIN_CUE + rf"(?:(?:{_NATIVE_TITLES})[ \t]*)?" + _NATIVE_RUN)
# A Latin-script sign-off, then the writer's name in such a script on the next line ("Kind regards,\\nஅக்னி").
_AFTER_LATIN_SIGN_OFF = re.compile(
    r"(?<![\w'’-])(?i:" + phrase_alternation(SIGN_OFFS) + r")[ \t]*[,.!]?[ \t]*(?:\r?\n|\\{1,3}n)[ \t]*"
    + _NATIVE_RUN
)
# A sign-off of such a script, then the writer's name on a line of its own (a Korean name may end `드림`, "from").
_AFTER_NATIVE_SIGN_OFF = re.compile(
    r"(?<![^\W\d_])(?:" + phrase_alternation(NATIVE_SIGN_OFFS) + r")[ \t]*[,،.。!！:：]?[ \t]*(?:\r?\n|\\{1,3}n)[ \t]*"
    + _NATIVE_RUN + r"(?=[ \t]*(?:드림|올림)?[ \t]*(?:\r?\n|\\{1,3}n|$))"
)
_NATIVE_SIGN_OFF_WORD = re.compile(phrase_alternation(NATIVE_SIGN_OFFS))
# The next name of a list after a label: a comma, perhaps after the e-mail address of the one before.
_NEXT_IN_LIST = re.compile(r"(?:[ \t]*<[^<>\n]{1,100}>)?[ \t]*[,;、][ \t]*" + _NATIVE_RUN)
# Titles written after the name, and the forms Hungarian and Turkish inflect them into.
_TITLES_AFTER = re.compile(
    r"(?<![\w'’-])(?P<name>[^\W\d_][\w'’]+(?:[ \t]+[^\W\d_][\w'’]+)?)"
    r"(?:[ \t]+(?i:úr|úrral|úrnak|urat|urak|asszony|asszonnyal|asszonynak|asszonyt|bey|beye|beyin|beyefendi"
    r"|hanım|hanıma|hanımın|hanımefendi)|-(?:san|sama|kun|sensei))(?![\w-])"
)
# Necessary conditions of `_TITLES_AFTER`: in ASCII text one of these whole words (the letter view of `Shapes`
# reads "Tanaka-san" as two words), in other text a search for the titles.
_ASCII_TITLES_AFTER = frozenset([
    b"bey", b"beye", b"beyin", b"beyefendi", b"san", b"sama", b"kun", b"sensei", b"asszony", b"asszonnyal",
    b"asszonynak", b"asszonyt", b"urat", b"urak",
])
_TITLE_AFTER_WORDS = re.compile(r"(?i:úr|ura|asszony|bey|hanım|-san|-sama|-kun|-sensei)")


def find_native_cued_names(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Names after the titles, greetings and introductions of scripts without capitals, names in those scripts
    after a Latin-script cue, and names before a title written after them (`Tanaka-san` and `Ahmet Bey` are
    ASCII: that finder is asked of any text)."""
    if shapes.ascii:
        if not shapes.words.isdisjoint(_ASCII_TITLES_AFTER):
            yield from _names_before_titles(text)
        return
    if _ANY_NATIVE.search(text):
        for script, (letter, pattern) in _NATIVE.items():
            if letter.search(text):
                yield from _native_names(text, pattern, script)
        yield from _after_native_sign_offs(text)
        yield from _after_latin_cues(text)
    if _TITLE_AFTER_WORDS.search(text):
        yield from _names_before_titles(text)


def _native_names(text: str, pattern: re.Pattern[str], script: str) -> Iterator[Candidate]:
    position = 0
    while (match := pattern.search(text, position)) is not None:
        position = match.start("name")  # a greeting that names nobody may stand before a cue that does
        take = _words_named(match, script, _ends_run(text, match.end("name")))
        if take:
            start = match.start("name")
            position = _end_of_words(text, start, take)
            yield "PERSON", start, position


def _words_named(match: re.Match[str], script: str, ended: bool) -> list[str]:
    """The words of the run after a cue that are the name: all of a run that ends (a title may also name the
    first two words of one that goes on), none of a run that reads as a sentence."""
    words = match.group("name").split()
    bare_greeting = match.group("greeting") is not None and match.groupdict().get("introduction") is None
    stop = next((i for i, word in enumerate(words) if i and word in _STOP_WORDS), None)
    if stop is not None and not bare_greeting:
        # "معك يوسف من خدمة العملاء": the name ends before "from". Not after a greeting alone, where the run is
        # as often the sentence ("سلام، اسم من …", hello, my name is …).
        words, ended = words[:stop], True
    if _greeting_goes_on(match.group("greeting"), words, script):
        return []  # "سلام" read as the greeting and "عليكم" as the name: the rest of "سلام عليكم"
    greeting = next((i for i in range(1, len(words)) if _a_greeting_at(words, i, script)), None)
    if greeting is not None:  # "الحساب باسم نزار القباني السلام عليكم": the name ends where a greeting starts
        words, ended = words[:greeting], True
    if words[0] in _NATIVE_CUES[script]["introduction"]:
        return []  # "สวัสดีครับ ผม": the "I" of an introduction that names no one
    if words[-1] in _CLOSINGS:  # "سلام، محمدياسين هدایت هستم."
        return words[:-1] if ended and match.group("greeting") else []
    ended = ended and len(words) <= _LONGEST.get(script, _LONGEST_DEFAULT)
    if match.group("title") is not None:
        if script == "thai" and words[0].startswith((*_THAI_YOU, *_THAI_NOT_NAMES)):
            return []
        # A title names a surname or a full name; a third word is the sentence's verb ("מר קליין התקשר").
        return (words if script == "arabic" else words[:2]) if ended else words[:2][: len(words) - 1]
    if match.groupdict().get("label") is not None:  # a role's run that goes on is a note about them, not a name
        return words if ended and ORGANISATION_OR_PLACEHOLDER_WORDS.isdisjoint(words) else []
    if match.group("named") is not None:
        return words if ended else words[:2][: len(words) - 1]
    if match.groupdict().get("introduction") is None:  # a greeting, then a name and a comma ("شكراً، هالة،")
        return words if ended and len(words) <= 3 else []
    if script == "thai":
        return words[:2]  # a full name is two words, then the sentence runs on unspaced
    return words if ended else []


def _a_greeting_at(words: list[str], index: int, script: str) -> bool:
    """Whether a greeting of two words or more starts at words[index] (one word may be a name: `سلام`, Salam)."""
    return any(words[index:index + len(phrase)] == phrase for phrase in _LONG_GREETINGS.get(script, ()))


def _greeting_goes_on(greeting: str | None, words: list[str], script: str) -> bool:
    """Whether the greeting read and the first words of the run make a longer greeting."""
    if greeting is None:
        return False
    said = [*greeting.split(), *words]
    return any(len(phrase) > len(said) - len(words) and said[:len(phrase)] == phrase
               for phrase in _LONG_GREETINGS.get(script, ()))


def _after_native_sign_offs(text: str) -> Iterator[Candidate]:
    if _NATIVE_SIGN_OFF_WORD.search(text):
        for match in _AFTER_NATIVE_SIGN_OFF.finditer(text):
            if named_after_cue(text, match):
                yield "PERSON", match.start("name"), match.end("name")


def _after_latin_cues(text: str) -> Iterator[Candidate]:
    for match in _AFTER_LATIN_SIGN_OFF.finditer(text):
        # One Arabic word with the article signs for a group ("الفريق", the team), not a person.
        if named_after_cue(text, match) and not match.group("name").startswith("ال"):
            yield "PERSON", match.start("name"), match.end("name")
    for match in _AFTER_LATIN_CUE.finditer(text):
        names = [match] if named_after_cue(text, match, weak=match.group("weak") is not None) else []
        while names and match.group("label") is not None and (
            following := _NEXT_IN_LIST.match(text, names[-1].end("name"))
        ) is not None and named_after_cue(text, following):
            names.append(following)
        for name in names:
            yield "PERSON", name.start("name"), name.end("name")


# Last characters of a run of Han that names a company, a department or a place, not a person.
_ORGANISATION_ENDINGS = tuple("社部課室係店局所院館行市県区町村省州司团队組组")


def named_after_cue(text: str, match: re.Match[str], *, weak: bool = False) -> bool:
    """The run of `match` (group `name`) after a cue ends where a name would and has a name's shape. After a title,
    a greeting, an introduction or a label of people, a Chinese or Japanese run of two to five characters in one
    or two words is one, whatever its first character (`Dr. 加藤健一`; a Japanese given name may be kana: `Hi
    くみ子,`), unless it ends as an organisation's name does (`営業部`); after a key that holds a company as often
    (`Customer:`), it needs the shape of `is_cjk_name`. A Korean run needs `is_korean_name`."""
    name = match.group("name")
    if not _ends_run(text, match.end("name")):
        return False
    if "\uac00" <= name[0] <= "\ud7a3":
        return is_korean_name(name)
    if not ("\u3005" <= name[0] <= "\u9fff" or "\uf900" <= name[0] <= "\ufaff" or "\u3040" <= name[0] <= "\u30ff"):
        return True
    if weak:
        return is_cjk_name(name)
    words = name.split()
    return len(words) <= 2 and 2 <= sum(map(len, words)) <= 5 and not name.endswith(_ORGANISATION_ENDINGS)


def _names_before_titles(text: str) -> Iterator[Candidate]:
    for match in _TITLES_AFTER.finditer(text):
        words = match.group("name").split()
        while words and not (words[0][0].isupper() and not {w.lower() for w in words} & _NON_NAME_WORDS):
            words = words[1:]  # "Spoke to Boros asszony": the name is the capitalised word before the title
        if words:
            start = match.start("name") + match.group("name").index(words[0])
            yield "PERSON", start, match.end("name")


_SPACES = re.compile(r"[ \t]*")


def _ends_run(text: str, end: int) -> bool:
    """The run stops at the end of the text or of a line, or before a character that is no letter of a script
    without capitals (punctuation, a digit, a Latin letter), not before another word of its sentence."""
    after = _SPACES.match(text, end).end()  # type: ignore[union-attr]  # matches the empty string anywhere
    return after == len(text) or not _ANY_NATIVE.match(text, after)


def _end_of_words(text: str, start: int, words: list[str]) -> int:
    end = start
    for word in words:
        end = text.index(word, end) + len(word)
    return end
