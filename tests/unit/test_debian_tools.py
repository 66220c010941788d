"""The suite's own installer of Debian tools: found on PATH, found at a package path, or a clear error."""

from __future__ import annotations

import pytest

from tests.fixtures import debian_tools
from tests.fixtures.debian_tools import ToolUnavailable, ensure_debian_tool


def test_a_tool_on_path_is_found_without_installing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debian_tools, "_apt_install", lambda package: pytest.fail("must not install"))
    assert ensure_debian_tool("sh", "dash").endswith("/sh")


def test_a_tool_off_path_is_found_at_its_package_path(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    for version in ("14", "15"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "initdb").write_text("")
    monkeypatch.setattr(debian_tools, "_apt_install", lambda package: pytest.fail("must not install"))
    pattern = str(tmp_path / "*/bin/initdb")
    found = ensure_debian_tool("evalforge-no-such-initdb", "postgresql", extra_globs=(pattern,))
    assert found == str(tmp_path / "15" / "bin" / "initdb")


def test_a_package_that_installs_no_such_command_is_an_error_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debian_tools, "_apt_install", lambda package: "apt said: done")
    with pytest.raises(ToolUnavailable, match="evalforge-no-such-tool.*still not found"):
        ensure_debian_tool("evalforge-no-such-tool", "some-package")
