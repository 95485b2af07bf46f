"""Evidence: checking, cleaning and storing the files behind experiences and certifications, and deciding
who may open them.

An upload is refused unless its content is an allowed type; photos lose their location before anything is
stored; nothing unchecked is ever written to the store.

access (who may open a file), checking (an upload before it is stored), attaching (adding and removing a
file), new_entry (an entry saved with its files), rows (an entry's files and their JSON shape) and
consistency (the store and the rows kept in step). The names below are the package's public face.
"""

from portfolio.services.evidence.access import can_view, get_for, open_for, shared_file
from portfolio.services.evidence.attaching import (
    LOCKED,
    Attached,
    attach,
    remove,
    store_checked,
)
from portfolio.services.evidence.checking import (
    EXTENSIONS,
    IMAGES,
    Ready,
    Rejected,
    Upload,
    check,
    discard,
)
from portfolio.services.evidence.consistency import ORPHAN_GRACE, fsck
from portfolio.services.evidence.new_entry import create_entry_with_files
from portfolio.services.evidence.rows import Parent, as_json, listing

__all__ = [
    "EXTENSIONS", "IMAGES", "LOCKED", "ORPHAN_GRACE", "Attached", "Parent", "Ready", "Rejected", "Upload", "as_json",
    "attach", "can_view", "check", "create_entry_with_files", "discard", "fsck", "get_for", "listing", "open_for", "remove",
    "shared_file", "store_checked",
]
