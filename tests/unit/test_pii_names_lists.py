"""Names of a list after a key or label of people (`capture/pii_names_lists.py`), names addressed with an
exclamation mark after thanks, Chinese, Japanese, Korean and Hindi names after a Markdown label, a title or a
closing word, lower-case names under `*_name` keys, and names in a Markdown table's name column or an SQL
`INSERT`'s name column."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # Every name of a list after a label of people, in any mix of scripts and separators.
        ("Attendees: Gonzalo Tovar, Amber Stevens\nRoom: 4B", ["Gonzalo Tovar", "Amber Stevens"]),
        ("Attendees: 邓红霞, Carl-Heinz Wende\nRoom: 4B", ["邓红霞", "Carl-Heinz Wende"]),
        ("cc: Ines Roth <i.roth@example.org>; Tom Lee", ["Ines Roth", "Tom Lee"]),
        ("Participants: Priya Raman (host), Joaquín Ortega and Lena Vogt.", ["Priya Raman", "Joaquín Ortega",
                                                                            "Lena Vogt"]),
        ('{"labels": ["billing"], "watchers": ["Tanay Mane", "Ana Souza"]}', ["Tanay Mane", "Ana Souza"]),
        ('"reviewers": ["Oksana Petrenko", "佐藤 健"]', ["Oksana Petrenko", "佐藤 健"]),
        # A name in a script without capitals after a Latin-script cue: a Japanese given name in kana, a full
        # name written without a space.
        ('"body": "Hi くみ子,\\n\\nYour order has shipped."', ["くみ子"]),
        ("Can I book an appointment with Dr. 加藤健一 on the 14th?", ["加藤健一"]),
        # One name addressed with "!" after thanks: a given name that is also a word, or no word at all.
        ("Tack, Nils! Jag har uppdaterat din adress.", ["Nils"]),
        ("Teşekkürler Safinaz! Teslimat adresiniz güncellendi.", ["Safinaz"]),
        # Labels in bold in a Markdown list, bank-form labels, titles and closings written after the name.
        ("信息如下：\n- **姓名:** 王小红\n- **邮箱:** 已登记", ["王小红"]),
        ("登録情報：\n- **氏名:** 清水 聡太郎\n", ["清水 聡太郎"]),
        ("返金先の口座（名義：山口 裕美子）に振り込んでください。", ["山口 裕美子"]),
        ("请回电，找张林先生。", ["张林"]),
        ("谢谢！赵秀梅", ["赵秀梅"]),
        ("주소를 변경해 주실 수 있나요? 감사합니다. 류순자 드림", ["류순자"]),
        ("कृपया राशि मेरे खाते में वापस करें (खाताधारक: माया देशपांडे)।", ["माया देशपांडे"]),
        ("संपर्क व्यक्ति: डॉ. ब्रह्मा राव।", ["ब्रह्मा राव"]),
        # Sign-offs of more languages, and git's author lines.
        ("Сообщите, если чего-то не хватает.\n\nВсего доброго,\nмарина логинова\nМенеджер", ["марина логинова"]),
        ("Eksik bir şey varsa bildirin.\n\nİyi çalışmalar,\nSelcen Sezer\nSatın Alma Müdürü", ["Selcen Sezer"]),
        ("commit 7435100e\nAuthor: Besin Korutürk <dev@example.com>\nDate:   Tue Mar 12", ["Besin Korutürk"]),
        # A name typed in lower case under a key that says it is someone's name.
        ('{"customer_name": "élisabeth beaudoin", "order_id": "SO-7211"}', ["élisabeth beaudoin"]),
        # A Markdown table's name column, and the name column of an SQL INSERT in any script.
        ("Contacts:\n\n| Name | Email |\n|---|---|\n| Olivie Texier | o.t@example.fr |\n", ["Olivie Texier"]),
        ("STATEMENT:  INSERT INTO users (email, full_name, plan) VALUES ('d@example.net', 'दीप्ति सिंह', 'Pro')",
         ["दीप्ति सिंह"]),
        (("insert into customers (id, name, phone) values (1, 'Olivie Texier', '0612345678'), "
          "(2, 'Ivo Marsh', NULL)"), ["Olivie Texier", "Ivo Marsh", "0612345678"]),
        # As a statement is usually logged: VALUES on its own line, a function call among the values, a password.
        (("INSERT INTO customers (full_name, email, street, password_plain, created_at)\nVALUES ('Harold Taylor', "
          "'h@example.ru', 'Borgo Ravaglioli, 93', '!t3ZgqWc^l', now());"), ["Harold Taylor", "!t3ZgqWc^l"]),
    ],
)
def test_names_placed_where_only_people_stand_are_redacted(text: str, names: list[str]) -> None:
    redacted = _redacted(text)
    for name in names:
        assert name not in redacted, redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Attendees: Engineering, Product and Design", "Engineering, Product and Design"),
        ("Attendees: Sales Team, Support", "Sales Team, Support"),
        ("Hello World! This is the release note.", "World"),
        ("Thanks everyone! See you tomorrow.", "everyone"),
        ("Hi Team! The deploy is done.", "Team"),
        ('{"full_name": "test user"}', "test user"),
        ('{"customer_name": "acme corp"}', "acme corp"),
        ("| Name | SKU |\n|---|---|\n| Wireless Mouse | X1 |", "Wireless Mouse"),
        ("INSERT INTO products (name, sku) VALUES ('Wireless Mouse', 'X1')", "Wireless Mouse"),
        ("各位女士们先生们，欢迎参加发布会。", "女士们先生们"),
        ("Customer: 営業部", "営業部"),
    ],
)
def test_what_only_looks_like_such_a_name_is_kept(text: str, kept: str) -> None:
    assert kept in _redacted(text)
