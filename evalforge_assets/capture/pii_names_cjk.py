"""Person names inside Chinese, Japanese and Korean text, by the words these languages write beside a name.

`pii_names_scripts` reads a CJK name standing alone in Latin-script text; in a sentence of its own script a run
of characters has no spaces or capitals to mark a name, and a family name's character starts everyday words too
(高 "high", 周 "week", 이 "this"). What does mark one, in every register from a call transcript to a paper:

- **An honorific or title after it:** Japanese `鈴木さん`, `陽子 さん`, `田中様`, `佐藤先生`, `山本部長`; Chinese
  `王先生`, `李女士`, `张老师`; Korean `김민수 씨`, `박지영님`.
- **A label before it, and the list it heads:** `著者: 森 美加子^1、高橋健一^2`, `作者：周浩、霍玉珍`, `担当者：佐藤`,
  `收件人: 刘彬`, `이름: 김건우`, `저자: 양종수^1、홍경희^2`.
- **An introduction or an account holder:** `藤原桃子 と申します`, `契約は 佐藤 浩 の名義です`, `我叫王利`, `저는 송영자
  입니다`, `저 송영자 인데요`, `명의는 손영수 로 되어 있어요`.
- **A Japanese family name and a given name** (`田中 千代から`, `斉藤千代`): the hundred and fifty most common family
  names of Japan (over half of its people), two characters or more (one-character ones, `林`, `森`, `東`, are
  everyday words too and need a cue), followed by one to three characters of a given name that no place or
  institution ends with (`石川県`, `山口大学` stay).

How much is the name: the run of the script's characters next to the cue, one or two words of it (a family and a
given name written apart, `池田 和也`), up to four characters each; a two-word run starts with Han characters, so
a filler before the name (`あの 藤原桃子`) is not taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

# Han characters (with the iteration mark 々) and Hangul syllables, as character-class ranges; the other name finders
# of these scripts use the same. Kana here are letters only: the middle dot `・` separates names in a list.
HAN = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HANGUL = "\uac00-\ud7a3"
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_ANY = re.compile(f"[{HAN}{_KANA}{HANGUL}]")
_ANY_HANGUL = re.compile(f"[{HANGUL}]")

# Family names of the Hundred Family Surnames and the most common ones of today, simplified and traditional (over 90%
# of people in China and Taiwan), less those that also start everyday words (成, 和, 公, 文, 时 ...): a run such as
# 成功 ("success") in an English log line is no name.
CHINESE_FAMILY_NAMES = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏窦章苏潘葛奚范彭郎鲁韦昌马苗凤方俞任袁柳酆鲍史"
    "唐费廉岑薛雷贺倪汤滕殷罗毕郝邬卞齐康伍余卜顾孟黄穆萧尹姚邵湛汪祁毛禹狄臧伏戴谈茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻贾路娄危"
    "江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞支柯昝管卢莫房裘缪解宣贲邓郁杭洪左石崔钮龚程嵇邢裴陆翁荀羊於甄芮羿储靳汲邴糜焦"
    "巴弓牧隗宓蓬郗仰伊栾厉戎祖刘詹束龙叶幸韶郜黎蓟薄印宿怀蒲邰鄂索咸籍赖卓蔺屠蒙乔胥苍莘翟谭贡逄姬扶堵冉宰郦雍郤璩桑桂濮牛寿"
    "扈冀郏浦尚晏柴瞿阎慕茹宦艾鱼庾暨衡耿弘匡寇禄阙殳沃蔚夔巩厍聂晁勾敖融訾辛阚简饶曾毋沙乜鞠巢蒯荆竺逯桓金石白武"
    "張劉陳楊黃趙吳許鄭謝葉蘇呂鍾譚陸賈韋鄒龍賀顧龔萬錢嚴湯蕭賴簡歐溫馮鄧蔣盧羅閆孫馬韓衛沈顏龐紀聶閻駱鄔畢談藍闕饒鄺甘侯游"
)
# The most common family names of Korea (about 90% of people).
KOREAN_FAMILY_NAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도"
    "소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
)
# The most common family names of Japan, by the number of people who bear them.
JAPANESE_FAMILY_NAMES = frozenset((
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "渡邊", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村",
    "斎藤", "斉藤", "齋藤", "清水", "山崎", "池田", "橋本", "阿部", "石川", "山下", "中島", "石井", "小川", "前田", "岡田", "長谷川", "藤田", "後藤",
    "近藤", "村上", "遠藤", "青木", "坂本", "福田", "太田", "西村", "藤井", "金子", "岡本", "藤原", "中野", "三浦", "原田", "中川", "松田", "竹内",
    "小野", "田村", "中山", "和田", "石田", "森田", "上田", "内田", "柴田", "酒井", "宮崎", "横山", "高木", "安藤", "宮本", "大野", "小島", "谷口",
    "今井", "工藤", "高田", "増田", "丸山", "杉山", "村田", "大塚", "新井", "小山", "平野", "藤本", "河野", "上野", "野口", "武田", "松井", "千葉",
    "岩崎", "菅原", "木下", "久保", "佐野", "野村", "松尾", "市川", "菊地", "杉本", "古川", "大西", "島田", "水野", "桜井", "高野", "渡部", "吉川",
    "山内", "西田", "飯田", "菊池", "西川", "小松", "北村", "安田", "五十嵐", "川口", "平田", "中田", "久保田", "服部", "岩田", "土屋", "川崎", "福島",
    "本田", "樋口", "秋山", "田口", "永井", "山中", "中西", "吉村", "川上", "石原", "大橋", "松岡", "馬場", "浅野", "荒木", "大久保", "野田", "小池",
    "松下", "熊谷", "佐久間", "須藤", "星野", "黒田", "内藤", "松村", "西山", "大谷", "尾崎", "今村", "望月",
))
# Characters a place, a road or an institution ends with; a "given name" made of or ending in one is no name:
# 石川県 (a prefecture), 山口大学 (a university), 中村屋 (a shop), 上野駅 (a station), 吉田町 (a town).
_NOT_GIVEN_ENDINGS = frozenset("県市区町村郡駅線府都道港橋寺社院店園館屋校学病業会部課局署所庁省号丁目番地家組団党川山島")

# Honorifics and titles written after a name.
_JA_AFTER = ("さん", "さま", "様", "くん", "君", "ちゃん", "氏", "先生", "殿", "教授", "部長", "課長", "社長", "係長")
_ZH_AFTER = ("先生", "女士", "小姐", "老师", "老師", "经理", "經理", "医生", "醫生", "教授", "同学", "同學")
_KO_AFTER = ("씨", "님", "선생님", "교수님", "과장님", "부장님", "고객님")
# Words before a name's label colon (or Japanese/Korean topic marker) that say what follows is a person.
_LABELS = (
    "著者", "作者", "筆者", "氏名", "姓名", "名前", "お名前", "担当", "担当者", "発表者", "契約者", "申込者", "依頼者",
    "宛名", "差出人", "送信者", "受取人", "名義人", "患者", "联系人", "聯絡人", "收件人", "收货人", "收貨人", "寄件人",
    "发件人", "發件人", "负责人", "負責人", "申请人", "申請人", "经办人", "經辦人", "客户", "客戶", "名字", "저자",
    "이름", "성명", "담당자", "작성자", "수신자", "수신인", "발신자", "발신인", "예약자", "보호자", "고객명", "환자", "명의",
    "담당의", "주치의",  # the attending doctor, in a Korean clinical note
)
_CJK_WORD = rf"[{HAN}][{HAN}{_KANA}]{{0,3}}|[{_KANA}]{{2,4}}"
_HANGUL_WORD = rf"[{HANGUL}]{{2,4}}"
# One or two words of a name: the first of two is Han (a family name), so a filler before it is not taken.
_CJK_NAME = rf"(?:[{HAN}]{{1,3}}[ \u3000](?:{_CJK_WORD})|{_CJK_WORD})"
_HANGUL_NAME = rf"(?:[{HANGUL}][ ][{HANGUL}]{{1,3}}|{_HANGUL_WORD})"
_NAME = rf"(?P<name>{_CJK_NAME}|{_HANGUL_NAME})"
_SPACE = r"[ \t\u3000]?"


# A one-character honorific must end its word (`氏名` is "full name", `様式` "form"); a longer one may run on into the
# sentence, as Chinese writes it (`王先生已经回电`).
_HONORIFICS = (
    phrase_alternation(tuple(word for word in _JA_AFTER + _ZH_AFTER + _KO_AFTER if len(word) > 1))
    + rf"|(?:{phrase_alternation(tuple(word for word in _JA_AFTER + _KO_AFTER if len(word) == 1))})(?![{HAN}])"
)
_JAPANESE_FAMILY = phrase_alternation(tuple(JAPANESE_FAMILY_NAMES))
# A name then its honorific: the name starts its run (a space, a punctuation mark, a particle or nothing before it),
# or, in a run written together with the sentence before it (`昨日田中さんが`), a Japanese family name starts it.
_HONORIFIC_AFTER = re.compile(rf"(?<![{HAN}{HANGUL}おご]){_NAME}{_SPACE}(?:{_HONORIFICS})")
_FAMILY_HONORIFIC = re.compile(
    rf"(?<=[{HAN}])(?P<name>(?:{_JAPANESE_FAMILY})(?:[{HAN}]{{1,3}})?){_SPACE}(?:{_HONORIFICS})"
)
# The label as a line writes it (`著者: …`, `担当者は …`) or as a JSON key (`"姓名": "王芳"`); the one-character keys of a
# contact record (`"姓": "山田", "名": "太郎"`, `"성": "김"`) only quoted, since in a sentence they start other words.
_LABEL = re.compile(
    rf"(?:(?:{phrase_alternation(_LABELS)})[\"']?|[\"'](?:姓|名|성|名字)[\"'])[ \t\u3000]*(?:[:：]|は|은|는)[ \t\u3000]*[\"']?"
)
# One name of a list after a label, with the affiliation marks of an author list (`^1`, `¹`, `*`).
_LISTED = re.compile(rf"{_NAME}(?:\^?\d{{1,2}}|[¹²³⁴⁵⁶⁷⁸⁹*†‡])*(?P<sep>[ \t\u3000]*[、，,・/][ \t\u3000]*)?")
_BOUNDARY_AFTER = r"(?=$|[\s、。，,.!?！？」』）)])"
# "I am ...", "my name is ..." and "in the name of ...": each language's own words on both sides of the name.
_INTRODUCED = tuple(
    re.compile(pattern)
    for pattern in (
        rf"(?<![{HAN}{HANGUL}]){_NAME}{_SPACE}(?:と申します|といいます|と言います|の名義|的名字|的名义|的名義|名下)",
        rf"(?:私は|わたしは|名義は){_SPACE}{_NAME}{_SPACE}(?:です|の)",
        rf"(?:我叫|我的名字是|名字是|名字叫|叫我){_SPACE}{_NAME}{_BOUNDARY_AFTER}",
        rf"(?:저는|저|제 이름은|이름은){_SPACE}{_NAME}{_SPACE}(?:입니다|인데요|이에요|예요|이고요|이라고)",
        rf"명의는{_SPACE}{_NAME}{_SPACE}(?:로|으로)",
    )
)
# A person's age in parentheses after the name, as records write it (`서정남 (61세)`, `王芳（35岁）`); the name must start
# with a family name, since a group's word takes an age too (`平均年龄（35岁）`, "average age").
_AGED = re.compile(rf"(?<![{HAN}{HANGUL}]){_NAME}{_SPACE}[（(][ \t]?\d{{1,3}}[ \t]?(?:세|岁|歲|歳|才)[ \t]?[）)]")
# "I am ..." in Chinese names anyone as often (`我是客服`, "I am customer service"): a family name's run counts.
_I_AM = re.compile(rf"我是{_SPACE}{_NAME}{_BOUNDARY_AFTER}")
# A Japanese family name, then one to three characters of a given name or a given name in kana.
_FAMILY_AND_GIVEN = re.compile(
    rf"(?<![{HAN}])(?P<name>(?:{_JAPANESE_FAMILY})[ \u3000]?"
    rf"(?P<given>[{HAN}]{{1,3}}(?![{HAN}])|[{_KANA}]{{2,4}}(?=$|[\s、。，,.!?！？])))"
)
# Words that stand where a name does and name no one: roles, relatives, "customer", "everyone".
ROLES_AND_RELATIVES = frozenset((
    "お客様", "客様", "お客", "客服", "客户", "客戶", "オペレーター", "先生", "皆", "皆さん", "皆様", "みなさん", "本人", "担当",
    "担当者", "学生", "生徒", "部下", "上司", "新人", "同僚", "子供", "患者", "店員", "運転手", "看護師", "大家", "業者", "社員",
    "先輩", "後輩", "彼氏", "彼女", "友達", "隣", "配達員", "警察", "医者", "弁護士", "奥", "奥様", "旦那", "主人", "ご主人", "赤",
    "兄", "姉", "弟", "妹", "娘", "息子", "こちら", "そちら", "あなた", "我们", "我們", "他们", "他們", "自己", "这位", "這位",
    "那位", "哪位", "各位", "大家", "某", "고객", "상담원", "여러분", "선생", "사장", "부장", "과장", "대리", "팀장", "교수", "회장",
    "원장", "기사", "손님", "담당", "주인", "부모", "어머", "이사", "사모", "주임", "차장", "소장", "국장", "반장", "전무", "조장",
    "지점장", "위원", "선배", "여사", "기장", "당신",
))


def find_cjk_cued_names(text: str) -> Iterator[Candidate]:
    """PERSON spans of names in Chinese, Japanese and Korean text (see the module docstring)."""
    if not _ANY.search(text):
        return
    for pattern in (_HONORIFIC_AFTER, _FAMILY_HONORIFIC, *_INTRODUCED):
        for match in pattern.finditer(text):
            yield from _name_of(match)
    for match in _I_AM.finditer(text):
        if match.group("name")[0] in CHINESE_FAMILY_NAMES:
            yield from _name_of(match)
    for match in _AGED.finditer(text):
        name = match.group("name")
        if _ANY_HANGUL.match(name) or name[0] in CHINESE_FAMILY_NAMES or name[:2] in JAPANESE_FAMILY_NAMES:
            yield from _name_of(match)  # Hangul: `_name_of` asks for a Korean family name
    for label in _LABEL.finditer(text):
        yield from _listed_after(text, label.end())
    for match in _FAMILY_AND_GIVEN.finditer(text):
        if _given_part_is_a_name(match.group("given")):
            yield "PERSON", match.start("name"), match.end("name")


def _name_of(match: re.Match[str]) -> Iterator[Candidate]:
    name = match.group("name")
    if name is None or _first_is_a_role(name) or name[0] in "おご":
        return  # `お母さん`, `ご主人様`: a polite prefix makes a role or a relative, not a name
    if _ANY_HANGUL.match(name) and name.replace(" ", "")[0] not in KOREAN_FAMILY_NAMES:
        return  # a Korean name starts with its family name: `고객님` is "dear customer"
    start = match.start("name")
    yield "PERSON", start + _family_name_inside(name), match.end("name")


def _family_name_inside(run: str) -> int:
    """Where a Japanese family name starts inside a run that the sentence before it leads (`昨日田中` of
    `昨日田中さん`, "yesterday Tanaka-san"): 0 when the run starts with one or holds none."""
    for index in range(1, len(run) - 1):
        if run[index : index + 2] in JAPANESE_FAMILY_NAMES or run[index : index + 3] in JAPANESE_FAMILY_NAMES:
            return index
    return 0



def _first_is_a_role(name: str) -> bool:
    """The name's first word (all of it, when it is one) is a role or a relative (`お客様`, `先生 田中`)."""
    return name.split()[0] in ROLES_AND_RELATIVES


def _listed_after(text: str, start: int) -> Iterator[Candidate]:
    """The names of a list that starts at `start` (`森 美加子^1、高橋健一^2、中島浩^3`): each item up to a separator;
    the list ends at the first item that is no name's run or has no separator after it."""
    position = start
    for _ in range(12):
        match = _LISTED.match(text, position)
        if match is None:
            return
        name = match.group("name")
        end_of_name = match.end("name")
        following = text[end_of_name : end_of_name + 1]
        if _ANY.match(following):  # the run goes on: a sentence, not a name
            return
        if not _first_is_a_role(name):
            yield "PERSON", match.start("name"), end_of_name
        if match.group("sep") is None:
            return
        position = match.end()


def _given_part_is_a_name(given: str) -> bool:
    """What follows a family name is a given name unless it ends as a place's or an institution's word does
    (`石川県`, `山口大学`, `中村屋`) or is a title or an honorific (`山本部長`, `田中さん`: the cue's finder reads those)."""
    return given[-1] not in _NOT_GIVEN_ENDINGS and not given.startswith(_JA_AFTER + _ZH_AFTER)


