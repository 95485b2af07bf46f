"""The partner directory's spreadsheet format, shared by the export and the import: its columns, reading a
.csv as spreadsheets write it, and writing one that a spreadsheet opens without running anything in it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from portfolio.forms.partners import LIMITS

# The columns an import reads, in the template's order. One row per contact; a partner without contacts has
# one row with the contact's columns empty. Multi-valued cells (clusters, offerings) separate values with LIST.
COLUMNS = ("organization", "kind", "website", "address", "status", "clusters", "offerings", "contact_name", "title",
           "email", "phone", "reach_by", "role")
# Columns an export adds for reading only; an import skips them, so an export can be edited and imported again.
READ_ONLY = ("contact_active", "owners", "last_contact", "school")
LIST = ";"
EXAMPLE = {"organization": "Riverside Health", "kind": "employer", "website": "https://riversidehealth.example",
           "address": "1 Main Street, Riverside", "status": "active", "clusters": "Healthcare & Human Services",
           "offerings": "job_shadow; site_visit", "contact_name": "Pat Nguyen", "title": "Education outreach lead",
           "email": "pat@riversidehealth.example", "phone": "555-010-2000", "reach_by": "email",
           "role": "education_outreach"}
# Where a form's field and the sheet's column differ in name.
FIELD_COLUMNS = {"name": "organization"}
COLUMN_LIMITS = {"organization": LIMITS["name"]} | {c: LIMITS[c] for c in ("website", "address", "contact_name",
                                                                        "title", "email", "phone")}

MAX_BYTES = 500_000
MAX_ROWS = 2_000
# A cell a spreadsheet would read as a formula (CSV injection): kept as text behind an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SheetProblem(ValueError):
    """The file as a whole cannot be read (not a CSV, too large, no organization column...)."""


@dataclass(frozen=True)
class Sheet:
    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, cells by column)
    ignored: list[str]  # columns the import does not know


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unescape(value: str) -> str:
    """An exported cell read back: the apostrophe put before a formula-like value is not part of it."""
    return value[1:] if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS) else value


def write(header: tuple[str, ...], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[safe_cell(str(cell)) for cell in row] for row in rows])
    return out.getvalue()


def template() -> str:
    """The import template: the header and one example row. A BOM so that Excel reads it as UTF-8."""
    return "\ufeff" + write(COLUMNS, [[EXAMPLE[c] for c in COLUMNS]])


def decode(content: bytes) -> str:
    """A CSV's bytes as text: UTF-8 (with or without a BOM), or what Excel writes on Windows."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # What Excel's plain "CSV (Comma delimited)" writes on Windows.
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise SheetProblem("The file could not be read as text. Save it from your spreadsheet as "
                           "\"CSV UTF-8\" and upload it again.") from None


def _delimiter(first_line: str) -> str:
    """Excel writes ";" where the decimal mark is a comma. The header has no lists in it, so whichever of the
    two it holds more of separates the columns."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _column(title: str) -> str:
    return "_".join(title.strip().strip("*").strip().lower().replace("-", " ").split())


def read(content: bytes) -> Sheet:
    if len(content) > MAX_BYTES:
        raise SheetProblem(f"This file is larger than {MAX_BYTES // 1000} KB. Split it into smaller files and "
                           "import each.")
    text = decode(content)
    if not text.strip():
        raise SheetProblem("This file is empty. Start from the template: its first row names the columns.")
    lines = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()[0]))
    try:
        records = list(lines)
    except csv.Error:
        raise SheetProblem("This file is not a CSV file the import can read. Save it from your spreadsheet as "
                           "\"CSV UTF-8\" and upload it again.") from None
    header = [_column(title) for title in records[0]]
    if "organization" not in header:
        raise SheetProblem("Row 1 must name the columns, and one of them must be \"organization\". Start from "
                           "the template.")
    if len(records) - 1 > MAX_ROWS:
        raise SheetProblem(f"This file has {len(records) - 1} rows; an import takes at most {MAX_ROWS}. Split it "
                           "into smaller files and import each.")
    known = [name if name in COLUMNS else "" for name in header]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line of the spreadsheet
        cells = {name: unescape(value) for name, value in zip(known, record) if name}
        rows.append((number, {name: cells.get(name, "").strip() for name in COLUMNS}))
    ignored = [title for title, name in zip(records[0], known) if not name and title.strip()
               and _column(title) not in READ_ONLY]
    return Sheet(rows, ignored)


def split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST) if part.strip()]
