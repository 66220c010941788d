"""The console's colours pass WCAG 2.1 AA: every text/background pair the stylesheet uses reaches 4.5:1, and
focus rings and control borders reach 3:1 against the page (non-text contrast). Colours are read from the
custom properties in console.css, so changing one there is checked here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import evalforge_api.console

CSS = Path(evalforge_api.console.__file__).with_name("static") / "console.css"

# (foreground, background) custom properties used together for text, as the stylesheet pairs them.
TEXT_PAIRS = [
    ("fg", "bg"), ("muted", "bg"), ("fg", "surface"), ("muted", "surface"), ("accent", "bg"),
    ("accent-fg", "accent"), ("header-fg", "header-bg"), ("header-muted", "header-bg"),
    ("danger", "bg"), ("danger", "danger-bg"), ("ok", "bg"), ("ok", "ok-bg"), ("warn", "bg"), ("warn", "warn-bg"),
    ("disabled-fg", "disabled-bg"), ("accent", "surface"),
]
NON_TEXT_PAIRS = [("focus", "bg"), ("focus", "surface"), ("border", "bg"), ("chart", "bg")]


def custom_properties() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS.read_text(), re.DOTALL)
    assert root, "console.css has no :root block of colours"
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root.group(1)))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_colours_reach_4_5_to_1(foreground: str, background: str) -> None:
    colours = custom_properties()
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= 4.5, f"--{foreground} on --{background} is {ratio:.2f}:1; WCAG AA needs 4.5:1 for text"


@pytest.mark.parametrize(("foreground", "background"), NON_TEXT_PAIRS)
def test_focus_rings_borders_and_charts_reach_3_to_1(foreground: str, background: str) -> None:
    colours = custom_properties()
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= 3.0, f"--{foreground} on --{background} is {ratio:.2f}:1; WCAG AA needs 3:1 for UI parts"


def test_every_colour_the_stylesheet_uses_is_a_checked_property() -> None:
    used = set(re.findall(r"var\(--([\w-]+)\)", CSS.read_text()))
    colours = set(custom_properties())
    checked = {name for pair in TEXT_PAIRS + NON_TEXT_PAIRS for name in pair}
    assert used & colours <= checked, f"colours used but never checked: {sorted((used & colours) - checked)}"
