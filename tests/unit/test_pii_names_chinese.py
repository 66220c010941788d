"""Names in Chinese prose, read by jieba's person-name tag (`pii_names_chinese`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture import pii_names_chinese
from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_chinese import find_chinese_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("人事备注:高凯在与黄宇面谈时申请缩短工时,高凯希望从十月开始。",
         "人事备注:<PERSON>在与<PERSON>面谈时申请缩短工时,<PERSON>希望从十月开始。"),
        ("王燕下周休假。", "<PERSON>下周休假。"),
        # An adverb jieba glues to the name's end is cut off.
        ("李杰刚给我发消息", "<PERSON>刚给我发消息"),
    ],
)
def test_a_name_in_chinese_prose_goes(text: str, expected: str) -> None:
    assert redact_text(text, {}) == expected


@pytest.mark.parametrize(
    "text",
    [
        "张家界很漂亮",  # a mountain park, named like a person
        "我在李宁专卖店买了运动鞋",  # a brand's shop
        "我们明天去长城,然后去天安门广场。",
        "高速公路上发生了事故",
        "请联系客户服务部门处理退款。",
    ],
)
def test_places_brands_and_words_stay(text: str) -> None:
    assert redact_text(text, {}) == text


def test_japanese_text_is_left_to_the_japanese_finders() -> None:
    assert list(find_chinese_names("田中さんが東京で会議に出席しました")) == []


@pytest.mark.parametrize(
    "text",
    [
        'File "/usr/lib/python3.11/site-packages/索引/client.py", line 350, in request',
        "No such file or directory: '/編組/創傷/索引.parquet'",
        "request to https://example.gov/api/索引?id=zV7nq6Sk3Gd6 failed",
    ],
)
def test_a_word_of_a_path_or_url_is_no_name(text: str) -> None:
    assert list(find_chinese_names(text)) == []


def test_a_name_in_an_escaped_json_string_goes() -> None:
    text = '{"content": "{\\"id\\": \\"cus_ba3385442b\\", \\"note\\": \\"翁鑫下周休假\\"}"}'
    assert "翁鑫" not in redact_text(text, {})


@pytest.mark.parametrize("text", ["华成育卓传媒有限公司", "高橋水産合同会社", "我在李宁专卖店买了运动鞋"])
def test_a_firm_or_a_brand_named_like_a_person_is_no_name(text: str) -> None:
    assert list(find_chinese_names(text)) == []



def test_jieba_is_handed_one_clause_of_at_most_120_characters_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """jieba builds a graph of every dictionary word in what it is given: a long run without a stop goes in pieces
    (the bound that keeps 100,000 such characters at about a second instead of minutes)."""
    handed: list[str] = []
    tokenizer, tags = pii_names_chinese._segmenter()

    class Recording:
        def cut(self, clause: str) -> object:
            handed.append(clause)
            return tokenizer.cut(clause)

    monkeypatch.setattr(pii_names_chinese, "_segmenter", lambda: (Recording(), tags))
    text = "".join(chr(0x4E00 + (index * 7919) % 20000) for index in range(1000)) + "。王燕下周休假。"
    found = [text[start:end] for _, start, end in find_chinese_names(text)]
    assert "王燕" in found
    assert max(map(len, handed)) <= 120 and "".join(handed) == text.replace("。", "")


@pytest.mark.parametrize(("text", "name"), [
    ("备注:柳红霞在面谈时申请缩短工时。", "柳红霞"),  # jieba cuts 柳 + 红霞, both names
    ("参会人:王丽、刘洋、叶建华\n叶建华负责后续跟进。", "叶建华"),  # 叶 + 建华, 建华 another proper noun
])
def test_a_family_name_jieba_cut_off_its_given_name_is_joined_again(text: str, name: str) -> None:
    assert name not in redact_text(text)
