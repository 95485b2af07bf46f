"""A school's accent colour, checked the way WCAG 2.1 measures contrast, so that whatever a school picks,
white text on its buttons and its links on the page stay readable (AA: 4.5:1 for normal text)."""

from __future__ import annotations

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
