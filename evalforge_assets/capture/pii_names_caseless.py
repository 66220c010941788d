"""Names in Hebrew, Arabic and Persian notes that no title or greeting marks. These scripts have no capitals and
no list of given names here, so the cues of `pii_names_native` (titles, greetings, a customer's label) were the
only way in, and minutes, tickets and chat seldom carry one. Two more, asked after the learned look:

**Listed after a label.** Attendees, absentees, an owner, whom a note is from, to or copied to (`משתתפים: דנה לוי,
עומר שטרן`, `الحاضرون: ريم الخطيب، سامي حداد`, `مسئول پیگیری: آرش محمدی`): after the label and its colon, each
item of one to three words (four in Arabic script, where names chain a father's name) up to a comma, "and" or the
line's end is a name. An item that runs on is a sentence and ends the list.

**The subject of a person's verb.** The one to three words that open a clause before a verb of saying, asking,
writing or calling (`דנה לוי אמרה שהחבילה הגיעה`, `[T-12] ماهان صدری گفت که …`, `ريم ستتابع مع المورد`):

- the words open a run of their script: a line's start, a mark, a digit or a word of another script stands before
  them (`14:02 me …`, `[OPS-7] …`, `- …`), so a sentence's middle is never read;
- one to three words, then the verb: a longer run is a clause (`the package from the store arrived`), not a name;
- a role with its article may stand first (`הלקוחה דנה לוי פנתה`, `العميلة وداد السقا قالت`, "the customer … said"):
  in Hebrew and Arabic an adjective after it takes the article too (`הלקוח הקבוע`), which no name does; Persian
  writes its adjectives bare (`همسایه جدید گفت`, "the new neighbour said"), so there only the name opens the run;
- the verb is one a person does and no noun spells the same way: "said", "asked", "wrote to me", "called",
  "confirmed", "will follow up" (Hebrew `אמרה`, `ביקש/ה`; Arabic `قالت`, `سيتابع`; Persian `گفت`, `زنگ زد`), not
  Arabic `طلب` or `رد`, which are "a request" and "a reply" as often.

In both, no word may be a stop word of its language, a role, a relative or a department (`צוות`, `مدير`,
`همسایه`, `שירות`), or carry the definite article (Hebrew `ה…`, Arabic `ال…`): a noun with its article is
someone's role or a team, and the few given names that open with those letters (`הלל`) are left to the other
finders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import stop_words
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

_HEBREW = "\u05d0-\u05ea"
_ARABIC = "\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff"  # Arabic's and Persian's letters, not their digits or marks
_SCRIPTS = {"hebrew": _HEBREW, "arabic": _ARABIC}

# Past (masculine, feminine, and Hebrew's written-both `ביקש/ה`), present and future forms.
_VERBS: dict[str, tuple[str, ...]] = {
    "hebrew": (
        "אמר", "אמרה", "אמר/ה", "ביקש", "ביקשה", "ביקש/ה", "שאל", "שאלה", "שאל/ה", "ענה", "ענתה", "פנה", "פנתה",
        "פנה/תה", "התקשר", "התקשרה", "התקשר/ה", "שלח", "שלחה", "שלח/ה", "אישר", "אישרה", "אישר/ה", "הודיע",
        "הודיעה", "סיפר", "סיפרה", "הבטיח", "הבטיחה", "טען", "טענה", "דיווח", "דיווחה", "הציע", "הציעה", "הסכים",
        "הסכימה", "התלונן", "התלוננה", "עדכן", "עדכנה", "כתב לי", "כתבה לי", "כתב/ה", "אומר", "אומרת", "מבקש",
        "מבקשת", "שואל", "שואלת", "טוען", "טוענת", "יטפל", "תטפל", "יבדוק", "תבדוק", "יחזור", "תחזור", "ישלח",
        "תשלח", "יעדכן", "תעדכן",
    ),
    "arabic": (
        # Arabic
        "قال", "قالت", "سأل", "سألت", "طلبت", "أكد", "أكدت", "اتصل", "اتصلت", "أرسل", "أرسلت", "وافق", "وافقت",
        "اقترح", "اقترحت", "أفاد", "أفادت", "أبلغ", "أبلغت", "أوضح", "أوضحت", "اشتكى", "اشتكت", "أجاب", "أجابت",
        "راسلني", "راسلتني", "كلمني", "كلمتني", "يقول", "تقول", "سيتابع", "ستتابع", "سيتواصل", "ستتواصل", "سيرسل",
        "سترسل", "سيراجع", "ستراجع", "سيتولى", "ستتولى",
        # Persian
        "گفت", "گفته", "پرسید", "نوشت", "خواست", "درخواست کرد", "تماس گرفت", "زنگ زد", "پیام داد", "تأیید کرد",
        "تایید کرد", "قول داد", "پیشنهاد داد", "پیشنهاد کرد", "اعلام کرد", "گزارش داد", "شکایت کرد", "جواب داد",
        "پاسخ داد", "می‌گوید", "میگه", "پیگیری می‌کند", "پیگیری میکند", "بررسی می‌کند", "بررسی میکند",
    ),
}
# Roles and relatives: the subjects of these verbs that are no one's name.
_ROLES = frozenset((
    # Hebrew
    "לקוח", "לקוחה", "צוות", "מנהל", "מנהלת", "שכן", "שכנה", "משתמש", "משתמשת", "ספק", "רופא", "רופאה", "אחות",
    "מישהו", "מישהי", "חבר", "חברה", "מורה", "נציג", "נציגה", "נהג", "שליח", "עובד", "עובדת", "מטופל", "מטופלת",
    "אבא", "אמא", "סבא", "סבתא", "אח", "אחי", "אחותי", "בעלי", "אשתי", "בני", "בתי", "מערכת", "תמיכה", "מפתח",
    "מפתחת", "בעל", "בעלת", "דייר", "דיירת", "מנכ\"ל", "מנכ״ל", "ראש", "אף",
    # Arabic
    "فريق", "مدير", "مديرة", "جار", "جارة", "جاري", "جارتي", "مستخدم", "دعم", "أحد", "صديق", "صديقي", "صديقتي",
    "زميل", "زميلي", "زميلتي", "طبيب", "ممرضة", "أبي", "أمي", "أخي", "أختي", "زوجي", "زوجتي", "ابني", "ابنتي",
    "عميل", "عميلة", "زبون", "موظف", "موظفة", "مندوب", "سائق", "مالك", "نظام",
    # Persian
    "مشتری", "همسایه", "مدیر", "کاربر", "پشتیبانی", "تیم", "دکتر", "پرستار", "همکار", "همکارم", "دوست", "دوستم",
    "مادر", "پدر", "مادرم", "پدرم", "برادرم", "خواهرم", "همسرم", "شوهرم", "پسرم", "دخترم", "سیستم", "شرکت",
    "راننده", "پیک", "صاحبخانه", "کارمند", "کارشناس", "مسئول",
    # Departments and services, which a list of owners or a note's sender names as often as a person.
    "מחלקת", "מחלקה", "שירות", "קבוצת", "قسم", "إدارة", "خدمة", "خدمات", "بخش", "واحد",
))
# Labels a list of people follows: attendees, absentees, an owner, who took the minutes, from, to, copied.
_LIST_LABELS = (
    "משתתפים", "נוכחים", "נכחו", "השתתפו", "חסרים", "נעדרים", "אחראי", "אחראית", "אחראים", "באחריות", "רשם",
    "רשמה", "רושם", "רושמת", "מנחה", "מטפל", "מטפלת", "מאת", "אל", "העתק", "עותק", "מכותבים",
    "الحاضرون", "الحاضرين", "الحضور", "المشاركون", "المشاركين", "الغائبون", "الغائبين", "المسؤول", "المسؤولة",
    "مسؤول", "مسؤولة", "بمسؤولية", "المكلف", "المكلفة", "المقرر", "المقررة", "أعده", "أعدته", "من", "إلى", "نسخة",
    "حاضرین", "حاضران", "غایبین", "غائبین", "شرکت‌کنندگان", "شرکت کنندگان", "اعضای حاضر", "مسئول", "مسئولین",
    "مسئول پیگیری", "دبیر جلسه", "تهیه‌کننده", "تهیه کننده", "رونوشت", "از", "به",
)
# A role with its article names the person after it (`הלקוחה דנה לוי פנתה`, "the customer Dana Levi contacted").
# Not in Persian, whose adjectives follow a noun without an article (`همسایه جدید گفت`, "the new neighbour said").
_ROLES_BEFORE_A_NAME = {
    "hebrew": ("הלקוח", "הלקוחה", "השכן", "השכנה", "הנהג", "השליח", "הטכנאי", "הנציג", "הנציגה", "המטופל", "המטופלת",
               "העובד", "העובדת", "הדייר", "הדיירת", "המשתמש", "המשתמשת", "הפונה", "המתקשר", "המתקשרת", "בעל הבית",
               "בעלת הבית"),
    "arabic": ("العميل", "العميلة", "الزبون", "الزبونة", "الجار", "الجارة", "السائق", "المندوب", "الفني", "الموظف",
               "الموظفة", "المريض", "المريضة", "المتصل", "المتصلة", "المستخدم", "المستخدمة", "المالك", "المستأجر",
               "المستأجرة"),
}
_ARTICLES = {"hebrew": ("ה",), "arabic": ("ال", "وال", "بال", "فال", "لل")}
_MOST_WORDS = 3
_MOST_LISTED = {"hebrew": 3, "arabic": 4}


def _pattern(script: str) -> re.Pattern[str]:
    letters = _SCRIPTS[script]
    word = rf"[{letters}]+(?:[-'’׳\u200c][{letters}]+)*"
    verbs = phrase_alternation(_VERBS[script])
    roles = rf"(?:{phrase_alternation(_ROLES_BEFORE_A_NAME[script])})[ \t]+" if script in _ROLES_BEFORE_A_NAME else ""
    # The words right before the verb, perhaps after a role with its article, opening a run of the script.
    return re.compile(rf"(?<![{letters}'’׳\u200c-])(?:{roles})?(?P<name>{word}(?:[ \t]+{word}){{0,{_MOST_WORDS - 1}}})"
                      rf"[ \t]+(?:{verbs})(?![{letters}\u200c])")


def _label_pattern(script: str) -> re.Pattern[str]:
    letters = _SCRIPTS[script]
    return re.compile(rf"(?<![{letters}\u200c-])(?:{phrase_alternation(_LIST_LABELS)})[ \t]*[:：][ \t]*")


def _item_pattern(script: str) -> re.Pattern[str]:
    letters = _SCRIPTS[script]
    word = rf"(?!و(?![{letters}]))[{letters}]+(?:[-'’׳\u200c][{letters}]+)*"  # not the word "and"
    # One word more than a name may have, so that a run that goes on is seen to.
    return re.compile(rf"{word}(?:[ \t]+{word}){{0,{_MOST_LISTED[script]}}}")


_PATTERNS = {script: _pattern(script) for script in _SCRIPTS}
_ANY_LETTER = {script: re.compile(f"[{letters}]") for script, letters in _SCRIPTS.items()}
_LABELS = {script: _label_pattern(script) for script in _SCRIPTS}
_ITEMS = {script: _item_pattern(script) for script in _SCRIPTS}
# What ends a listed name: a comma of either script, a semicolon, "and", the line's or the text's end.
_ITEM_END = re.compile(r"[ \t]*(?:[,،;؛]|[ \t](?:و|and)[ \t]|[.\r\n]|$)")
_NEXT_ITEM = re.compile(r"[ \t]*(?:[,،;؛]|(?:و|and)[ \t])[ \t]*")


def names_listed_after_labels(text: str) -> Iterator[Candidate]:
    """PERSON spans of the names listed after an attendee, owner or sender label (see the module docstring)."""
    for script, labels in _LABELS.items():
        if not _ANY_LETTER[script].search(text):
            continue
        for label in labels.finditer(text):
            yield from _listed(text, label.end(), script)


def _listed(text: str, position: int, script: str) -> Iterator[Candidate]:
    while (item := _ITEMS[script].match(text, position)) is not None:
        words = item.group().split()
        if (len(words) > _MOST_LISTED[script] or not _ITEM_END.match(text, item.end())
                or not _may_name_all(words, script)):
            return
        yield "PERSON", item.start(), item.end()
        separator = _NEXT_ITEM.match(text, item.end())
        if separator is None:
            return
        position = separator.end()


def names_before_verbs(text: str) -> Iterator[Candidate]:
    """PERSON spans of the words that open a clause before a person's verb (see the module docstring)."""
    for script, pattern in _PATTERNS.items():
        if not _ANY_LETTER[script].search(text):
            continue
        for match in pattern.finditer(text):
            start, end = match.span("name")
            if _opens_a_run(text, match.start(), _ANY_LETTER[script]) and _may_name_all(match.group("name").split(), script):
                yield "PERSON", start, end


def _opens_a_run(text: str, start: int, letter: re.Pattern[str]) -> bool:
    """True when no word of the script stands right before `start` (only spaces between). Walks back over the
    spaces rather than copying the text before it, once per match."""
    position = start
    while position and text[position - 1] in " \t":
        position -= 1
    return not position or letter.match(text, position - 1) is None


def _may_name_all(words: list[str], script: str) -> bool:
    """No word is a stop word or a role; none carries the article, but an Arabic family name may (`ريم الخطيب`)."""
    return all(_may_name(word, script, first=not index) for index, word in enumerate(words))


def _may_name(word: str, script: str, first: bool) -> bool:
    if len(word) < 2 or word in stop_words() or word in _ROLES:
        return False
    if script == "arabic" and not first:
        return True
    return not any(word.startswith(article) and len(word) > len(article) + 1 for article in _ARTICLES[script])
