"""Console sign-in and sign-out: the session cookie, what it unlocks (/v1 calls only with the console header),
open mode on loopback, and the pages that answer 401 and 403."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import ClientFactory
from tests.api.console_pages import CONSOLE_HEADERS, LOOPBACK, elements, page, sign_in


def test_sign_in_page_has_a_labelled_key_field(api: TestClient) -> None:
    html = page(api, "/console/session?next=/signatures")
    assert elements(html, "label", **{"for": "api_key"})
    assert elements(html, "input", id="api_key", type="password")
    assert elements(html, "input", name="next", value="/signatures")


def test_a_wrong_key_is_refused_with_a_page_that_says_what_to_do(api: TestClient) -> None:
    response = api.post("/console/session", data={"api_key": "not-a-key"}, follow_redirects=False)
    assert response.status_code == 401
    assert "not recognised" in response.text and "EVALFORGE_API_KEYS" in response.text
    assert "evalforge_console" not in api.cookies


def test_signing_in_sets_a_session_cookie_that_is_httponly_strict_and_ends_with_the_browser(api: TestClient) -> None:
    response = api.post("/console/session", data={"api_key": "reviewer-key-9Pz", "next": "/signatures"},
                        follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/signatures"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "max-age" not in cookie and "expires" not in cookie
    assert "reviewer-key-9pz" not in cookie, "the cookie must hold a session token, never the key"


def test_the_next_path_stays_on_this_site(api: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = api.post("/console/session", data={"api_key": "viewer-key-7Qx", "next": target},
                            follow_redirects=False)
        assert response.headers["location"] == "/", target


def test_the_session_authenticates_v1_calls_only_with_the_console_header(api: TestClient) -> None:
    sign_in(api, "viewer")
    assert api.get("/v1/signatures").status_code == 401
    assert api.get("/v1/signatures", headers=CONSOLE_HEADERS).status_code == 200


def test_the_session_keeps_the_keys_role(api: TestClient) -> None:
    sign_in(api, "viewer")
    refused = api.patch("/v1/captures/x", json={"status": "triaged"}, headers=CONSOLE_HEADERS)
    assert refused.status_code == 403 and "reviewer role" in refused.json()["detail"]


def test_a_forged_session_cookie_is_not_accepted(api: TestClient) -> None:
    sign_in(api, "lead")
    token = api.cookies["evalforge_console"]
    key_id, issued, _mac = token.split(".")
    api.cookies.clear()
    api.cookies.set("evalforge_console", f"{key_id}.{issued}.{'0' * 64}")
    assert api.get("/v1/signatures", headers=CONSOLE_HEADERS).status_code == 401


def test_a_session_from_another_api_worker_over_the_same_store_is_accepted(client_factory: ClientFactory) -> None:
    # `evalforge up` runs several workers (and deploy/ several replicas): the browser's next call may reach any.
    first, second = client_factory(), client_factory()
    sign_in(first, "lead")
    second.cookies.set("evalforge_console", first.cookies["evalforge_console"])
    assert second.get("/v1/signatures", headers=CONSOLE_HEADERS).status_code == 200


def test_sign_out_clears_the_cookie(api: TestClient) -> None:
    sign_in(api, "viewer")
    response = api.post("/console/session/end", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/session"
    assert "evalforge_console" not in api.cookies
    assert api.get("/v1/signatures", headers=CONSOLE_HEADERS).status_code == 401


def test_open_mode_on_loopback_needs_no_sign_in(client_factory: ClientFactory) -> None:
    local = client_factory(client_address=LOOPBACK, EVALFORGE_API_KEYS="")
    response = local.get("/console/session?next=/signatures", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/signatures"


def test_the_root_leads_to_the_queue(api: TestClient) -> None:
    response = api.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/signatures"


def test_static_files_are_served(api: TestClient) -> None:
    css = api.get("/console/static/console.css")
    assert css.status_code == 200 and "--fg" in css.text
    assert api.get("/console/static/console.js").status_code == 200


def test_guessing_keys_in_the_sign_in_form_is_throttled_like_bearer_keys(client_factory: ClientFactory) -> None:
    client = client_factory(EVALFORGE_AUTH_FAILURE_LIMIT=3)
    answers = [client.post("/console/session", data={"api_key": f"guess-{n}"}, follow_redirects=False).status_code
               for n in range(5)]
    assert answers[:3] == [401, 401, 401] and answers[-1] == 429
    html = client.post("/console/session", data={"api_key": "lead-key-3Mw"}, follow_redirects=False)
    assert html.status_code == 429 and "retry after" in html.text
