"""Speakers of a chat whose turns are stamped with a time alone (`capture/pii_names_speakers.timed_speakers`). The
examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_speakers import timed_speakers


@pytest.mark.parametrize(("text", "speakers"), [
    ("[19:44] 한지민: 내일 회의 몇 시예요?\n[20:31] 윤재석: 세 시요.", ["한지민", "윤재석"]),
    ("[15:45] 高橋 みなみ: 明日行ける？\n[17:46] 松田 恵: うん", ["高橋 みなみ", "松田 恵"]),
    ("[09:18] Ottavio Brancaleoni: ci sei domani?\n[13:15] Dalia Ferrucci: sì", ["Ottavio Brancaleoni", "Dalia Ferrucci"]),
])
def test_the_speakers_of_timed_turns_are_found(text: str, speakers: list[str]) -> None:
    assert [text[start:end] for _, start, end in timed_speakers(text)] == speakers
    redacted = redact_text(text, {})
    assert not any(speaker in redacted for speaker in speakers)


@pytest.mark.parametrize("text", [
    "[10:00] Scheduler: started\n[10:01] Worker Pool: done",  # ordinary words
    "[10:00] Kafka Broker: up\n[10:01] Redis Sentinel: ok",
    "[19:44] 한지민: 내일 회의 몇 시예요?",  # one turn
    "[19:44] Agent: hello\n[19:45] Ottavio Brancaleoni: hi",  # a role: `find_speakers` reads it
    "[2024-01-02 10:00:01] Ottavio Brancaleoni: x\n[2024-01-02 10:00:02] Dalia Ferrucci: y",  # a log's dated stamps
])
def test_timed_turns_without_a_persons_name_find_none(text: str) -> None:
    assert list(timed_speakers(text)) == []
