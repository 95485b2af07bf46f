"""What a refused file tells the student, and the error the format walkers raise on data that does not
hold together."""

from __future__ import annotations

EMPTY = "The file is empty."
NOT_ALLOWED = (
    "This kind of file can't be uploaded. Please choose a photo (JPEG, PNG, WebP or HEIC) "
    "or a PDF document."
)
UNREADABLE_IMAGE = (
    "This image could not be read. It may be damaged or only partly saved; please save it again "
    "as a JPEG, PNG, WebP or HEIC photo and upload it once more."
)
UNREADABLE_FILE = "This file could not be read."


class Rejected(Exception):
    """A file we refuse, with a message fit to show the student."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Broken(Exception):
    """The file's structure does not hold together; becomes Rejected(UNREADABLE_FILE)."""
