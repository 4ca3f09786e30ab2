"""The grader's trust in a run's report: a key handed over a pipe, and an HMAC over the report.

The grader (kata.grading) writes a fresh key into a pipe and names its descriptor in
KATA_GRADE_KEY_FD; the harness reads the key and closes the pipe when it configures,
before any submitted module is imported, and signs the report it writes at the end.
A report that a submission wrote or changed does not verify.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

KEY_FD_VARIABLE = "KATA_GRADE_KEY_FD"  # which descriptor the harness reads its key from


def read_key_from_grader() -> bytes | None:
    """The harness's half: take the signing key, if a grader passed one, and close the pipe.

    Called when the plugin configures, before any submitted module is imported.
    """
    fd = os.environ.pop(KEY_FD_VARIABLE, None)
    if fd is None:
        return None
    with os.fdopen(int(fd), "rb") as pipe:
        return pipe.read()


def signed(payload: dict, key: bytes) -> dict:
    body = json.dumps(payload, sort_keys=True)
    return {"payload": body, "hmac": hmac.new(key, body.encode(), hashlib.sha256).hexdigest()}


def verified(document: dict, key: bytes) -> dict | None:
    """The payload of a signed report, or None if it was not signed with `key`."""
    body, mac = document.get("payload"), document.get("hmac")
    if not isinstance(body, str) or not isinstance(mac, str):
        return None
    expected = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    return json.loads(body) if hmac.compare_digest(mac, expected) else None
