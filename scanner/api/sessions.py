"""One grading of over-long sessions, so every CI system's rules agree on the same duration.

A role session, STS token or Vault/Kubernetes token minted per job is already short-lived by
design; asking for more than the threshold (``role_session_max_seconds``, one hour by default)
only widens the window in which a leaked copy works. Every rule that grades a requested
session length (GHA-001's ``role-duration-seconds``, CCI-001's ``session_duration``, JNK-001's
``withAWS(duration:)``, CI-003's ``--duration-seconds``) uses these bands.
"""

from __future__ import annotations

from scanner.findings import Severity

#: Above this many times the threshold, a minted session is medium rather than low.
MEDIUM_FACTOR = 4


def session_severity(seconds: int, threshold: int) -> Severity | None:
    """None at or under ``threshold``; low above it; medium above ``MEDIUM_FACTOR`` times it."""
    if seconds <= threshold:
        return None
    if seconds > MEDIUM_FACTOR * threshold:
        return Severity.MEDIUM
    return Severity.LOW
