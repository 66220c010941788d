"""Whole postal addresses as a corpus writer makes them (`Faker.address()`, newlines as commas), in the locales such
corpora use most, and the other address orders and scripts: postcode last (US, UK, Canada, Australia, India, Spain),
Japanese, Chinese, Korean, Cyrillic, Thai, Vietnamese, Turkish and Latin American door numbers.

Before these shapes, 170 of these 400 addresses (42.5%) kept words of their street line in clear (all of them in
Japanese, Chinese, Korean, Russian and Hindi); after, 3. On 20 locales never looked at while the shapes were written
(docs/ingestion.md), 38.8% before and 18.8% after.
"""

from __future__ import annotations

import random
import re

import pytest
from faker import Faker

from evalforge_assets.capture.pii import find_pii, redact_text

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ja_JP", "pt_BR", "nl_NL", "zh_CN", "ko_KR",
           "ru_RU", "hi_IN", "en_IN", "en_CA", "en_AU")
SENTENCES = ("Ship to {} by Friday", "billing address: {}", "The customer moved to {} last month",
             "Deliver to: {}", "{} - parcel returned to sender", "address on file {}, please verify", "lives at {}",
             'customer profile {{"name": "x", "address": "{}"}}', "Shipping label failed for address {}")
PER_LOCALE = 25


def street_words(address: str, context: str) -> list[str]:
    """The words of the address's first part (its street line, or the whole of it in scripts without commas),
    three letters or more, that the sentence around it does not hold."""
    return [word for word in re.findall(r"[^\W\d_]{3,}", address.split(",")[0]) if word not in context]


def test_whole_faker_addresses_leak_their_street_line_at_most_five_percent() -> None:
    rng = random.Random(5)
    leaked, total = [], 0
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(rng.randrange(10**6))
        for _ in range(PER_LOCALE):
            address = fake.address().replace("\n", ", ")
            text = rng.choice(SENTENCES).format(address)
            redacted = redact_text(text)
            total += 1
            if address in redacted or any(w in redacted for w in street_words(address, text.replace(address, ""))):
                leaked.append((locale, redacted))
    assert len(leaked) / total <= 0.05, leaked[:10]


@pytest.mark.parametrize("address", [
    "4082 Mendoza Pass, South Carlosmouth, ON M5V 2T6",  # postcode last, Canada
    "86 Sanders Via, Byrneview, W1G 9BZ",  # United Kingdom, a street type no list holds
    "Flat 76, Ali Path, West Amelia, SN15 8BF",  # a flat and a street without a house number
    "2 Howard Courtyard, South Jonathan, NT, 2688",  # Australia: four digits after the state
    "Pasadizo de Valentín Moles 89, Teruel, 43830",
    "12/663, Chanda Marg, Junagadh-859631",  # India
    "PSC 2760, Box 5065, APO AA 64679",  # United States military mail
    "東京都千代田区丸の内1丁目9-1",
    "北海道横浜市栄区下吉羽38丁目11番5号 秋葉原ハイツ577",
    "北京市朝阳区建国路88号",
    "臺北市大安區仁愛路四段300號",
    "서울특별시 강남구 테헤란로 152",
    "경기도 홍성군 양재천2가 920-86 (영수장동)",
    "г. Москва, ул. Тверская, д. 7, кв. 5",
    "вул. Хрещатик, 22, 01001",
    "868/05 ถนนตรีครุธพันธุ์ ต.เว่อ อ.บำเหน็จณรงค์ จ.หนองคาย 13770",
    "Số 57 Hòa Bình Phường An Nhơn tỉnh Phú Thọ",
    "Atatürk Caddesi No: 12 Daire: 3",
    "Calle 14 # 37-17",
    "Av. Rawson N° 918 Dto. 3",
])
def test_each_address_shape_is_redacted_whole(address: str) -> None:
    assert redact_text(f"deliver to {address} today") == "deliver to <STREET_ADDRESS> today"


@pytest.mark.parametrize("text", [
    "Worker 3, Shard 1024",  # four digits last are a postcode only after a region code
    "Order 1234, Batch 5678 failed",
    "timeout after 30 Seconds, Attempt 12345 of the run",  # a count and its unit are no street line
    "Limit 2000000, Used 683674, Requested 1520",
    "This model's maximum context length is 128000 tokens, Please reduce the length",
    "東京都に住んでいます",  # a prefecture alone, no block number
    "в г. Москва сегодня дождь",  # a city alone
    "서울특별시 강남구",  # province and district, no road or number
    "Retry 2, Node 7, ABC 1234",
    "HTTP/1.1 502 Bad Gateway",  # an HTTP status and its reason
    "anyone else getting 502 Bad Gateway from the proxy?",
])
def test_log_lines_with_numbers_and_commas_are_no_address(text: str) -> None:
    assert [match for match in find_pii(text) if match.entity == "STREET_ADDRESS"] == []


def test_parts_of_one_address_found_by_two_shapes_are_one_finding() -> None:
    # The French street type and the postcode-and-city shape each find part of it.
    assert redact_text("chemin Lucas Peitrequin 15, 3807 Bochud") == "<STREET_ADDRESS>"


@pytest.mark.parametrize(
    ("text", "street", "kept"),
    [
        ("Your ThinkPad X1 Carbon ships to Daniëlhof 74, 2653 QZ Velsen-Zuid.", "Daniëlhof 74", "ThinkPad X1 Carbon ships to"),
        ("Bitte schicken Sie die Bestellung PO-2024-33548 an Forsterstrasse 334, 4970 Gland.", "Forsterstrasse 334",
         "Bestellung PO-2024-33548"),
        ("please send the Kellogg's replacement to Judithsvej 58, 2130 Herfølge", "Judithsvej 58",
         "Kellogg's replacement to"),
        ("Lähettäkää tilaus WEB-XBGQFM osoitteeseen Kuhankeittäjänkuja 01, 71950 Lappeenranta.", "Kuhankeittäjänkuja 01",
         "tilaus WEB-XBGQFM osoitteeseen"),
    ],
)
def test_an_order_id_or_a_lower_case_word_before_a_street_is_not_its_name(text: str, street: str, kept: str) -> None:
    redacted = redact_text(text, {})
    assert street not in redacted and kept in redacted, redacted


def test_a_road_named_like_a_status_is_still_a_street() -> None:
    assert redact_text("Deliver to 502 Bad Gateway Road, Springfield", {}) == "Deliver to <STREET_ADDRESS>"


@pytest.mark.parametrize(
    "address", ["Rue de la Paix 12, 75002 Paris", "Laan van Meerdervoort 52, 2517 AE Den Haag", "An der Alster 5, 20099 Hamburg"]
)
def test_the_lower_case_words_of_a_streets_name_stay_in_it(address: str) -> None:
    assert redact_text(f"Ship to {address} please", {}) == "Ship to <STREET_ADDRESS> please"


def test_a_long_line_of_order_ids_and_streets_is_read_in_one_pass() -> None:
    # Every order id's digits look like a postcode; the gate before `_WITH_LOCALITY_AFTER` searched the line from
    # its start once per id, without success, which took 98 s for 400 of these (24 KB); the suite's timeout stops a
    # regression.
    text = "Bestellung PO-2024-33548 an Forsterstrasse 334, 4970 Gland. " * 1_000
    redacted = redact_text(text, {})
    assert redacted.count("<STREET_ADDRESS>") == 1_000


@pytest.mark.parametrize(
    ("text", "street"),
    [
        # a Korean road and its building number alone, with the floor and unit, before a particle
        ("Thought: check the shipment to 반포대로 58 before noon.", "반포대로 58"),
        ('{"line1": "백제고분로 41 5층", "city": "서울특별시"}', "백제고분로 41 5층"),
        ("배송지는 올림픽로35길 12 3층 302호에 놓아 주세요", "올림픽로35길 12 3층 302호"),
        ("저희 집은 반포대로 58이에요", "반포대로 58"),  # a particle after the number
        ("택배는 청담동 118-7 2층으로 보내 주세요", "청담동 118-7 2층"),  # a lot number after its quarter
        ("배송지를 봉은사로7길 22로 변경해 주세요.", "봉은사로7길 22"),  # "to" (로) against the number
        ("세종대로 110를 방문했습니다", "세종대로 110"),  # the object's particle
        ("가산디지털1로 88 2층 204호로 보내주세요", "가산디지털1로 88 2층 204호"),  # a digit before the road's 로
        ("양재천2가 920으로 보내 주세요", "양재천2가 920"),  # a road's numbered section (가)
        ("명동거리 12로 와 주세요", "명동거리 12"),  # a street (거리)
        ("선릉길 12가 아니라 뒷문이에요", "선릉길 12"),  # the subject's particle after the number
        ("새 주소(테헤란로 12 101동 1203호)로 보내 주세요", "테헤란로 12 101동 1203호"),  # an apartment block's building
        ("우리 집(을지로3가 12-4)에 와", "을지로3가 12-4"),  # `가` before a number is the quarter's, no particle
        ("주소: 관철동길 지하53 2층", "관철동길 지하53 2층"),  # an entrance underground
        ("다른 주소(명륜가 12, 3층)로", "명륜가 12, 3층"),  # a road in `가` alone, before a floor
        ("송정리 산53 앞이에요", "송정리 산53"),  # a mountain lot needs no dash
        # a Japanese district's chome and block, and a town's three numbers, without the prefecture
        ('{"street_line": "白金3丁目12番4号 メゾン白金201号室"}', "白金3丁目12番4号 メゾン白金201号室"),
        ("配送先: 桜丘町4-12-7", "桜丘町4-12-7"),
        ("新しい住所（西新宿2-8-1）に送ってください", "西新宿2-8-1"),  # a district's chome, block and house
        ("お届け先は恵比寿南3-5-8、よろしく。", "恵比寿南3-5-8"),
    ],
)
def test_a_road_or_a_chome_alone_is_a_street_line(text: str, street: str) -> None:
    assert [m.value for m in find_pii(text) if m.entity == "STREET_ADDRESS"] == [street]


@pytest.mark.parametrize(
    "text",
    [
        "버스로 30분 걸려요",  # "by bus, 30 minutes": the particle 로 and a count
        "카드로 3개월 할부 가능해요",
        "오늘로 2 주째 기다리는 중",
        "거리 12km를 달렸어요",  # "distance": the word alone, a unit after the number
        "이 거리 5분이면 돼요",
        "운동 3-4회 하세요",  # a word ending in 동 with a range after it
        "활동 1-2 단계 완료",
        "철수가 3 개 샀어",  # the subject's particle before a count or a score, not a road in `가`
        "우리나라가 2-1로 이겼다",
        "第3丁目の話をしよう",  # no block after the chome
        "エラー番号12-34-56が出ました",  # numbers after a word of numbering, a version, an article or a figure
        "バージョン2-8-1をインストール",
        "第3-4-5条を参照してください",
        "図2-1-3を見てください",
        "版本2-8-1已发布",  # Chinese: no kana
    ],
)
def test_a_particle_before_a_count_is_no_road(text: str) -> None:
    assert not [m for m in find_pii(text) if m.entity == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "kept", "street"),
    [
        ("Đổi địa chỉ đơn #583920 sang Số 14 Phố số 7 phường Tân Định TP. Vinh giúp mình", "#583920", "Số 14 Phố số 7"),
        ("Giao đơn ORD-QZX-4417 thành 27 phố Hàng Bạc, xã Tân Lập, Ninh Bình.", "ORD-QZX-4417", "27 phố Hàng Bạc"),
        ("ส่งคำสั่งซื้อ WEB-QTRX57 ไปที่ 48/2 ถ.ประชาราษฎร์ ต.บางเขน อ.เมือง จ.นนทบุรี 11000", "WEB-QTRX57",
         "48/2 ถ.ประชาราษฎร์"),
        ("請把訂單ORD-2025-774120寄到中正路45號", "ORD-2025-774120", "中正路45號"),
    ],
)
def test_an_ids_last_digits_are_no_house_number_in_scripts_without_spaces(text: str, kept: str, street: str) -> None:
    # A number is all that marks where such an address starts; the digits that end an order's id are no part of it.
    redacted = redact_text(text, {})
    assert kept in redacted and street not in redacted, redacted


@pytest.mark.parametrize(
    "street",
    ["12-14 ถนนพหลโยธิน แขวงลาดยาว เขตจตุจักร กรุงเทพฯ 10900",  # a range of house numbers, not an id before one
     "202/8 ถ.นาคะนคร ต.บางเขน อ.เมือง จ.นนทบุรี 11000"],
)
def test_a_house_numbers_range_or_lot_is_read_whole(street: str) -> None:
    assert [m.value for m in find_pii(f"ส่งที่ {street}") if m.entity == "STREET_ADDRESS"] == [street]


@pytest.mark.parametrize(
    ("text", "street", "kept"),
    [
        ("บ้านเราอยู่ 99/1 ซอย 3 ถ.เพชรเกษม ต.หนองค้างพลู อ.หนองแขม จ.กรุงเทพฯ 10160 พรุ่งนี้ 14.00 น. เจอกันนะ",
         "99/1 ซอย 3 ถ.เพชรเกษม ต.หนองค้างพลู อ.หนองแขม จ.กรุงเทพฯ 10160", "พรุ่งนี้ 14.00 น. เจอกันนะ"),  # at the postcode
        ("มาหาที่บ้านได้เลย 45 หมู่ 2 ต.ป่าแดด อ.เมือง จ.เชียงใหม่ แล้วโทรมาตอน 12 นาฬิกา",
         "45 หมู่ 2 ต.ป่าแดด อ.เมือง จ.เชียงใหม่", "แล้วโทรมาตอน 12 นาฬิกา"),  # at the province, without one
        ("ส่งที่ 12 ซอย 5 ถนนพหลโยธิน แขวงลาดยาว เขตจตุจักร วันนี้ 14.00 น.",
         "12 ซอย 5 ถนนพหลโยธิน แขวงลาดยาว เขตจตุจักร", "วันนี้ 14.00 น."),
    ],
)
def test_a_thai_street_ends_at_its_postcode_or_its_last_marked_word(text: str, street: str, kept: str) -> None:
    assert [m.value for m in find_pii(text) if m.entity == "STREET_ADDRESS"] == [street]
    assert kept in redact_text(text, {})
