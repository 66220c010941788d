"""Names that name no one, whichever finder read them: companies (`pii_companies`), places (`pii_places`), job
titles, institutions, venues, clubs, cars and firms (`pii_named_things`),
language models whose families are given names ("Claude Sonnet", "Gemini Flash", "Mistral Large"), which every
LLM trace names, and the value of a key of places or things (`"title": "Calvin Klein"`, `"city": "Florence"`)."""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_companies import names_a_company
from evalforge_assets.capture.pii_named_things import names_a_thing
from evalforge_assets.capture.pii_names_learned import _KEYS_OF_THINGS, under_a_key_of_things
from evalforge_assets.capture.pii_places import a_place

# Keys of places and things whose values a name finder may still have read as a name. Not `subject`: an audit
# log's subject is the person acted on (`action=payout_account.update subject="Trine Poulsen"`). Not the keys of
# a street line (`street`, `location`): a name read there is part of the street (`Drumul Mariana Dinu`).
_KEYS_OF_NO_ONE = _KEYS_OF_THINGS - {"subject", "street", "location", "place", "neighbourhood", "neighborhood"}
# A model family and one of its tiers, maybe with a version between (`Claude 3.5 Sonnet`, `Nova Pro`). A family
# alone ("Claude Monet") is a name like any other.
_MODEL = re.compile(
    r"(?i:claude|gemini|gemma|mistral|mixtral|llama|grok|qwen|phi|nova|titan|command|jamba|granite)"
    r"(?:[ \t-]+v?\d[\w.]*)?[ \t-]+"
    r"(?:Opus|Sonnet|Haiku|Instant|Pro|Flash|Ultra|Nano|Large|Medium|Small|Tiny|Lite|Micro|Premier|Mini|Turbo|"
    r"Vision|Code|Embed|Embeddings|Nemo|Plus|Light|Express)\b"
)
# A word (a model's family, perhaps) and maybe a version, just before a tier read alone.
_MODEL_TAIL = re.compile(r"[A-Za-z]+(?:[ \t-]+v?\d[\w.]*)?[ \t-]+\Z")


def names_no_one(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] names a company, a place, a language model or a thing instead of a
    person."""
    return (
        under_a_key_of_things(text, start, _KEYS_OF_NO_ONE)
        or names_a_company(text, start, end)
        or a_place(text, start, end)
        or _MODEL.match(text, start) is not None
        or _model_before(text, start)
        or names_a_thing(text, start, end)
    )


def _model_before(text: str, start: int) -> bool:
    """Whether a model's family stands just before the name read (`Claude` then `Sonnet` read alone)."""
    match = _MODEL_TAIL.search(text, max(0, start - 30), start)
    return match is not None and _MODEL.match(text, match.start()) is not None

