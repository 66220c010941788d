"""Names in Chinese prose, where no cue stands before them: `高凯在与黄宇面谈时申请缩短工时`, `王燕下周休假。`.

Chinese writes no space between words and has no capitals, so the cue finders (`pii_names_cues`: `姓名:`, `我是`,
`先生`) reach only names beside a cue word. Here jieba segments the text (its dictionary, and a four-state hidden
Markov model that joins characters no dictionary word covers into new words, as names most often are). A word is a
name when it has a person's shape (two or three Han characters, the first a common family name,
`pii_names_cjk.CHINESE_FAMILY_NAMES`, the last none that ends a place's or an institution's name: `张家界`) and
either jieba's dictionary tags it a person's name (`nr`) or the dictionary does not know it (`高凯`, `王燕`): a new
word that starts with a family name is a name far more often than anything else. Not when a shop, product or firm
word follows (`李宁专卖店`, a brand's shop) or a firm's name goes on (`华成育卓传媒有限公司`), nor in a path or URL (`site-packages/索引/client.py`). jieba's own
part-of-speech tagger is not used: its model has a few hundred states, and a run of characters it does not know
(100,000 random ones) takes minutes; segmentation alone takes a quarter of a second. A text with kana is Japanese,
whose kanji names jieba does not know, and is left to the Japanese finders.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from functools import cache
from typing import Any

from evalforge_assets.capture.pii_names_cjk import CHINESE_FAMILY_NAMES
from evalforge_assets.capture.pii_patterns import Candidate

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_KANA = re.compile(r"[\u3040-\u30ff]")
# One clause at a time, at most 120 characters (up to a full stop, a question or exclamation mark, a semicolon or
# a line break, or cut there): jieba builds a graph of every dictionary word in what it is given.
_CLAUSE = re.compile(r"[^\n。！？!?；;]{1,120}")
# Last characters of a place's, an institution's or a shop's name: a "name" ending in one is none (`张家界`, a
# mountain park; `黄山`; `李村`).
PLACE_ENDINGS = frozenset("界山岭峰市省县区镇村乡路街道巷湖河江海岛港湾寺庙园馆店楼厂院校局部会社司所站桥门城")
# Words after a name that make it a brand's or a firm's (`李宁专卖店`, Li Ning's shop; `李宁运动鞋`, its trainers).
# Words of a firm's name a few characters after the "name": company, limited, group, media, technology, holdings.
_COMPANY_WORDS = ("公司", "有限", "集团", "集團", "会社", "會社", "株式", "传媒", "科技", "实业", "控股", "企业", "事务所",
                  "工作室", "商会")
_COMPANY_REACH = 8
_BRAND_AFTER = ("专卖店", "旗舰店", "运动鞋", "品牌", "牌", "公司", "集团", "店", "服装", "手机", "汽车", "银行", "酒店",
                "饭店", "餐厅", "超市", "商场", "大厦", "广场", "医院", "大学", "学院", "珠宝", "金店", "奶茶", "火锅")


@cache
def _segmenter() -> tuple[Any, dict[str, str]]:
    """jieba's tokenizer and its dictionary's part-of-speech tags, loaded once (about a second)."""
    # jieba's 0.42 sources hold regular expressions with escapes Python now deprecates; compiling them warns once,
    # about code that is not ours and works as written.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba
        import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.dt, jieba.posseg.dt.word_tag_tab


def jieba_tags() -> dict[str, str]:
    """jieba's dictionary: each word's part-of-speech tag (`nr` and its kinds for people's names)."""
    return _segmenter()[1]


def jieba_count(word: str) -> int:
    """How often jieba's dictionary counted `word` (0 for a word it does not hold)."""
    tokenizer = _segmenter()[0]
    tokenizer.check_initialized()
    return tokenizer.FREQ.get(word) or 0


def jieba_words(text: str) -> list[str]:
    """`text` cut into words by jieba."""
    return list(_segmenter()[0].cut(text))


def find_chinese_names(text: str) -> Iterator[Candidate]:
    """PERSON candidates for the words jieba tags as people's names in Chinese text (see the module's docstring)."""
    if _HAN_RUN.search(text) is None or _KANA.search(text) is not None:
        return
    for clause in _CLAUSE.finditer(text):
        if _HAN_RUN.search(clause.group()) is not None:
            yield from _names_in(text, clause.start(), clause.group())


def _names_in(text: str, offset: int, clause: str) -> Iterator[Candidate]:
    tokenizer, tags = _segmenter()
    position = offset
    for word in _family_names_joined(list(tokenizer.cut(clause)), tags):
        start, position = position, position + len(word)
        tag = tags.get(word)
        if not (2 <= len(word) <= 3 and word[0] in CHINESE_FAMILY_NAMES and (tag is None or tag.startswith("nr"))):
            continue
        if word[-1] not in PLACE_ENDINGS and not text.startswith(_BRAND_AFTER, position) and not _in_a_path(
                text, start, position) and not _in_a_company(text[position : position + _COMPANY_REACH]):
            yield "PERSON", start, position


def _family_names_joined(words: list[str], tags: dict[str, str]) -> list[str]:
    """jieba's words with a family name it cut off its given name joined to it again: `陆` + `红霞`, `叶` + `建华`
    (the dictionary knows the given name as a name, `nr`, or as another proper noun, `nz`, or not at all)."""
    joined: list[str] = []
    index = 0
    while index < len(words):
        word, following = words[index], words[index + 1] if index + 1 < len(words) else ""
        if (len(word) == 1 and word in CHINESE_FAMILY_NAMES and 1 <= len(following) <= 2
                and _HAN_RUN.fullmatch(word + following) and tags.get(following, "nr")[:2] in ("nr", "nz")):
            joined.append(word + following)
            index += 2
        else:
            joined.append(word)
            index += 1
    return joined


def _in_a_company(after: str) -> bool:
    """A firm's name goes on past the "name" (`华成育卓传媒有限公司`, `高橋水産合同会社`)."""
    return any(word in after for word in _COMPANY_WORDS)


def _in_a_path(text: str, start: int, end: int) -> bool:
    """A segment of a path or a URL (`site-packages/索引/client.py`, `/api/索引?id=`), not a sentence's word."""
    after = text[end : end + 2]
    # Not a backslash after it: in an escaped JSON string the name's closing quote is one (`\\"name\\": \\"翁鑫\\"`).
    return ((start > 0 and text[start - 1] in "/\\") or after[:1] in ("/", "?")
            or (after[:1] == "." and after[1:].isascii() and after[1:].isalnum()))  # `索引.parquet`
