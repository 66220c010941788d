"""Structured values in the forms blind probe 7 showed leaking (scored once before these rules): cards against a
reservation's `CC` code, numbers read out in words, phones in a form body, a psql result's columns, MySQL's
joined `-p` password, passwords a few words after "password" and passphrases of glued words."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "value", "placeholder"),
    [
        ("  4 APE ANA.SOUZA@EXAMPLE.COM\n  5 FP CC4111111111111111/1029", "4111111111111111", "<CREDIT_CARD>"),
        ("  5 FP CCVI4012888888881881", "4012888888881881", "<CREDIT_CARD>"),
        (("agent: can you read the card number\ncaller: four one one one one one one one one one one one one one "
          "one one"), "four one one one", "<CREDIT_CARD>"),
        ("caller: plus four four seven seven double oh nine zero zero one two three", "plus four four", "<PHONE>"),
        ("caller: my social is five three six two two four four one two", "five three six", "<US_SSN>"),
        ("first_name=Erkan&phone=%2B49+157+80523023&zip=23954", "80523023", "<PHONE>"),
        ("email=a%40example.fr&phone=07+58+85+07+08&zip=21425", "07+58+85+07+08", "<PHONE>"),
        ((" id   | name             | ssn\n------+------------------+-----------\n 1529 | Jeffrey Martinez | "
          "878145583\n(1 row)"), "878145583", "<US_SSN>"),
        ("1202  mysql -h db-prod -u admin -p'harbor.pixel.maple' crm", "harbor.pixel.maple", "<PASSWORD>"),
        ("mysqldump -uroot -pS3cretPass shop > dump.sql", "S3cretPass", "<PASSWORD>"),
        ("I forgot my password. I think it was orbit_harbor_battery but it doesn't work.", "orbit_harbor_battery",
         "<PASSWORD>"),
        ("User mentioned their Wi-Fi password is orbittundracoppervelvet", "orbittundracoppervelvet", "<PASSWORD>"),
        # Probe 8 (looked at after its first measure): a chat answer to a request for a password, a CSV column.
        ("nicole: whats the wifi pw for the Boston office\nupasna: north_prove_area_price15\nnicole: ty",
         "north_prove_area_price15", "<PASSWORD>"),
        ("user,password\nana,Qj(3SLRmh$#m", "Qj(3SLRmh$#m", "<PASSWORD>"),
    ],
)
def test_the_value_is_replaced(text: str, value: str, placeholder: str) -> None:
    redacted = _redacted(text)
    assert value not in redacted and placeholder in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "ACC4111111111111111 is an account id",  # no `CC` code standing alone before it
        "one two three four, I declare a thumb war",
        "I have two or three options and four or five ideas",
        "mysql -u root -p shop",  # `-p` alone: the client asks for the password
        "password reset requested; the password is incorrect",
        "The password authentication failed for user admin",
        "Your password must be at least 12 characters long",
        "user,password_hash,password_changed_at\nana,$2b$12$abcdefghijklmnopqrstuv,2026-01-02",
        "me: whats the wifi pw for the office\nyou: on the fridge",
    ],
)
def test_what_is_no_such_value_is_kept(text: str) -> None:
    assert _redacted(text) == text
