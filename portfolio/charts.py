"""Small charts drawn on the server as SVG, for pages that must work without script: no inline style either
(the Content Security Policy forbids it), so sizes are SVG attributes and colours come from app.css classes.

Every chart comes with the text a screen reader reads instead: the SVG is one image with a name, and the
numbers are in a table right after it. Labels are escaped here, so callers pass plain text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

WIDTH = 320  # viewBox units: about one CSS pixel each on a phone, where the chart fills the column
ROW = 36  # a label line and its bar
BAR = 12
LABEL_MAX = 34  # characters: a longer label is cut in the picture (the table has it whole)


@dataclass(frozen=True)
class Bar:
    """One labelled value. `part` is how much of `value` is drawn strong (say the verified hours of all
    hours); `text` and `part_text` are the numbers as people read them."""

    label: str
    value: float
    text: str
    part: float = 0.0
    part_text: str = ""


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def _length(value: float, largest: float) -> str:
    return f"{max(value, 0) / largest * WIDTH:.1f}" if largest > 0 else "0"


def _rows(bars: Sequence[Bar]) -> str:
    largest = max((bar.value for bar in bars), default=0)
    rows = []
    for index, bar in enumerate(bars):
        top = index * ROW
        rows.append(
            f'<text class="chart-label" x="0" y="{top + 14}">{escape(_cut(bar.label))}</text>'
            f'<text class="chart-value" x="{WIDTH}" y="{top + 14}" text-anchor="end">{escape(bar.text)}</text>'
            f'<rect class="chart-bar" x="0" y="{top + 20}" width="{_length(bar.value, largest)}" height="{BAR}" rx="2"/>'
        )
        if bar.part > 0:
            rows.append(f'<rect class="chart-part" x="0" y="{top + 20}" width="{_length(min(bar.part, bar.value), largest)}" '
                        f'height="{BAR}" rx="2"/>')
    return "".join(rows)


def _table(bars: Sequence[Bar], chart_id: str, title: str, headings: Sequence[str]) -> str:
    with_part = len(headings) > 2
    head = "".join(f'<th scope="col">{escape(heading)}</th>' for heading in headings)
    body = "".join(
        f'<tr><th scope="row">{escape(bar.label)}</th><td>{escape(bar.text)}</td>'
        + (f"<td>{escape(bar.part_text)}</td>" if with_part else "") + "</tr>"
        for bar in bars
    )
    # A table's box ignores the 1 px width that hides it: the wrapper hides it instead, so nothing scrolls sideways.
    return (f'<div class="visually-hidden"><table id="{chart_id}-table"><caption>{escape(title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def bar_chart(bars: Sequence[Bar], *, chart_id: str, title: str, headings: Sequence[str], legend: Sequence[str] = ()) -> Markup:
    """A horizontal bar chart of `bars`, largest first as given, with its table. `headings` name the table's
    columns: the label's, the value's and, when the bars have parts, the part's. `legend` names the two
    colours (the part's, then the rest's) when the bars have parts."""
    chart_id = str(escape(chart_id))
    height = max(len(bars), 1) * ROW
    svg = (f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
           f'aria-label="{escape(title)}: a bar chart; the table that follows has the numbers" '
           f'aria-describedby="{chart_id}-table" focusable="false">{_rows(bars)}</svg>')
    key = ""
    if legend:
        key = ('<p class="chart-legend" aria-hidden="true">'
               + "".join(f'<span class="key key-{name}">{escape(text)}</span>' for name, text in zip(("part", "bar"), legend))
               + "</p>")
    return Markup(f'<figure class="chart" id="{chart_id}">{svg}{key}{_table(bars, chart_id, title, headings)}</figure>')


RADIUS = 15.9155  # a circumference of 100, so a dash of n is n percent


def progress_ring(done: float, waiting: float = 0.0) -> Markup:
    """A ring: `done` (0 to 1) of it strong, then `waiting` lighter. A picture only (aria-hidden): the page says
    the same in words next to it."""
    done = min(max(done, 0.0), 1.0)
    waiting = min(max(waiting, 0.0), 1.0 - done)

    def arc(css: str, start: float, share: float) -> str:
        if share <= 0:
            return ""
        # The dash starts at 3 o'clock; rotating the circle by -90 degrees starts it at 12.
        return (f'<circle class="{css}" cx="18" cy="18" r="{RADIUS}" fill="none" stroke-width="3.6" '
                f'stroke-dasharray="{share * 100:.2f} {100 - share * 100:.2f}" stroke-dashoffset="{-start * 100:.2f}" '
                f'transform="rotate(-90 18 18)"/>')

    return Markup(
        '<svg class="ring" viewBox="0 0 36 36" width="96" height="96" aria-hidden="true" focusable="false">'
        f'<circle class="ring-track" cx="18" cy="18" r="{RADIUS}" fill="none" stroke-width="3.6"/>'
        f'{arc("ring-waiting", done, waiting)}{arc("ring-done", 0, done)}'
        f'<text class="ring-text" x="18" y="20.5" text-anchor="middle">{round(done * 100)}%</text></svg>'
    )


def split_bar(part: float, whole: float) -> Markup:
    """A thin bar: `part` of `whole` strong (say verified hours of all hours), the rest lighter. A picture only
    (aria-hidden): the numbers are in words next to it. Stretched to its box, so no size needs a style."""
    share = min(max(part / whole, 0.0), 1.0) if whole > 0 else 0.0
    return Markup(
        '<svg class="split-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        '<rect class="split-rest" x="0" y="0" width="100" height="4" rx="2"/>'
        + (f'<rect class="split-part" x="0" y="0" width="{share * 100:.1f}" height="4" rx="2"/>' if share > 0 else "")
        + "</svg>"
    )
