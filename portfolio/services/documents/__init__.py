"""Portfolio documents: a printable PDF of a portfolio with a public check code (codes, drawn by pdf with
fonts), and a student's full export (export). The names below are the package's public face."""

from portfolio.services.documents.codes import (
    CODE_RE,
    Made,
    access_of,
    canonical,
    check,
    check_url,
    content_hash,
    filename_for,
    local_day,
    make_pdf,
    new_code,
    require_known,
    scope_of,
    timezone_of,
)
from portfolio.services.documents.export import export_data, safe_name, write_export
from portfolio.services.documents.fonts import FONT_DIR, Fonts, fonts, to_latin1
from portfolio.services.documents.pdf import SELF, render_pdf

__all__ = [
    "CODE_RE", "FONT_DIR", "SELF", "Fonts", "Made", "access_of", "canonical", "check", "check_url", "content_hash",
    "export_data", "filename_for", "fonts", "local_day", "make_pdf", "new_code", "render_pdf", "require_known", "safe_name",
    "scope_of", "timezone_of", "to_latin1", "write_export",
]
