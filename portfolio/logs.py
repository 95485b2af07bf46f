"""Logging for the server: one-time link tokens never reach a log line."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

# Password-reset, invitation, supervisor-link and receipt tokens (but not /v/r/<id> or /v/onsite), share
# links (/s/<token>, and every page under it), guardian-consent and permission-slip links, placement links
# (/w/<token>, but not /w/l/<id> once exchanged) and a partner's feedback summary (and its PDF).
SECRET_PATH = re.compile(
    r"/(reset|invite|consent|slip|partner-feedback|s|w(?=/(?!l/))|v/receipt|v(?=/(?!r/|onsite)))/[^\s?\"']+")
# The partner directory's filters and its export (a name searched for, an owner): the directory stays out of
# the logs.
DIRECTORY_QUERY = re.compile(r"(/staff/partners[^\s?\"']*)\?[^\s\"']*")


def _redact(text: str) -> str:
    return DIRECTORY_QUERY.sub(r"\1?[redacted]", SECRET_PATH.sub(r"/\1/[redacted]", text))


class RedactSecrets(logging.Filter):
    """Access logs print request paths, and these paths carry tokens that work as passwords."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _redact(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _redact(record.msg)
        return True


def server_log_config(workers: int = 1) -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    if workers > 1:  # which process answered: a line from one worker reads apart from its neighbours'
        for formatter in config["formatters"].values():
            formatter["fmt"] = formatter["fmt"].replace("%(levelprefix)s", "%(levelprefix)s [%(process)d]", 1)
    config.setdefault("filters", {})["redact"] = {"()": "portfolio.logs.RedactSecrets"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact")
    return config
