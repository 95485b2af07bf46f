"""A school's accent colour, checked the way WCAG 2.1 measures contrast, so that whatever a school picks,
white text on its buttons and its links on the page stay readable (AA: 4.5:1 for normal text)."""

from __future__ import annotations

import colorsys
import re

HEX = re.compile(r"#[0-9a-fA-F]{6}")
AA = 4.5
# What an accent colour is read against: white (the text on accent buttons, cards) and the page background
# (app.css's --bg, where links in the accent colour sit).
WHITE = "#ffffff"
PAGE = "#f6f8f7"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def accent_contrast(colour: str) -> float:
    """The lower of the two contrasts an accent colour must hold."""
    return min(contrast(colour, WHITE), contrast(colour, PAGE))


def darker(colour: str, factor: float = 0.75) -> str:
    """The hover shade of an accent: darker, so white on it contrasts even more."""
    return "#" + "".join(f"{int(int(colour[i:i + 2], 16) * factor):02x}" for i in (1, 3, 5))


# Dark mode (app.css's prefers-color-scheme: dark block). The accent is read as text on the page, on cards and
# on notices, the lightest of which is the notice background; text on accent buttons there is the page colour.
DARK_PAGE = "#111716"
DARK_CARD = "#1b2321"
DARK_SURFACE = "#18302a"
ON_ACCENT_DARK = DARK_PAGE
_STEP = 0.02  # of HLS lightness: small enough that the result is only as light as it must be


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def dark_accent(colour: str) -> str:
    """The accent on a dark page: the school's colour, lightened in its own hue until it holds AA as text on
    the lightest dark surface (and so dark text on it holds AA too). A light colour already passes as it is."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    candidate = colour.lower()
    while contrast(candidate, DARK_SURFACE) < AA and lightness < 1:
        lightness = min(1.0, lightness + _STEP)
        candidate = _hex(colorsys.hls_to_rgb(hue, lightness, saturation))
    return candidate


def lighter(colour: str, share: float = 0.2) -> str:
    """The hover shade of a dark-mode accent: a share of white mixed in, so dark text on it contrasts more."""
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in (int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def theme_css(colour: str) -> str:
    """A school's stylesheet: its colour and hover shade on the light page, and their lighter shades on the
    dark one (after app.css, so both override its defaults)."""
    dark = dark_accent(colour)
    return (f":root {{ --brand: {colour}; --brand-dark: {darker(colour)}; }}\n"
            f"@media (prefers-color-scheme: dark) {{ :root {{ --brand: {dark}; --brand-dark: {lighter(dark)}; }} }}\n")
