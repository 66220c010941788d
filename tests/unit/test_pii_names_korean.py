"""Korean names before a job title or a spaced honorific, listed after a minutes' label, and opening the lines of
two or more speakers (`capture/pii_names_korean.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_korean import (
    korean_names_before_titles,
    korean_names_listed,
    korean_speakers,
)


def _found(finder, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [text[start:end] for _, start, end in finder(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("어제 회의에서 문채원 과장이 예산안을 설명했습니다", ["문채원"]),
        ("배포는 염태훈 팀장님께서 승인하셨어요", ["염태훈"]),
        ("계약서는 하지민 책임님이 검토 중입니다", ["하지민"]),
        ("고객: 소윤 씨가 화요일에 다시 전화한대요", ["소윤"]),
        ("진행 상황은 태경 님이 공유해 주세요", ["태경"]),
    ],
)
def test_a_name_before_a_job_title_or_a_spaced_honorific_is_found(text: str, names: list[str]) -> None:
    assert _found(korean_names_before_titles, text) == names
    redacted = redact_text(text, {})
    assert not [name for name in names if name in redacted], redacted


@pytest.mark.parametrize(
    "text",
    [
        "최종 책임은 운영팀에 있습니다",  # "final responsibility": a title that is a noun needs 님
        "이번주 이사 일정이 바뀌었어요",  # "moving house this week"
        "신규 대리점이 문을 열었습니다",  # "a new dealership": no title ends a word there
        "아저씨가 택배를 두고 갔어요",  # "mister": 씨 written against the word
        "회원 님 안녕하세요",  # "dear member"
    ],
)
def test_a_noun_before_a_title_or_an_honorific_names_no_one(text: str) -> None:
    assert _found(korean_names_before_titles, text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("참석: 문채원(기획), 염태훈(개발), 하지민(QA)", ["문채원", "염태훈", "하지민"]),
        ("(담당: 편서진)", ["편서진"]),
        ("불참자: 태경 님 및 육승민", ["태경", "육승민"]),
    ],
)
def test_the_names_a_minutes_label_lists_are_found(text: str, names: list[str]) -> None:
    assert _found(korean_names_listed, text) == names


@pytest.mark.parametrize("text", ["담당: 마케팅", "담당: 인사팀", "불참: 없음", "참석: 전원"])
def test_a_label_before_a_team_or_a_word_lists_no_one(text: str) -> None:
    assert _found(korean_names_listed, text) == []


def test_two_speakers_opening_lines_are_names_and_one_field_is_not() -> None:
    minutes = "- 문채원: 배포는 금요일로\n- 염태훈: 테스트 완료\n3. 하지민 → 로그 분석"
    assert _found(korean_speakers, minutes) == ["문채원", "염태훈", "하지민"]
    assert _found(korean_speakers, "문채원: 배포는 금요일로") == []  # one line may be a form's field
    assert _found(korean_speakers, "이메일: a@example.com\n주소지: 부산") == []  # fields, not speakers
