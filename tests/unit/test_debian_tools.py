"""The suite's own installer of Debian tools: found on PATH, found at a package path, or a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import debian_tools
from tests.fixtures.debian_tools import DebianTool, ToolUnavailable, ensure_debian_tools
from tests.fixtures.provisioning import (
    Prefetch,
    pytest_collection_modifyitems,
    pytest_configure_node,
    tools_needed,
)


def test_a_tool_on_path_is_found_without_installing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debian_tools, "_apt_install", lambda *packages: pytest.fail("must not install"))
    assert ensure_debian_tools([DebianTool("sh", "dash")])[0].endswith("/sh")


def test_a_tool_off_path_is_found_at_its_package_path(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    for version in ("14", "15"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "initdb").write_text("")
    monkeypatch.setattr(debian_tools, "_apt_install", lambda *packages: pytest.fail("must not install"))
    pattern = str(tmp_path / "*/bin/initdb")
    found = ensure_debian_tools([DebianTool("evalforge-no-such-initdb", "postgresql", (pattern,))])[0]
    assert found == str(tmp_path / "15" / "bin" / "initdb")


def test_a_package_that_installs_no_such_command_is_an_error_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(debian_tools, "_apt_install", lambda *packages: "apt said: done")
    with pytest.raises(ToolUnavailable, match="evalforge-no-such-tool.*still not found"):
        ensure_debian_tools([DebianTool("evalforge-no-such-tool", "some-package")])


def test_missing_tools_are_installed_in_one_apt_run_and_present_ones_are_not(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[tuple[str, ...]] = []

    def install(*packages: str) -> str:
        runs.append(packages)
        for package in packages:
            (tmp_path / f"evalforge-test-{package}").write_text("")
        return "installed"

    monkeypatch.setattr(debian_tools, "_apt_install", install)
    tools = [DebianTool("evalforge-no-such-a", "pkg-a", (str(tmp_path / "evalforge-test-pkg-a"),)),
             DebianTool("sh", "dash"),
             DebianTool("evalforge-no-such-b", "pkg-b", (str(tmp_path / "evalforge-test-pkg-b"),)),
             DebianTool("evalforge-no-such-b2", "pkg-b", (str(tmp_path / "evalforge-test-pkg-b"),))]
    paths = ensure_debian_tools(tools)
    assert runs == [("pkg-a", "pkg-b")]
    assert paths[0] == str(tmp_path / "evalforge-test-pkg-a") and paths[1].endswith("/sh")


def test_the_prefetch_asks_only_for_what_the_collected_tests_use() -> None:
    assert [tool.command for tool in tools_needed({"promtool", "tmp_path"})] == ["promtool", "amtool"]
    assert [tool.command for tool in tools_needed({"postgres_server", "chromium_path"})] == ["chromium", "initdb"]
    assert tools_needed({"tmp_path", "store"}) == []


def test_a_failed_prefetch_is_kept_for_the_summary() -> None:
    prefetch = Prefetch()

    def fail() -> None:
        raise ToolUnavailable("apt-get is not available")

    prefetch.start("Debian tools", fail)
    prefetch.start("nothing wrong", lambda: None)
    prefetch.join()
    assert prefetch.errors == {"Debian tools": "ToolUnavailable: apt-get is not available"}


class _Item:
    def __init__(self, name: str, *fixturenames: str) -> None:
        self.name, self.fixturenames = name, fixturenames


class _Options:
    collectonly = False


class _Config:
    option = _Options()


def test_tests_waiting_for_an_install_run_last_and_the_rest_keep_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DebianTool, "find", lambda tool: None if tool.command == "chromium" else "/usr/bin/x")
    items = [_Item("browser-1", "chromium_path"), _Item("unit-1", "tmp_path"), _Item("rules", "promtool"),
             _Item("browser-2", "chromium_path", "tmp_path"), _Item("unit-2")]
    pytest_collection_modifyitems(_Config(), items)  # type: ignore[arg-type]
    assert [item.name for item in items] == ["unit-1", "rules", "unit-2", "browser-1", "browser-2"]


def test_with_every_tool_installed_the_order_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DebianTool, "find", lambda tool: "/usr/bin/x")
    items = [_Item("browser-1", "chromium_path"), _Item("unit-1", "tmp_path")]
    pytest_collection_modifyitems(_Config(), items)  # type: ignore[arg-type]
    assert [item.name for item in items] == ["browser-1", "unit-1"]


class _WorkerConfig(_Config):
    def __init__(self, workerinput: dict[str, object]) -> None:
        self.workerinput = workerinput


class _Node:
    def __init__(self) -> None:
        self.workerinput: dict[str, object] = {}


def test_xdist_workers_order_by_what_the_controller_found_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers must collect in one order: the second one collects after the first one's install may have ended."""
    monkeypatch.setattr(DebianTool, "find", lambda tool: None if tool.command == "chromium" else "/usr/bin/x")
    node = _Node()
    pytest_configure_node(node)
    monkeypatch.setattr(DebianTool, "find", lambda tool: "/usr/bin/x")  # the install has ended meanwhile
    items = [_Item("browser-1", "chromium_path"), _Item("unit-1", "tmp_path")]
    pytest_collection_modifyitems(_WorkerConfig(node.workerinput), items)  # type: ignore[arg-type]
    assert [item.name for item in items] == ["unit-1", "browser-1"]
