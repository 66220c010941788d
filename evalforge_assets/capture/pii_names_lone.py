"""One word of a script without capitals, alone in English prose, where the words around it say a person stands:
`Case summary: สุทธิณัฐ reported that …`, `Thanks 영수, can you …`, `里佳 and Ana agreed to pair on it`.

`pii_names_scripts` takes such a word alone only with a second word or a family name's character, because one word
of another script in English text may be a quoted term, a city or a firm as well (`the allowlist for 阿里巴巴`,
`a store in नागपुर`). The words around it tell them apart the way they tell a capitalised word's, so the person
model (`pii_names_learned`) is asked about the word by its context features alone: no name list or dictionary the
model knows holds the word's letters, so all it brings is that it is written outside ASCII, and whether it recurs
nearby. The word is a name when that score reaches the model's threshold less `_MARGIN`.

The word must stand alone: its nearest letters are Latin or there are none; no other letter of a script without
capitals within 40 characters but inside findings already made (a sentence in that script is the other finders');
not quoted alone (`input_value='紧急'`, an enum's value in a validation error); in Han or Hangul two to four
characters and no kana; in Han, not ending as a place's or an institution's name does (`営業部`), and no word
jieba's dictionary knows as anything but a name (`用户`, "user"), counts as an everyday word (`谢谢`, "thanks", is
tagged a name) or splits into such words (`签名错误`, "signature error"). It is asked after the learned look
(`pii._find`), so the words the model is trained on stay as they were.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from evalforge_assets.capture.pii_names_chinese import PLACE_ENDINGS, jieba_count, jieba_tags, jieba_words
from evalforge_assets.capture.pii_names_cjk import HAN, HANGUL
from evalforge_assets.capture.pii_names_learned import context_features, person_token_model
from evalforge_assets.capture.pii_names_scripts import (
    EAST_ASIAN_LETTER,
    NUMBER_WORDS,
    UNCASED_LETTERS,
    a_key,
    stands_alone,
)
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_taken import TakenSpans

# How far below the model's own threshold a lone word's score may fall, chosen on the training probes (1-10 and 12)
# with the gates below in place: in steps of half a logit, the lowest margin whose step still added words three in
# four of which lie in planted names, the precision the model's threshold is chosen for (`tools/train_person_model.py`,
# `LEAST_PRECISION`). 2.0 -> 2.5 added 23 words, 18 in names; 2.5 -> 3.0 added 18, 9 in names.
_MARGIN = 2.5
_REACH = 40  # characters on each side in which no other letter of such a script may stand
_LONE_WORD = re.compile(rf"(?<![{UNCASED_LETTERS}\w])[{UNCASED_LETTERS}]{{2,12}}(?![{UNCASED_LETTERS}\w])")
_UNCASED_LETTER = re.compile(f"[{UNCASED_LETTERS}]")
_HAN_WORD = re.compile(f"[{HAN}]{{2,4}}")
_HANGUL_WORD = re.compile(f"[{HANGUL}]{{2,4}}")
_NO_LETTER = re.compile("(?!)")  # `stands_alone` with no script beside the run but Latin
_QUOTES = "'\""
# A word jieba's dictionary counts this often is an everyday word, though tagged a name (`谢谢`, "thanks", 1,089).
_EVERYDAY = 1_000


def lone_words_named(text: str, taken: TakenSpans) -> Iterator[Candidate]:
    """PERSON candidates for the lone words of scripts without capitals the person model reads as names by their
    context (see the module's docstring); `taken` holds the findings made so far."""
    if _UNCASED_LETTER.search(text) is None:
        return
    words = [match.span() for match in _LONE_WORD.finditer(text)]
    positions: dict[str, list[int]] = defaultdict(list)  # where each word stands, for the model's `repeat`
    for start, end in words:
        positions[text[start:end]].append(start)
    model = person_token_model()
    cutoff = model.logit_threshold - _MARGIN
    for start, end in words:
        word = text[start:end]
        if (taken.overlaps(start, end) or not _name_shaped(word) or a_key(word) or word in NUMBER_WORDS
                or _quoted_alone(text, start, end) or not stands_alone(text, start, end, _NO_LETTER)
                or not _alone_within_reach(text, start, end, taken)):
            continue
        if model.score([*context_features(text, start, end, positions), "nonascii"]) >= cutoff:
            yield "PERSON", start, end


def _name_shaped(word: str) -> bool:
    """A spaced script's word, or two to four Han or Hangul characters; in Han, none jieba knows as another word."""
    if EAST_ASIAN_LETTER.search(word) is None:
        return True
    if _HANGUL_WORD.fullmatch(word):
        return True
    if not _HAN_WORD.fullmatch(word):
        return False  # kana, or a longer run: a Japanese phrase (`の最大積載量`) more often than a name
    if word[-1] in PLACE_ENDINGS:
        return False  # a place's, an institution's or a department's last character (`営業部`, sales)
    tags = jieba_tags()
    if (tag := tags.get(word)) is not None:
        return tag.startswith("nr") and jieba_count(word) < _EVERYDAY
    parts = jieba_words(word)
    return len(parts) == 1 or not all(part in tags and not tags[part].startswith("nr") for part in parts)


def _quoted_alone(text: str, start: int, end: int) -> bool:
    return start > 0 and text[start - 1] in _QUOTES and text[end : end + 1] == text[start - 1]


def _alone_within_reach(text: str, start: int, end: int, taken: TakenSpans) -> bool:
    """No other letter of a script without capitals within `_REACH` characters, but inside findings made already
    (`Spoke with <PERSON> re renewal. ชัชนันท์ from procurement`)."""
    for pattern_start, pattern_end in ((max(0, start - _REACH), start), (end, end + _REACH)):
        for letter in _UNCASED_LETTER.finditer(text, pattern_start, pattern_end):
            if not taken.overlaps(letter.start(), letter.end()):
                return False
    return True
