"""Console sessions are signed with a secret kept in the store: workers over one store share it (see
test_console_session.py), and a session signed over another store is refused."""

from __future__ import annotations

from pathlib import Path

from evalforge_api.auth import Authenticator
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import KEYS, make_settings


def test_a_session_signed_by_another_store_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    one, other = SqliteStore(tmp_path / "one.db"), SqliteStore(tmp_path / "other.db")
    started = Authenticator.from_settings(settings, lambda: one).start_session(KEYS["reviewer"])
    assert started is not None
    assert Authenticator.from_settings(settings, lambda: other).session_principal(started[1]) is None
    one.close()
    other.close()
