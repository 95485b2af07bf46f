"""Text the fonts can draw: DejaVu Sans when Debian's fonts-dejavu-core is installed, else the PDF core fonts
with text folded to Latin-1. A character the font cannot draw becomes "?" rather than an error."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


# Punctuation people type (or phones substitute) that Latin-1 lacks.
_ASCII_FOLDS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-",
    "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u2022": "*", "\u20ac": "EUR", "\u2122": "TM", "\u0141": "L",
    "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0152": "OE", "\u0153": "oe", "\u0131": "i",
})


def _strip_controls(text: str) -> str:
    """No control, format (bidi overrides, zero-width) or surrogate characters; tabs become spaces."""
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))


def to_latin1(text: str) -> str:
    """For the core fonts: Latin-1 as is, accents kept where Latin-1 has them, else dropped, else "?"."""
    out = []
    for ch in _strip_controls(text).translate(_ASCII_FOLDS):
        if ord(ch) < 256:
            out.append(ch)
            continue
        folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))
        out.append(folded or "?")
    return "".join(out)


def fold_ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", to_latin1(text)) if ord(c) < 128)


@lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@dataclass(frozen=True)
class Fonts:
    family: str
    files: dict[str, Path]  # style ("", "B", "I") -> TTF; empty for the core fonts

    def clean(self, text: Any) -> str:
        text = "" if text is None else str(text)
        if not self.files:
            return to_latin1(text)
        drawable = _cmap(str(self.files[""]))
        return "".join(ch if ch == "\n" or ord(ch) in drawable else "?" for ch in _strip_controls(text))


def fonts(font_dir: Path | None = None) -> Fonts:
    folder = font_dir or FONT_DIR
    files = {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf", "I": folder / "DejaVuSans-Oblique.ttf"}
    if all(path.is_file() for path in files.values()):
        return Fonts("DejaVu", files)
    return Fonts("helvetica", {})
