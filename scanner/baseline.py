"""Baseline: known findings recorded by (path, rule, fingerprint) and a count, never by line.

Line numbers change with every edit above a finding; the fingerprint does not, so moving a known
finding keeps it baselined while a changed secret value resurfaces. The fingerprint is the one
every output shows (``Finding.stable_fingerprint``: JSON ``fingerprint``, SARIF
``partialFingerprints["outlive/v1"]``), a hash of path, rule and the value's hash: a baseline
never holds a secret.

Two findings can share a key (two identical ``jwt.encode(...)`` calls in one file hash the same
code), so an entry records how many findings had its key when it was written, and applying the
baseline hides at most that many: a new, identical occurrence is a new finding, not a known one.

An entry can carry a human's judgement: ``reason`` (why it is accepted) and ``verdict``
(``true-positive``: a real credential, accepted until it is rotated; ``false-positive``: not a
credential). An entry with neither is *unaudited*: ``baseline audit`` walks those, and
``scan --fail-on-unaudited`` fails while the baseline hides a finding through one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from scanner import __version__
from scanner.findings import Finding, Suppression, stable_fingerprint_of
from scanner.reading import Refused, safe_read

#: 2 added ``count`` and stores the stable fingerprint; an outlive that reads only version 1
#: refuses a version 2 file instead of ignoring its counts (and hiding every occurrence).
BASELINE_VERSION = 2
#: Versions ``load`` reads. A version 1 entry hid every finding of its key: it reads as
#: ``count`` 1, since the number of findings it stood for was never recorded.
READABLE_VERSIONS = (1, 2)
DEFAULT_BASELINE = ".outlive-baseline.json"
#: Far above any real baseline (an entry is about 150 bytes), far below what exhausts memory.
MAX_BASELINE_SIZE = 64 * 1024 * 1024

Key = tuple[str, str, str]
#: What ``verdict`` may say; an audit records one of them.
VERDICTS = ("true-positive", "false-positive")


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not ours (exit code 2)."""


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """``count`` findings with this path, rule and (stable) fingerprint are known."""

    path: str
    rule: str
    fingerprint: str
    reason: str = ""
    count: int = 1
    verdict: str = ""  # "" (not audited) or one of VERDICTS

    @property
    def key(self) -> Key:
        return (self.path, self.rule, self.fingerprint)

    @property
    def audited(self) -> bool:
        """A human said why this entry is accepted, or whether it is a real credential."""
        return bool(self.reason.strip() or self.verdict)


def key_of(finding: Finding) -> Key:
    return (finding.location.path, finding.rule_id, finding.stable_fingerprint)


def load(path: Path, create_hint: str = "outlive baseline create") -> list[Entry]:
    """The entries of the baseline at ``path``; ``create_hint`` is the command a missing file's
    message tells the user to run."""
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
            f"baseline {path} does not exist; create it with `{create_hint}`"
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
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(data, dict) or type(version) is not int or version not in READABLE_VERSIONS:
        newer = type(version) is int and version > BASELINE_VERSION
        raise BaselineError(
            f"baseline {path} is not an outlive baseline of version 1 or 2"
            + (
                f" (it says version {_excerpt(version)}: written by a newer outlive? "
                "upgrade outlive to read it)"
                if newer
                else ""
            )
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
        reason = str(item.get("reason", ""))
        if version == 1:
            # Version 1 stored the value's hash: the stable form is derived from it, so the
            # entry matches the same findings as before.
            stable = stable_fingerprint_of(item["path"], item["rule"], item["fingerprint"])
            entries.append(Entry(item["path"], item["rule"], stable, reason))
            continue
        count = item.get("count")
        if type(count) is not int or count < 1:
            raise BaselineError(
                f"baseline {path} has a malformed entry (`count` must be a whole number of at "
                f"least 1): {_excerpt(item)}"
            )
        verdict = item.get("verdict", "")
        if verdict not in ("", *VERDICTS):
            raise BaselineError(
                f"baseline {path} has a malformed entry (`verdict` must be "
                f"{' or '.join(VERDICTS)}): {_excerpt(item)}"
            )
        entries.append(
            Entry(item["path"], item["rule"], item["fingerprint"], reason, count, str(verdict))
        )
    return entries


def _excerpt(item: object) -> str:
    """A malformed entry for a message, cut short: a hostile baseline can hold anything."""
    try:
        text = repr(item)
    except (ValueError, RecursionError):  # a 5,000-digit int has no repr
        return f"a {type(item).__name__}"
    return text if len(text) <= 120 else text[:117] + "..."


def _merged(entries: Iterable[Entry]) -> dict[Key, Entry]:
    """One entry per key. A key listed twice (a hand merge of two branches' baselines) counts
    as the larger of its counts, not their sum: a baseline must never hide more than it saw."""
    out: dict[Key, Entry] = {}
    for entry in entries:
        seen = out.get(entry.key)
        if seen is None:
            out[entry.key] = entry
        else:
            out[entry.key] = replace(
                seen,
                count=max(seen.count, entry.count),
                reason=seen.reason or entry.reason,
                verdict=seen.verdict or entry.verdict,
            )
    return out


def _counts(findings: Iterable[Finding]) -> Counter[Key]:
    """Occurrences per key of the findings that are not suppressed in the source."""
    return Counter(key_of(f) for f in findings if f.suppression is None)


def entries_for(findings: Iterable[Finding], keep: Iterable[Entry] = ()) -> list[Entry]:
    """One entry per key of the unsuppressed ``findings``, counting its occurrences; reasons
    and verdicts of ``keep`` entries carry over."""
    kept = _merged(keep)
    counts = _counts(findings)
    out = []
    for k in sorted(counts):
        old = kept.get(k)
        reason, verdict = (old.reason, old.verdict) if old is not None else ("", "")
        out.append(Entry(*k, reason, counts[k], verdict))
    return out


def updated(
    old: Iterable[Entry], findings: Iterable[Finding], *, add: bool = True
) -> list[Entry]:
    """``old`` brought up to date with ``findings``, reasons and verdicts kept.

    With ``add`` (``baseline update``) the result records what exists now: new keys are
    added, each count becomes the current one, keys without a finding are pruned. Without it
    (``--no-add``) it only narrows: per key the smaller of the recorded and the current count,
    so a finding that is new since the baseline was written stays new.
    """
    counts = _counts(findings)
    if add:
        return entries_for(findings, old)
    return sorted(
        replace(e, count=min(e.count, counts[k]))
        for k, e in _merged(old).items()
        if counts[k] > 0
    )


@dataclass(frozen=True, slots=True)
class Changes:
    """What an update did, per entry: for the line ``baseline update`` prints."""

    added: int = 0
    added_findings: int = 0
    pruned: int = 0
    raised: int = 0
    lowered: int = 0
    kept: int = 0

    def sentence(self) -> str:
        parts = []
        if self.added:
            s = "s" if self.added_findings != 1 else ""
            parts.append(f"{self.added} added ({self.added_findings} new finding{s})")
        if self.pruned:
            parts.append(f"{self.pruned} pruned (no finding left)")
        if self.raised:
            parts.append(f"{self.raised} with more findings")
        if self.lowered:
            parts.append(f"{self.lowered} with fewer findings left")
        parts.append(f"{self.kept} unchanged")
        return ", ".join(parts)


def changes(old: Iterable[Entry], new: Iterable[Entry]) -> Changes:
    """How ``new`` differs from ``old``, key by key."""
    before = {k: e.count for k, e in _merged(old).items()}
    after = {k: e.count for k, e in _merged(new).items()}
    fresh = [k for k in after if k not in before]
    common = [k for k in after if k in before]
    return Changes(
        added=len(fresh),
        added_findings=sum(after[k] for k in fresh),
        pruned=sum(1 for k in before if k not in after),
        raised=sum(1 for k in common if after[k] > before[k]),
        lowered=sum(1 for k in common if after[k] < before[k]),
        kept=sum(1 for k in common if after[k] == before[k]),
    )


def unaudited_hidden(findings: Iterable[Finding], entries: Iterable[Entry]) -> list[Finding]:
    """The findings the baseline hides through an entry with neither reason nor verdict
    (``scan --fail-on-unaudited``)."""
    known = _merged(entries)
    out = []
    for finding in findings:
        if finding.suppression is None or finding.suppression.kind != "external":
            continue
        entry = known.get(key_of(finding))
        if entry is not None and not entry.audited:
            out.append(finding)
    return out


def judged(entry: Entry, verdict: str, reason: str) -> Entry:
    """``entry`` with an audit's answer; an empty answer keeps what it had."""
    if verdict and verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    return replace(entry, verdict=verdict or entry.verdict, reason=reason.strip() or entry.reason)


def hide_known(findings: Sequence[Finding], entries: Iterable[Entry]) -> list[Finding]:
    """``findings`` (in report order) with at most ``count`` per baseline key marked as
    suppressed (``external``), the first ones in that order, so the same tree always hides the
    same findings. Those past the count stay active, with a note saying why."""
    known = _merged(entries)
    left = {k: e.count for k, e in known.items()}
    keys = [key_of(f) if f.suppression is None else None for f in findings]
    seen = Counter(k for k in keys if k in known)
    out: list[Finding] = []
    for finding, key in zip(findings, keys, strict=True):
        if key is None or key not in known:
            out.append(finding)
        elif left[key] > 0:
            left[key] -= 1
            entry = known[key]
            reason = entry.reason or "recorded in the baseline"
            if entry.verdict:  # the audit's answer, where --show-suppressed and SARIF show it
                reason = f"{entry.verdict.replace('-', ' ')}: {reason}"
            out.append(replace(finding, suppression=Suppression("external", reason)))
        else:
            recorded = known[key].count
            note = (
                f"the baseline records {recorded} finding{'s' if recorded != 1 else ''} of this "
                f"rule with this fingerprint in this file and the scan found {seen[key]}: the "
                "rest are new"
            )
            out.append(replace(finding, notes=(*finding.notes, note)))
    return out


def dump(entries: Iterable[Entry]) -> str:
    results = []
    for entry in sorted(_merged(entries).values()):
        item: dict[str, str | int] = {
            "path": entry.path,
            "rule": entry.rule,
            "fingerprint": entry.fingerprint,
            "count": entry.count,
        }
        if entry.reason:
            item["reason"] = entry.reason
        if entry.verdict:
            item["verdict"] = entry.verdict
        results.append(item)
    doc = {"version": BASELINE_VERSION, "outlive_version": __version__, "results": results}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    # A path from a file name that is not UTF-8 holds lone surrogates (os.fsdecode): write
    # them as the JSON escape `\udcff`, which UTF-8 can carry and `load` reads back unchanged.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
