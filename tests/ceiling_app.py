"""The ceiling `make bench` measures pages against: a bare Litestar app (this virtualenv's Litestar, the same
uvicorn server as `portfolio serve`) rendering one small Jinja page, with no database, no session, no
middleware. Serve it with `python -m uvicorn tests.ceiling_app:app`."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

# About as many rows as a simple page of the app shows, for a page of a similar size (about 6 KB).
ROWS = [{"title": f"Job shadow at Valley Works, day {n}", "hours": n % 8 + 1, "status": "verified"} for n in range(25)]


@get("/")
async def page() -> Template:
    return Template("ceiling_page.html", context={"name": "Ada Student", "rows": ROWS})


app = Litestar(
    route_handlers=[page],
    template_config=TemplateConfig(directory=Path(__file__).parent, engine=JinjaTemplateEngine),
)
