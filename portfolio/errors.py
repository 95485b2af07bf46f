"""The domain's errors. Services raise them; the app translates each to HTTP in one place
(portfolio/routes/errors.py), so routes never catch an error only to translate it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class DomainError(Exception):
    """A refusal the person can understand; `message` is safe to show them."""

    status = 400
    code = "invalid"
    title = "Something went wrong"
    message = "That could not be done."

    def __init__(self, message: str | None = None, title: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if title:
            self.title = title

    @property
    def field_errors(self) -> dict[str, str]:
        """The problem as a form shows it: by field, or about the whole form."""
        return {"form": self.message}


class NotFound(DomainError):
    """No such thing for this person: the same answer whether it does not exist or is someone else's, so ids
    cannot be probed."""

    status = 404
    code = "not_found"
    title = "Not found"
    message = "There is nothing here. It may have been deleted."

    def __init__(self, what: object = None, message: str | None = None) -> None:
        # What was looked for stays out of the message: it may be an id or a token.
        super().__init__(message)
        self.what = what


class Conflict(DomainError):
    """The request disagrees with what is stored (a reused id with other content)."""

    status = 409
    code = "conflict"
    title = "Conflict"
    message = "This does not match what was saved before."


class NotEditable(DomainError):
    """The thing exists but cannot change now (waiting for verification, say)."""

    status = 409
    code = "locked"
    title = "Cannot change this now"
    message = "This cannot be changed while it waits for verification."


class LinkInvalid(DomainError):
    """An e-mailed link or a grant that is used, expired, revoked, tampered with or for something else."""

    status = 410
    code = "link_invalid"
    title = "This link no longer works"
    message = "It may have been used already, or it has expired."

    def __init__(self, reason: str = "") -> None:
        super().__init__()
        self.reason = reason


@dataclass
class FormErrors(DomainError):
    """Errors by field name, with the values to show again; the form comes back with 422."""

    errors: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)

    status = 422
    title = "Check the form"

    def __post_init__(self) -> None:
        Exception.__init__(self, "; ".join(self.errors))
        self.message = next(iter(self.errors.values()), "Check the form.")

    @property
    def field_errors(self) -> dict[str, str]:
        return self.errors


class TooMuchMail(FormErrors):
    """A person's own actions have sent as much mail today as one person may (services/emails.py). A form's
    problem, so the form comes back (with what was typed) saying so."""

    status = 429
    code = "too_much_mail"
    title = "Too many e-mails today"
    TEXT = "Too many e-mails went to this address today. Try again tomorrow."

    def __init__(self) -> None:
        super().__init__({"form": self.TEXT})
