"""A small helper for console page tests: sign in as a role, fetch a page, find elements in its HTML.

Console tests use the `client_factory`/`api` fixtures of tests/api/conftest.py; signing in goes through the real
sign-in form, so the session cookie the pages see is the one a browser would hold.
"""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.api.conftest import KEYS

CONSOLE_HEADERS = {"X-Evalforge-Console": "1"}  # what the console's JavaScript sends with its /v1 calls
LOOPBACK = ("127.0.0.1", 50000)


def sign_in(client: TestClient, role: str, next_path: str = "/") -> None:
    response = client.post("/console/session", data={"api_key": KEYS[role], "next": next_path},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert client.cookies.get("evalforge_console"), "signing in set no session cookie"


def page(client: TestClient, path: str, status: int = 200) -> str:
    """The HTML of a console page, checked for its status and for being a page of the console."""
    response = client.get(path, follow_redirects=False)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    return response.text


class _Collector(HTMLParser):
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        super().__init__(convert_charrefs=True)
        self.tag, self.wanted, self.found = tag, attrs, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != self.tag:
            return
        present = dict(attrs)
        if all(name in present and (value is None or present[name] == value) for name, value in self.wanted.items()):
            self.found.append(present)


def elements(html: str, tag: str, **attrs: str | None) -> list[dict[str, str | None]]:
    """The attributes of every `tag` element carrying `attrs` (None: present with any value); `_` in names
    stands for `-` (data_id -> data-id)."""
    collector = _Collector(tag, {name.replace("_", "-"): value for name, value in attrs.items()})
    collector.feed(html)
    return collector.found
