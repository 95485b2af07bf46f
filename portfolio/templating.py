"""What every template may use: labels, number formats, the htmx file name, the static files' hashed URLs."""

from __future__ import annotations

from collections.abc import Callable

from litestar.plugins.jinja import JinjaTemplateEngine

from portfolio.assets import static_url
from portfolio.charts import split_bar
from portfolio.formats import hours, nice_date
from portfolio.forms.entry import FIELDS as ENTRY_FIELDS
from portfolio.navigation import navigation
from portfolio.services.experiences import EDITABLE
from portfolio.settings import Settings
from portfolio.tables import EXPERIENCE_KINDS, EXPERIENCE_STATUSES
from portfolio.vocabulary import CONSENT_STATE_LABELS, EXPIRY_LABELS, OUTBOX_STATE_LABELS, ROLE_LABELS

HTMX_FILE = "htmx-2.0.11.min.js"


def configure_templates(settings: Settings) -> Callable[[JinjaTemplateEngine], None]:
    def configure(engine: JinjaTemplateEngine) -> None:
        env = engine.engine
        # The templates ship with the code and change only with a new release, which starts new processes: no
        # page needs to stat every template it includes (a score of them on the dashboard) to see if it changed.
        env.auto_reload = False
        env.globals.update(
            KINDS=EXPERIENCE_KINDS,
            STATUSES=EXPERIENCE_STATUSES,
            OUTBOX_STATES=OUTBOX_STATE_LABELS,
            CONSENT_STATES=CONSENT_STATE_LABELS,
            ROLE_LABELS=ROLE_LABELS,
            EXPIRY=EXPIRY_LABELS,
            HTMX_FILE=HTMX_FILE,
            DEMO=settings.demo,
            DISTRICT_NAME=settings.district_name,
            MAX_UPLOAD_MB=settings.max_upload_mb,
            EDITABLE_STATUSES=EDITABLE,
            # What the new-entry form keeps on the phone when it is offline: the fields the server reads.
            ENTRY_FIELDS=ENTRY_FIELDS,
            navigation=navigation,
            static_url=static_url,
            split_bar=split_bar,
        )
        env.filters["hours"] = hours
        env.filters["nice_date"] = nice_date

    return configure
