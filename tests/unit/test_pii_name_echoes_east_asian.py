"""A part of a name written in Chinese, Japanese or Korean with a space between family and given name, echoed where
it stands alone (`capture/pii_name_echoes.py`). The examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_name_echoes import name_echoes


@pytest.mark.parametrize(("text", "echo"), [
    ("面談メモ：石田 美咲が上司と面談。美咲は来月から時短勤務を希望。", "美咲"),  # kana after a Han given name
    ("참석자: 박 서준\n서준한테 회의록 보내줘", "서준"),  # a Korean particle after the name
])
def test_a_given_name_alone_echoes_the_full_name(text: str, echo: str) -> None:
    assert echo not in redact_text(text)


def test_a_part_inside_a_longer_run_of_han_is_no_echo() -> None:
    text = "中村 真綾 moved to 中村区 last spring"
    name = ("PERSON", 0, len("中村 真綾"))
    echoes = [text[start:end] for _, start, end in name_echoes(text, [name])]
    assert "中村" not in echoes  # `中村区`, a ward
