"""Baseline: known findings recorded by (path, rule, fingerprint), never by line.

Line numbers change with every edit above a finding; the fingerprint (a hash of the secret value
or of the flagged code) does not, so moving a known finding keeps it baselined while a changed
secret value resurfaces. Only hashes are stored: a baseline never holds a secret.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner import __version__
from scanner.discovery import Refused, safe_read
from scanner.findings import Finding

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".outlive-baseline.json"
#: Far above any real baseline (an entry is about 150 bytes), far below what exhausts memory.
MAX_BASELINE_SIZE = 64 * 1024 * 1024


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not ours (exit code 2)."""


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    path: str
    rule: str
    fingerprint: str
    reason: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.rule, self.fingerprint)


def key_of(finding: Finding) -> tuple[str, str, str]:
    return (finding.location.path, finding.rule_id, finding.fingerprint)


def load(path: Path) -> list[Entry]:
    try:
        if not path.exists() and not path.is_symlink():
            raise FileNotFoundError(path)
        raw = safe_read(path, MAX_BASELINE_SIZE)
        if isinstance(raw, Refused):
            # A FIFO or device planted under the baseline's name would hang or fill memory.
            raise BaselineError(f"cannot read baseline {path}: {raw.reason}")
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {path} does not exist; create it with `outlive baseline create`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    except ValueError:
        # json converts integers with int(), which refuses more than 4,300 digits.
        raise BaselineError(
            f"baseline {path} holds a number too long to read (thousands of digits); "
            "recreate it with `outlive baseline create`"
        ) from None
    except RecursionError:
        raise BaselineError(
            f"baseline {path} nests arrays or objects too deeply to read; "
            "recreate it with `outlive baseline create`"
        ) from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"baseline {path} is not an outlive baseline of version {BASELINE_VERSION}"
        )
    results = data.get("results")
    if not isinstance(results, list):
        raise BaselineError(f"baseline {path} has no `results` list")
    entries = []
    for item in results:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("path", "rule", "fingerprint")
        ):
            raise BaselineError(f"baseline {path} has a malformed entry: {_excerpt(item)}")
        entries.append(
            Entry(item["path"], item["rule"], item["fingerprint"], str(item.get("reason", "")))
        )
    return entries


def _excerpt(item: object) -> str:
    """A malformed entry for a message, cut short: a hostile baseline can hold anything."""
    try:
        text = repr(item)
    except (ValueError, RecursionError):  # a 5,000-digit int has no repr
        return f"a {type(item).__name__}"
    return text if len(text) <= 120 else text[:117] + "..."


def entries_for(findings: Iterable[Finding], keep: Iterable[Entry] = ()) -> list[Entry]:
    """One entry per distinct finding key; reasons of ``keep`` entries carry over."""
    reasons = {e.key: e.reason for e in keep}
    keys = sorted({key_of(f) for f in findings})
    return [Entry(*k, reasons.get(k, "")) for k in keys]


def dump(entries: Iterable[Entry]) -> str:
    results = []
    for entry in sorted(entries):
        item = {"path": entry.path, "rule": entry.rule, "fingerprint": entry.fingerprint}
        if entry.reason:
            item["reason"] = entry.reason
        results.append(item)
    doc = {"version": BASELINE_VERSION, "outlive_version": __version__, "results": results}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    # A path from a file name that is not UTF-8 holds lone surrogates (os.fsdecode): write
    # them as the JSON escape `\udcff`, which UTF-8 can carry and `load` reads back unchanged.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
