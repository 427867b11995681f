"""Other scanners' records of known secrets turned into baseline entries, where they map.

Two formats are read: detect-secrets' ``.secrets.baseline`` (JSON: ``results`` per file, each
with ``type``, ``line_number``, ``hashed_secret`` and, once audited, ``is_secret``) and
gitleaks' ``.gitleaksignore`` (one fingerprint a line: ``commit:file:rule:line`` or
``file:rule:line``). Neither can be matched by fingerprint: outlive's fingerprint hashes
path, rule and a SHA-256 of the value, detect-secrets stores a SHA-1 of the value, gitleaks
no hash at all. So an item maps to the outlive findings in the same file, on the same line, of
a comparable rule (``comparable``). A detect-secrets item must also name the same value: the
values on the finding's line (its span, quoted strings, token runs, a PEM header) are hashed
with SHA-1 in memory, never kept, and one must equal ``hashed_secret``; a finding elsewhere in
the file whose line holds that value maps too, since detect-secrets itself ignores line
numbers once a line moves. A gitleaks item has no value to check: the line and the rule decide.
A ``commit:`` fingerprint names a line of that commit's file, which need not be the work
tree's line of that number: the line's text at the commit is read from git and the finding
must sit on a work-tree line with the same text (so a moved line still maps, and an edited
one does not); a commit this clone lacks maps nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.baseline import MAX_BASELINE_SIZE, BaselineError, Entry, key_of
from scanner.findings import Finding
from scanner.reading import Refused, safe_read

DETECT_SECRETS = "detect-secrets"
GITLEAKS = "gitleaks"

#: Rules that report a literal credential of any provider, besides the LLC-SRC family: when
#: one value is found by several rules the most specific reports it (a key passed to an SDK
#: is LLC-PY-005, not LLC-SRC-001), so any of them may carry another tool's secret.
LITERAL_RULES = frozenset(
    {
        "LLC-AGT-001",
        "LLC-DCK-001",
        "LLC-GHA-002",
        "LLC-IAC-007",
        "LLC-IAC-010",
        "LLC-K8S-005",
        "LLC-K8S-006",
        "LLC-PY-005",
        "LLC-PY-006",
        "LLC-PY-007",
    }
)
#: The generic SRC rules: a provider key another tool knows by its format may reach outlive
#: only through its key's name or its place in a URL.
GENERIC_RULES = frozenset({"LLC-SRC-013", "LLC-SRC-014", "LLC-SRC-023"})

#: detect-secrets plugin ``type`` -> the outlive rules of that provider. A type not listed
#: (``Secret Keyword``, the entropy plugins, IBM, SoftLayer...) is generic: any LLC-SRC rule.
DETECT_SECRETS_TYPES: dict[str, frozenset[str]] = {
    "AWS Access Key": frozenset({"LLC-SRC-001"}),
    "Azure Storage Account access key": frozenset({"LLC-SRC-011"}),
    "Basic Auth Credentials": frozenset({"LLC-SRC-013"}),
    "Discord Bot Token": frozenset({"LLC-SRC-017"}),
    "GitHub Token": frozenset({"LLC-SRC-002"}),
    "GitLab Token": frozenset({"LLC-SRC-003"}),
    "JSON Web Token": frozenset({"LLC-SRC-012"}),
    "Mailchimp Access Key": frozenset({"LLC-SRC-017"}),
    "NPM tokens": frozenset({"LLC-SRC-008"}),
    "OpenAI Token": frozenset({"LLC-SRC-009"}),
    "Private Key": frozenset({"LLC-SRC-007"}),
    "PyPI Token": frozenset({"LLC-SRC-008"}),
    "SendGrid API Key": frozenset({"LLC-SRC-017"}),
    "Slack Token": frozenset({"LLC-SRC-004"}),
    "Square OAuth Secret": frozenset({"LLC-SRC-021"}),
    "Stripe Access Key": frozenset({"LLC-SRC-005", "LLC-SRC-021"}),
    "Telegram Bot Token": frozenset({"LLC-SRC-017"}),
    "Twilio API Key": frozenset({"LLC-SRC-017"}),
}

#: gitleaks rule id prefix -> outlive rules (longest prefix wins); other ids are generic.
GITLEAKS_PREFIXES: dict[str, frozenset[str]] = {
    "aws-": frozenset({"LLC-SRC-001"}),
    "github-": frozenset({"LLC-SRC-002"}),
    "gitlab-": frozenset({"LLC-SRC-003"}),
    "slack-": frozenset({"LLC-SRC-004"}),
    "stripe-": frozenset({"LLC-SRC-005", "LLC-SRC-021"}),
    "gcp-": frozenset({"LLC-SRC-006"}),
    "google-": frozenset({"LLC-SRC-006"}),
    "private-key": frozenset({"LLC-SRC-007"}),
    "pypi-": frozenset({"LLC-SRC-008"}),
    "npm-": frozenset({"LLC-SRC-008"}),
    "rubygems-": frozenset({"LLC-SRC-008"}),
    "openai-": frozenset({"LLC-SRC-009"}),
    "anthropic-": frozenset({"LLC-SRC-009"}),
    "huggingface-": frozenset({"LLC-SRC-009"}),
    "hashicorp-": frozenset({"LLC-SRC-010"}),
    "vault-": frozenset({"LLC-SRC-010"}),
    "doppler-": frozenset({"LLC-SRC-010"}),
    "azure-": frozenset({"LLC-SRC-011"}),
    "jwt": frozenset({"LLC-SRC-012"}),
}


@dataclass(frozen=True, slots=True)
class ForeignItem:
    """One known secret in another tool's record."""

    tool: str
    path: str
    line: int
    kind: str  # detect-secrets ``type`` or gitleaks rule id
    hashed_secret: str = ""  # detect-secrets only: SHA-1 of the value, hex
    is_secret: bool | None = None  # detect-secrets' audit answer, None when not audited
    commit: str = ""  # gitleaks ``commit:`` fingerprints

    def describe(self) -> str:
        at = f"{self.commit[:12]}:" if self.commit else ""
        return f"{at}{self.path}:{self.line} ({self.tool} {self.kind})"


@dataclass(frozen=True, slots=True)
class Unmapped:
    item: ForeignItem
    why: str


def comparable(item: ForeignItem) -> Callable[[str], bool]:
    """Whether an outlive rule id may carry ``item``'s secret."""
    specific: frozenset[str] | None
    if item.tool == DETECT_SECRETS:
        specific = DETECT_SECRETS_TYPES.get(item.kind)
    else:
        prefixes = [p for p in GITLEAKS_PREFIXES if item.kind.lower().startswith(p)]
        specific = GITLEAKS_PREFIXES[max(prefixes, key=len)] if prefixes else None
    if specific is None:
        return lambda rule: rule.startswith("LLC-SRC-") or rule in LITERAL_RULES
    allowed = specific | LITERAL_RULES | GENERIC_RULES
    return lambda rule: rule in allowed


def read_record(path: Path) -> tuple[str, list[ForeignItem]]:
    """The tool and the items of ``path``: detect-secrets JSON, else a .gitleaksignore."""
    raw = safe_read(path, MAX_BASELINE_SIZE)
    if isinstance(raw, Refused):
        raise BaselineError(f"cannot read {path}: {raw.reason}")
    text = raw.decode("utf-8", "replace")
    if text.lstrip().startswith("{"):
        return DETECT_SECRETS, _detect_secrets(path, text)
    return GITLEAKS, _gitleaks(path, text)


def _detect_secrets(path: Path, text: str) -> list[ForeignItem]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise BaselineError(f"{path} is not valid JSON: {exc}") from None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise BaselineError(
            f"{path} is not a detect-secrets baseline (no `results` object of files)"
        )
    items = []
    for filename, found in sorted(results.items()):
        if not isinstance(found, list):
            raise BaselineError(f"{path}: `results` of {filename!r} is not a list")
        for item in found:
            line = item.get("line_number") if isinstance(item, dict) else None
            if not isinstance(item, dict) or type(line) is not int or line < 1:
                raise BaselineError(f"{path}: a result of {filename!r} has no `line_number`")
            is_secret = item.get("is_secret")
            items.append(
                ForeignItem(
                    DETECT_SECRETS,
                    _posix(filename),
                    line,
                    str(item.get("type", "")),
                    hashed_secret=str(item.get("hashed_secret", "")).lower(),
                    is_secret=is_secret if isinstance(is_secret, bool) else None,
                )
            )
    return items


_HEX_COMMIT = re.compile(r"^[0-9a-f]{7,64}$")


def _gitleaks(path: Path, text: str) -> list[ForeignItem]:
    """``file:rule:line`` or ``commit:file:rule:line`` per line; ``#`` comments and blanks
    skipped. The file part may hold ``:`` itself, so the rule and line are read from the end."""
    items = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        if len(parts) < 3 or not parts[-1].isdigit() or int(parts[-1]) < 1:
            raise BaselineError(
                f"{path}:{number}: not a gitleaks fingerprint (file:rule:line or "
                f"commit:file:rule:line): {line[:80]!r}"
            )
        commit = parts[0] if len(parts) >= 4 and _HEX_COMMIT.match(parts[0]) else ""
        start = 1 if commit else 0
        filename = ":".join(parts[start:-2])
        items.append(
            ForeignItem(GITLEAKS, _posix(filename), int(parts[-1]), parts[-2], commit=commit)
        )
    return items


def text_lines(data: bytes) -> list[str]:
    """A file's lines as the scan numbers them: split at ``\\n`` only (``splitlines`` also
    splits at form feeds and record separators, which would shift every line after one)."""
    return [line.removesuffix("\r") for line in data.decode("utf-8", "replace").split("\n")]


def _posix(name: str) -> str:
    name = name.replace("\\", "/")
    return name[2:] if name.startswith("./") else name


_QUOTED = re.compile(r"""(["'`])(.+?)\1""")
_RUNS = (
    re.compile(r"[A-Za-z0-9+/=_\-.~%]+"),
    re.compile(r"[A-Za-z0-9+/_\-]+"),
    re.compile(r"[^\s\"'`,;()\[\]{}<>]+"),
)
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")
_PEM = re.compile(r"BEGIN[A-Z0-9 ]* PRIVATE KEY(?: BLOCK)?|PuTTY-User-Key-File-\d")
#: detect-secrets' JWT pattern stops, lazily, after the payload: it hashes ``header.payload.``.
_JWT_HEAD = re.compile(r"eyJ[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.?")
#: What follows ``=`` or ``:`` to the end of the line: the keyword plugin's unquoted value.
_AFTER_ASSIGN = re.compile(r"[=:]\s*(.+?)\s*$")
_TAIL_SPAN = 4096
_MAX_TAILS = 8


def _sha1s(finding: Finding, line_text: str) -> set[str]:
    """SHA-1s of the values on ``line_text`` that overlap the finding's place on it (its
    span, or from its column on when it runs past the line), so a second secret on the same
    line never stands for this one. Each value is dropped as soon as it is hashed."""
    loc = finding.location
    low = loc.column - 1
    high = loc.end_column - 1 if loc.end_line == loc.line else len(line_text)
    spans: list[tuple[int, int]] = [(low, high)]
    spans += [m.span(2) for m in _QUOTED.finditer(line_text)]
    spans += [m.span(1) for m in _URL_PASSWORD.finditer(line_text)]
    spans += [m.span(0) for m in _PEM.finditer(line_text)]
    spans += [m.span(0) for m in _JWT_HEAD.finditer(line_text)]
    # The first few separators only: each tail costs the rest of the line (a minified file).
    separators = [at for at, char in enumerate(line_text[:_TAIL_SPAN]) if char in "=:"]
    for at in separators[:_MAX_TAILS]:
        tail = _AFTER_ASSIGN.match(line_text, at)
        if tail is not None:
            start, stop = tail.span(1)
            spans.append((start, stop))
            value = line_text[start:stop]
            inner = value.strip("\"'`,;")
            if inner:
                first = start + value.index(inner)
                spans.append((first, first + len(inner)))
    for pattern in _RUNS:
        for match in pattern.finditer(line_text):
            start, stop = match.span()
            spans.append((start, stop))
            equals = line_text.find("=", start, stop)
            if equals != -1:
                spans.append((equals + 1, stop))
    return {
        hashlib.sha1(line_text[a:b].encode("utf-8"), usedforsecurity=False).hexdigest()
        for a, b in set(spans)
        if a < b and a < high and low < b
    }


def mapped(
    items: Sequence[ForeignItem],
    findings: Iterable[Finding],
    read_lines: Callable[[str], list[str] | None],
    read_commit_lines: Callable[[str, str], list[str] | None] = lambda commit, path: None,
) -> tuple[list[Entry], list[Unmapped]]:
    """Entries for the ``findings`` ``items`` map to, and the items that map to none.

    ``read_lines(path)`` gives a scanned file's lines (for the value check), or None;
    ``read_commit_lines(commit, path)`` the lines of that file at that commit. An entry
    counts the findings of its key that were mapped; an audited detect-secrets item brings its
    answer as the verdict (``is_secret``), and a reason naming where it came from.
    """
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.suppression is None:
            by_path.setdefault(finding.location.path, []).append(finding)
    chosen: dict[int, tuple[Finding, ForeignItem]] = {}
    unmapped: list[Unmapped] = []
    lines_of: dict[str, list[str] | None] = {}
    hashed: dict[Finding, set[str]] = {}
    for item in items:
        in_file = by_path.get(item.path, [])
        if not in_file:
            unmapped.append(Unmapped(item, "outlive reports nothing in this file"))
            continue
        fits = comparable(item)
        same_line = [f for f in in_file if f.location.line == item.line and fits(f.rule_id)]
        if item.path not in lines_of:
            lines_of[item.path] = read_lines(item.path)
        lines = lines_of[item.path]
        if item.tool == GITLEAKS and item.commit:
            hits, why = _at_commit(item, in_file, fits, lines, read_commit_lines)
        elif item.tool == GITLEAKS:
            hits = same_line
            why = f"no outlive finding of a comparable rule on line {item.line}"
        else:
            hits = _by_value(same_line, item, lines, hashed)
            if not hits:
                moved = [f for f in in_file if fits(f.rule_id) and f not in same_line]
                hits = _by_value(moved, item, lines, hashed)
            why = (
                f"an outlive finding on line {item.line}, but no value there hashes to the "
                "recorded secret: it changed since, or detect-secrets hashed a part of it "
                "outlive does not take apart"
                if same_line
                else f"no outlive finding of a comparable rule holds the recorded secret "
                f"(line {item.line})"
            )
        if not hits:
            unmapped.append(Unmapped(item, why))
        for finding in hits:
            chosen.setdefault(id(finding), (finding, item))
    counts: Counter[tuple[str, str, str]] = Counter()
    answers: dict[tuple[str, str, str], ForeignItem] = {}
    for finding, item in chosen.values():
        key = key_of(finding)
        counts[key] += 1
        answers.setdefault(key, item)
    entries = [_entry(key, counts[key], answers[key]) for key in sorted(counts)]
    return entries, unmapped


def _at_commit(
    item: ForeignItem,
    in_file: list[Finding],
    fits: Callable[[str], bool],
    lines: list[str] | None,
    read_commit_lines: Callable[[str, str], list[str] | None],
) -> tuple[list[Finding], str]:
    """The comparable findings on the work-tree lines whose text is the commit's line."""
    old = read_commit_lines(item.commit, item.path)
    if old is None or lines is None:
        return [], (
            f"commit {item.commit[:12]} (or this file in it) is not in this repository, so "
            "its line cannot be compared with the work tree"
        )
    if item.line > len(old):
        return [], f"the file at commit {item.commit[:12]} has no line {item.line}"
    text = old[item.line - 1]
    places = {n for n, line in enumerate(lines, 1) if line == text}
    if not places:
        return [], (
            f"line {item.line} of the file at commit {item.commit[:12]} is no longer in the "
            "work tree (edited or removed since)"
        )
    hits = [f for f in in_file if f.location.line in places and fits(f.rule_id)]
    return hits, (
        f"no outlive finding of a comparable rule on the work-tree line that was line "
        f"{item.line} at commit {item.commit[:12]}"
    )


def _by_value(
    candidates: list[Finding],
    item: ForeignItem,
    lines: list[str] | None,
    hashed: dict[Finding, set[str]],
) -> list[Finding]:
    """The ``candidates`` whose line holds the value ``item`` hashed; each finding's line is
    hashed once (``hashed``), however many items point at it."""
    if not item.hashed_secret or lines is None:
        return []
    out = []
    for f in candidates:
        if f.location.line > len(lines):
            continue
        if f not in hashed:
            hashed[f] = _sha1s(f, lines[f.location.line - 1])
        if item.hashed_secret in hashed[f]:
            out.append(f)
    return out


def _entry(key: tuple[str, str, str], count: int, item: ForeignItem) -> Entry:
    if item.is_secret is None:
        return Entry(*key, count=count)
    verdict = "true-positive" if item.is_secret else "false-positive"
    said = "a real secret" if item.is_secret else "not a secret"
    return Entry(*key, reason=f"detect-secrets audit: {said}", count=count, verdict=verdict)
