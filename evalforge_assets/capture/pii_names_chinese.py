"""Names in Chinese prose, where no cue stands before them: `高凯在与黄宇面谈时申请缩短工时`, `王燕下周休假。`.

Chinese writes no space between words and has no capitals, so the cue finders (`pii_names_cues`: `姓名:`, `我是`,
`先生`) reach only names beside a cue word. Here jieba segments the text and tags each word by its dictionary and
its hidden Markov model; a word tagged a person's name (`nr`) is one when it has a person's shape: two or three Han
characters, the first a common family name (`pii_names_cjk.CHINESE_FAMILY_NAMES`), the last none that ends a
place's or an institution's name (`张家界`), and no shop, product or firm word after it (`李宁专卖店`). Segmentation errs at a name's
edges, so a conjunction or preposition glued before it (`和冬梅`, "and Dongmei") and a particle or adverb glued
after it (`李杰刚`, "Li Jie just") are cut off first. A text with kana is Japanese, whose kanji names jieba does not
know, and is left to the Japanese finders.
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
# Words jieba glues to a name's edges: and, with, to, for, let, called (before); just, said, also, all, then,
# again, still, is, at, of, gave (after).
_GLUED_BEFORE = tuple("和跟与给对向把被让叫同")
_GLUED_AFTER = tuple("刚说也都就又还是在的给")
# Last characters of a place's, an institution's or a shop's name: a "name" ending in one is none (`张家界`, a
# mountain park; `黄山`; `李村`).
_PLACE_ENDINGS = frozenset("界山岭峰市省县区镇村乡路街道巷湖河江海岛港湾寺庙园馆店楼厂院校局部会社司所站桥门城")
# Words after a name that make it a brand's or a firm's (`李宁专卖店`, Li Ning's shop; `李宁运动鞋`, its trainers).
_BRAND_AFTER = ("专卖店", "旗舰店", "运动鞋", "品牌", "牌", "公司", "集团", "店", "服装", "手机", "汽车", "银行", "酒店",
                "饭店", "餐厅", "超市", "商场", "大厦", "广场", "医院", "大学", "学院", "珠宝", "金店", "奶茶", "火锅")


@cache
def _segmenter() -> Any:
    """jieba's part-of-speech tokenizer, loaded once (its dictionary takes about a second)."""
    # jieba's 0.42 sources hold regular expressions with escapes Python now deprecates; compiling them warns once,
    # about code that is not ours and works as written.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba
        import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def find_chinese_names(text: str) -> Iterator[Candidate]:
    """PERSON candidates for the words jieba tags as people's names in Chinese text (see the module's docstring)."""
    if _HAN_RUN.search(text) is None or _KANA.search(text) is not None:
        return
    position = 0
    for pair in _segmenter().cut(text):
        word, flag = pair.word, pair.flag
        start, position = position, position + len(word)
        if flag != "nr":
            continue
        trimmed_start, trimmed = start, word
        if len(trimmed) > 2 and trimmed.startswith(_GLUED_BEFORE) and trimmed[1] in CHINESE_FAMILY_NAMES:
            trimmed_start, trimmed = start + 1, trimmed[1:]
        if len(trimmed) > 2 and trimmed.endswith(_GLUED_AFTER):
            trimmed = trimmed[:-1]
        end = trimmed_start + len(trimmed)
        if (2 <= len(trimmed) <= 3 and trimmed[0] in CHINESE_FAMILY_NAMES and trimmed[-1] not in _PLACE_ENDINGS
                and not text.startswith(_BRAND_AFTER, end) and not _in_a_path(text, trimmed_start, end)):
            yield "PERSON", trimmed_start, end


def _in_a_path(text: str, start: int, end: int) -> bool:
    """A segment of a path or a URL (`site-packages/索引/client.py`, `/api/索引?id=`), not a sentence's word."""
    after = text[end : end + 2]
    # Not a backslash after it: in an escaped JSON string the name's closing quote is one (`\\"name\\": \\"翁鑫\\"`).
    return ((start > 0 and text[start - 1] in "/\\") or after[:1] in ("/", "?")
            or (after[:1] == "." and after[1:].isascii() and after[1:].isalnum()))  # `索引.parquet`
