"""Messages shown on the page name files and stores the way the analyst knows them, never by the
server's folders or the store's web address (both tell a visitor where to look on the host)."""

from __future__ import annotations

import re

# A web address: said as what it is, never spelled out.
_URL = re.compile(r"\b(?:https?|file)://[^\s'\"`]*[^\s'\"`:.,;)>]", re.IGNORECASE)
# An uploaded file's temporary folder (storage.worker: coverage-upload-<pid>-<random>) and the
# number prefixed to its name (storage.ingest.write_uploads).
_UPLOAD = re.compile(r"(?:/[^\s/'\"`]+)*/[^\s/'\"`]*upload-[^\s/'\"`]+/\d{3}-")
# Any other absolute path: only its last part (a file's name, a store's folder name) is kept.
_PATH = re.compile(r"(?<![\w.~])(?:/[^\s/:'\"`]+)+/([^\s/:'\"`]+)")
STORE_ADDRESS = "the store's web address"


def upload_name(path: object) -> str:
    """The name the analyst gave an uploaded file, from the path it was ingested under: the
    whole name, whatever dashes it holds ("al-monitor.json", not "monitor.json")."""
    return no_server_paths(path)


def no_server_paths(text: object) -> str:
    """The message with web addresses and server folders taken out (file names kept)."""
    message = _URL.sub(STORE_ADDRESS, str(text))
    return _PATH.sub(r"\1", _UPLOAD.sub("", message))
