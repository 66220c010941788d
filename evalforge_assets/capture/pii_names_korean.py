"""Korean names that `pii_names_cjk` (asked among the rules the person model is trained on) does not read: before a
job title or a spaced honorific, and listed after a minutes' label. Asked after the learned look.

- **A full name before a job title**, with or without the honorific `님` and the particle after it (`최서윤 대리가`,
  `한도현 팀장님이`, `오세린 책임님은`): minutes and e-mails name colleagues so. The name is three syllables, the
  first a Korean family name (`KOREAN_FAMILY_NAMES`), and no stop word (`이번주`, "this week"). Titles that are
  everyday nouns too count only with `님` (`최종 책임은`, "final responsibility"; `이번주 이사`, "moving this week").
- **A given name alone before `님` or `씨` written apart** (`서윤 님이`, `도현 씨가`): colleagues and callers are named
  by their given name as often. Written against the word, `씨` ends everyday words (`아저씨`, "mister"; `아가씨`,
  "miss"), so only the spaced form counts, and a role or a relative before it (`고객 님`, `기사 님`) is none.
- **Listed after a label of minutes** (`참석: 최서윤(PM), 한도현`, `담당: 오세린 님`, `불참자: 한도현`): each item, with
  its role in parentheses or `님` after it, up to a comma, a slash, `및` ("and") or the line's end, is a three-syllable
  name that starts with a family name, or any two or three syllables before `님`; the list ends at the first item
  that is none, or that names a team (`인사팀`, `전산실`).
- **Speakers and owners of lines** (`최서윤: 배포는 금요일`, `- 한도현 → 로그 분석`): a line that opens, after a bullet
  or a number, with a three-syllable name, then a colon, a dash or an arrow. At least two lines of the text must
  name two different people so: a lone `이메일:` or `주소지:` is a form's field, which a pair of speakers is not.

A name must be made of the syllables Korean given names are made of (`_GIVEN_SYLLABLES`): `마케팅` ("marketing")
and `이메일` ("e-mail") start with a family name's syllable too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import stop_words
from evalforge_assets.capture.pii_names_cjk import (
    _ANY_HANGUL,
    HANGUL,
    KOREAN_FAMILY_NAMES,
    ROLES_AND_RELATIVES,
)
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

# Job titles of Korean offices and professions, as a colleague's name is followed by them; the second kind are
# everyday nouns as well (responsibility, moving house, representative, chief, appointment, temple, senior, junior).
_TITLES = (
    "대리", "과장", "부장", "차장", "팀장", "주임", "실장", "본부장", "센터장", "매니저", "상무", "전무", "변호사", "기자",
    "작가", "간호사", "연구원", "파트장", "그룹장",
)
_TITLES_WITH_HONORIFIC = ("책임", "이사", "대표", "수석", "선임", "사원", "선배", "후배")
_ALL_TITLES = (*_TITLES, *_TITLES_WITH_HONORIFIC)
# Words before `님` or `씨` that are no one's given name: people by their part, members, relatives (beside
# `pii_names_cjk.ROLES_AND_RELATIVES` and the titles, which `_may_name` asks too).
_NOT_GIVEN = frozenset((
    "회원", "학생", "환자", "직원", "주민", "이웃", "친구", "엄마", "아빠", "언니", "오빠", "누나", "형님", "동생", "아들",
    "강사", "코치", "감독", "박사",
))
# What may follow the title: `님`, then a particle, or the word's end.
_PARTICLES = ("께서", "에게", "한테", "이", "가", "은", "는", "을", "를", "의", "도", "과", "와", "랑", "이랑")
_AFTER_TITLE = rf"(?:님)?(?:{phrase_alternation(_PARTICLES)})?(?![{HANGUL}])"
_TITLED = re.compile(
    rf"(?<![{HANGUL}])(?P<name>[{HANGUL}]{{3}})[ \t]?(?:{phrase_alternation(_TITLES)}|"
    rf"(?:{phrase_alternation(_TITLES_WITH_HONORIFIC)})(?=님)){_AFTER_TITLE}"
)
_HONOURED = re.compile(rf"(?<![{HANGUL}])(?P<name>[{HANGUL}]{{2}})[ \t](?:님|씨){_AFTER_TITLE}")
# Labels of minutes and notes that people follow: attendees, absentees, owner, presenter, chair, minute-taker, copied.
_LIST_LABELS = ("참석", "참석자", "참가자", "불참", "불참자", "담당", "담당자", "발표자", "진행자", "사회자", "서기", "참조",
                "요청자", "보낸 사람", "받는 사람")
_LIST_LABEL = re.compile(rf"(?<![{HANGUL}])(?:{phrase_alternation(_LIST_LABELS)})[ \t]*[:：][ \t]*")
_ITEM = re.compile(rf"(?P<name>[{HANGUL}]{{2,3}})(?![{HANGUL}])(?P<honorific>[ \t]?님)?(?:[ \t]*\([^()\n]{{1,20}}\))?")
_ITEM_END = re.compile(r"[ \t]*(?:[,、/;)]|[ \t]및[ \t]|[.\r\n]|$)")
_NEXT_ITEM = re.compile(r"[ \t]*(?:[,、/;]|및[ \t])[ \t]*")
_LINE_OWNER = re.compile(
    rf"^[ \t]*(?:[-*•·]|\d{{1,2}}[.)])?[ \t]*(?P<name>[{HANGUL}]{{3}})[ \t]*(?:[:：]|[ \t][-–→][ \t])", re.MULTILINE
)
# The syllables Korean given names are made of (most are Sino-Korean, a few native: 별, 봄, 슬, 늘): a word with
# another syllable is a loanword or an everyday word (`마케팅`, "marketing"; `이메일`, "e-mail"), not a name.
_GIVEN_SYLLABLES = frozenset(
    "가각갑강건걸겸경계고곤공관광교구국군권규균근금기길나난남내녀다단달담대덕도돈동두들라란람래량려련렬령례로록"
    "룡루류륜률름리린림마만말매면명모목무문미민박반방배백범병보복본봉부분비빈빛사산삼상새샘서석선설섭성세소솔솜송수"
    "숙순술숭슬승시식신실심아안애야양언엄여연열염엽영예오옥온완왕요용우욱운웅원월위유윤율은을음의이익인일임자작재"
    "전정제조존종주준중지진찬창채천철청초춘충치칠탁태택평표필하학한해행향허헌혁현형혜호홍화환황회효후훈휘희흥힘별봄늘결"
)
# What a team or a department's name ends with: team, office, division, section, centre, headquarters, group, part.
_TEAM_ENDINGS = ("팀", "실", "부", "과", "센터", "본부", "그룹", "파트")


def korean_names_before_titles(text: str) -> Iterator[Candidate]:
    """PERSON spans of Korean names before a job title or a spaced `님` or `씨` (see the module docstring)."""
    if _ANY_HANGUL.search(text) is None:
        return
    for match in _TITLED.finditer(text):
        name = match.group("name")
        if name[0] in KOREAN_FAMILY_NAMES and _may_name(name):
            yield "PERSON", match.start("name"), match.end("name")
    for match in _HONOURED.finditer(text):
        if _may_name(match.group("name")):
            yield "PERSON", match.start("name"), match.end("name")


def korean_names_listed(text: str) -> Iterator[Candidate]:
    """PERSON spans of the names listed after a label of minutes (see the module docstring)."""
    if _ANY_HANGUL.search(text) is None:
        return
    for label in _LIST_LABEL.finditer(text):
        position = label.end()
        while (item := _ITEM.match(text, position)) is not None and _ITEM_END.match(text, item.end()):
            name = item.group("name")
            named = item.group("honorific") is not None or (len(name) == 3 and name[0] in KOREAN_FAMILY_NAMES)
            if not (named and _may_name(name)) or name.endswith(_TEAM_ENDINGS):
                break
            yield "PERSON", item.start("name"), item.end("name")
            separator = _NEXT_ITEM.match(text, item.end())
            if separator is None:
                break
            position = separator.end()




def korean_speakers(text: str) -> Iterator[Candidate]:
    """PERSON spans of the names that open two or more lines before a colon, a dash or an arrow (see the module
    docstring)."""
    if _ANY_HANGUL.search(text) is None:
        return
    owners = [match for match in _LINE_OWNER.finditer(text)
              if match.group("name")[0] in KOREAN_FAMILY_NAMES and _may_name(match.group("name"))]
    if len({match.group("name") for match in owners}) >= 2:
        for match in owners:
            yield "PERSON", match.start("name"), match.end("name")


def _may_name(word: str) -> bool:
    """No role, relative, stop word or title, and a given name's syllables (the last two)."""
    if not all(syllable in _GIVEN_SYLLABLES for syllable in word[-2:]):
        return False
    if word in ROLES_AND_RELATIVES or word in _NOT_GIVEN or word in stop_words():
        return False
    return not word.endswith(_ALL_TITLES)  # `본부장 님` is the title with its honorific
