"""The grader's trust in a run's report: a key handed over, and an HMAC over the report.

The grader (kata.grading) hands the harness a fresh key for each run; the harness takes
it when it configures, before any submitted module is imported, so that nothing of the
submission ever reads it, and signs the report it writes at the end. A report that a
submission wrote or changed does not verify.

How the key travels depends on what the system offers (kata.platform.PASS_FDS):
- a pipe the run inherits (subprocess's pass_fds), named in KATA_GRADE_KEY_FD; the
  harness reads and closes it. Nothing is ever on disk.
- where there is no pass_fds (Windows): a file in the grader's own scratch folder (created
  private to this user, 0600), named in KATA_GRADE_KEY_FILE; the harness reads and
  deletes it. The file lives from just before the run starts until the harness
  configures: only a process still running from an earlier run could read it meanwhile,
  and the grader kills every descendant between runs (without a subreaper, one that
  escaped the tree could survive: see kata.grading).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
from pathlib import Path

KEY_FD_VARIABLE = "KATA_GRADE_KEY_FD"  # which descriptor the harness reads its key from
KEY_FILE_VARIABLE = "KATA_GRADE_KEY_FILE"  # or which file (where there is no pass_fds)


def read_key_from_grader() -> bytes | None:
    """The harness's half: take the signing key, if a grader passed one, and close the
    pipe or delete the file it came in.

    Called when the plugin configures, before any submitted module is imported.
    """
    fd = os.environ.pop(KEY_FD_VARIABLE, None)
    path = os.environ.pop(KEY_FILE_VARIABLE, None)
    if fd is not None:
        with os.fdopen(int(fd), "rb") as pipe:
            return pipe.read()
    if path is not None:
        try:
            return Path(path).read_bytes()
        finally:
            with contextlib.suppress(OSError):
                os.remove(path)
    return None


@contextlib.contextmanager
def handed_over(key: bytes, scratch: Path, *, pipe: bool):
    """The grader's half: yields (env, pass_fds) that give one run the key, and takes
    back whatever is left of the hand-over when the run is over."""
    if pipe:
        read_end, write_end = os.pipe()
        os.write(write_end, key)  # 32 bytes: far below a pipe's buffer, so this never blocks
        os.close(write_end)
        try:
            yield {KEY_FD_VARIABLE: str(read_end)}, (read_end,)
        finally:
            os.close(read_end)
        return
    fd, path = tempfile.mkstemp(prefix="key-", dir=scratch)  # 0600, in the grader's folder
    with os.fdopen(fd, "wb") as file:
        file.write(key)
    try:
        yield {KEY_FILE_VARIABLE: path}, ()
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)  # the harness never started, or never got that far


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
