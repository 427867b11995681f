"""Scan one file: classify, prefilter, parse once, run that kind's rules, build findings.

This is the only place that catches exceptions from parsers and rules. A parser failure is a
scan error and the raw-text rules still run; a rule failure is a scan error at level ``error``
(exit 2), and the other rules' findings on the file are kept.
"""

from __future__ import annotations

import ast
import bisect
import datetime as dt
import fnmatch
import io
import time
import tokenize
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

import ahocorasick_rs as ahocorasick
import libcst as cst

from scanner.api.rule import (
    CiRule,
    IacRule,
    PythonRule,
    Report,
    Rule,
    RuleContext,
    TextRule,
    YamlRule,
)
from scanner.config import Config, compile_allowlist
from scanner.documents.ci import GithubWorkflow
from scanner.documents.cstwalk import batched
from scanner.documents.hcl import HclDocument
from scanner.documents.python import PythonDocument, PythonParseError
from scanner.documents.text import Span, TextDocument
from scanner.documents.yaml import YamlDocument, YamlError
from scanner.filekinds import YAML_KINDS, FileKind, classify
from scanner.findings import (
    Finding,
    Location,
    RelatedLocation,
    ScanError,
    SecretMasker,
    Suppression,
    fingerprint,
    redact,
)
from scanner.prefilter import Prefilter
from scanner.registry import matches
from scanner.suppress import Directive, cap_blank_runs, comment_syntax, parse_text

#: Turns whatever a rule reported (a node, a span) into a location, per document type.
Locator = Callable[[Any], Location]

HEAD_BYTES = 8192
SNIPPET_MAX = 160


@dataclass(frozen=True, slots=True)
class FileResult:
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()


class Engine:
    """Rules, prefilter and context built once per scan (and once per worker process)."""

    def __init__(
        self,
        rules: Sequence[type[Rule]],
        config: Config,
        *,
        today: dt.date | None = None,
        gitlab_includes: frozenset[str] = frozenset(),
    ) -> None:
        self.rules = tuple(rules)
        self.config = config
        self.prefilter = Prefilter(self.rules)
        self.today = today or dt.date.today()
        # One clock for the whole scan, pinned to the day so that two runs on an unchanged tree
        # print the same bytes (a deadline "3650 days from now" must not tick by the second)
        # and agree with the cache, keyed by the day: the start of today, local time, never
        # later than the wall clock (a deadline reached earlier today still counts as ahead).
        # A pinned `today` pins it to noon UTC instead, for tests.
        self.now = (
            min(time.time(), dt.datetime.combine(self.today, dt.time()).timestamp())
            if today is None
            else dt.datetime(today.year, today.month, today.day, 12, tzinfo=dt.timezone.utc)
            .timestamp()
        )
        self.context = RuleContext(
            thresholds=config.thresholds,
            placeholder_words=config.placeholder_words,
            allowlist=tuple(compile_allowlist(p) for p in config.allowlist),
            now=self.now,
        )
        self.gitlab_includes = gitlab_includes
        # Rules per file kind, decided once rather than per file and rule.
        self._by_kind = {k: [r for r in self.rules if k in r.META.kinds] for k in FileKind}

    # -- entry points ---------------------------------------------------------------------

    def scan_bytes(self, rel: str, data: bytes) -> FileResult:
        """Scan the content of one file whose path relative to the scan root is ``rel``."""
        errors: list[ScanError] = []
        text, utf8 = _decode(rel, data, errors)
        # Classification and the prefilter read bytes: UTF-8 ones, whatever the file's encoding.
        kind = classify(rel, utf8[:HEAD_BYTES], self.gitlab_includes)
        candidates = self._by_kind[kind]
        hits = self.prefilter.hits(utf8.lower()) if candidates else frozenset()
        rules = [r for r in candidates if Prefilter.can_fire(r, hits)]
        if rules and self.config.per_path_ignores:
            rules = [r for r in rules if not self._ignored_for_path(r.META.id, rel)]
        text_doc = TextDocument(rel, text)
        reports: list[tuple[type[Rule], Report, Locator]] = []
        if rules:
            self._run_rules(rel, kind, text, text_doc, rules, reports, errors)
        findings = [
            self._finding(rule, report, locate, text_doc) for rule, report, locate in reports
        ]
        findings = _redact_snippets(findings, reports, text_doc)
        valued = {
            f.fingerprint
            for f, (_, r, _) in zip(findings, reports, strict=True)
            if r.value is not None
        }
        findings = list(dict.fromkeys(findings))  # a rule reporting one place twice
        findings = _merge_same_value(findings, valued)
        findings = _drop_covered(findings, reports)
        secrets = (s for _, r, _ in reports for s in (r.value, *r.secrets))
        findings = self._suppress(text, rel, findings, errors, kind, SecretMasker(secrets))
        findings.sort(key=lambda f: f.sort_key)
        errors.sort()
        return FileResult(tuple(findings), tuple(errors))

    # -- rules ----------------------------------------------------------------------------

    def _ignored_for_path(self, rule_id: str, rel: str) -> bool:
        if not self.config.per_path_ignores:
            return False
        anchored = self.config.base_relative(rel)
        if anchored is None:
            return False
        for glob, selectors in self.config.per_path_ignores:
            if _path_matches(anchored, glob) and any(matches(rule_id, s) for s in selectors):
                return True
        return False

    def _run_rules(
        self,
        rel: str,
        kind: FileKind,
        text: str,
        text_doc: TextDocument,
        rules: list[type[Rule]],
        reports: list[tuple[type[Rule], Report, Locator]],
        errors: list[ScanError],
    ) -> None:
        def collect(rule: Rule, locate: Locator) -> None:
            reports.extend((type(rule), r, locate) for r in rule.reports)

        def rule_failed(rule_cls: type[Rule], exc: BaseException) -> None:
            errors.append(
                ScanError(
                    rel,
                    f"rule {rule_cls.META.id} failed on this file ({type(exc).__name__}: {exc}); "
                    "this is a bug in outlive, please report it",
                    level="error",
                    kind="rule",
                )
            )

        def text_locate(target: object) -> Location:
            if isinstance(target, Span):
                return text_doc.locate(target)
            raise TypeError(f"text rules report Span objects, not {type(target).__name__}")

        # Raw-text rules: they run whatever happens to the structured parse.
        for text_cls in (r for r in rules if issubclass(r, TextRule)):
            text_rule = text_cls(self.context)
            try:
                text_rule.check(text_doc)
            except Exception as exc:
                rule_failed(text_cls, exc)
                continue
            collect(text_rule, text_locate)

        python_rules = [r for r in rules if issubclass(r, PythonRule)]
        if python_rules:
            self._run_python(rel, text, python_rules, collect, rule_failed, errors)

        yaml_like = [r for r in rules if issubclass(r, YamlRule | CiRule | IacRule)]
        if not yaml_like:
            return
        is_hcl = kind is FileKind.TERRAFORM and not rel.lower().endswith(".json")
        if is_hcl:
            try:
                hcl = HclDocument(rel, text)
            except Exception as exc:
                errors.append(ScanError(rel, f"could not parse HCL ({exc}); raw-text rules only"))
                return
            if hcl.has_error:
                errors.append(
                    ScanError(
                        rel,
                        f"HCL syntax error near line {hcl.error_line}; "
                        "the blocks that parsed were checked",
                        line=hcl.error_line or 0,
                    )
                )
            for iac_cls in yaml_like:
                if not issubclass(iac_cls, IacRule):
                    continue
                iac_rule = iac_cls(self.context)
                try:
                    iac_rule.check_hcl(hcl)
                except Exception as exc:
                    rule_failed(iac_cls, exc)
                    continue
                collect(iac_rule, hcl.locate)
            return
        if kind not in YAML_KINDS and kind is not FileKind.TERRAFORM:
            return
        try:
            ydoc = YamlDocument(rel, text)
        except YamlError as exc:
            label = "JSON" if rel.lower().endswith(".json") else "YAML"
            errors.append(ScanError(rel, f"could not parse {label}: {exc}; raw-text rules only"))
            return
        workflow = GithubWorkflow(ydoc) if kind is FileKind.GITHUB_ACTIONS else None
        for structured_cls in yaml_like:
            structured = structured_cls(self.context)
            try:
                if isinstance(structured, YamlRule):
                    structured.check(ydoc)
                elif isinstance(structured, CiRule):
                    if workflow is not None:
                        structured.check_github(workflow)
                elif isinstance(structured, IacRule):
                    structured.check_yaml(ydoc)
            except Exception as exc:
                rule_failed(structured_cls, exc)
                continue
            collect(structured, ydoc.locate)

    def _run_python(
        self,
        rel: str,
        text: str,
        rule_classes: Sequence[type[PythonRule]],
        collect: Callable[[Rule, Locator], None],
        rule_failed: Callable[[type[Rule], BaseException], None],
        errors: list[ScanError],
    ) -> None:
        problem = _python_too_complex(text)
        if problem is not None:
            errors.append(ScanError(rel, f"could not parse Python: {problem}; raw-text rules only"))
            return
        try:
            doc = PythonDocument(rel, text, now=self.now)
        except PythonParseError as exc:
            errors.append(ScanError(rel, f"could not parse Python: {exc}; raw-text rules only"))
            return
        except Exception as exc:
            errors.append(ScanError(rel, f"could not parse Python ({type(exc).__name__})"))
            return

        def locate(node: object) -> Location:
            if not isinstance(node, cst.CSTNode):
                raise TypeError("Python rules report LibCST nodes")
            return doc.locate(node)

        visitors = [cls(self.context, doc) for cls in rule_classes]
        try:
            batched(doc.module, visitors)
        except Exception:
            for cls in rule_classes:
                single = cls(self.context, doc)
                try:
                    batched(doc.module, [single])
                except RecursionError:
                    errors.append(ScanError(rel, "Python too deeply nested to analyse"))
                    return
                except Exception as exc:
                    rule_failed(cls, exc)
                    continue
                collect(single, locate)
            return
        for visitor in visitors:
            collect(visitor, locate)

    # -- findings -------------------------------------------------------------------------

    def _finding(
        self,
        rule_cls: type[Rule],
        report: Report,
        locate: Locator,
        text_doc: TextDocument,
    ) -> Finding:
        meta = rule_cls.META
        location = locate(report.target)
        if report.value is not None:
            print_fp = fingerprint(report.value)
        else:
            print_fp = fingerprint(" ".join(_slice(text_doc, location).split()))
        message = report.message  # masked in _suppress, which knows every secret of the file
        related = tuple(RelatedLocation(locate(target), note) for target, note in report.related)
        return Finding(
            location=location,
            rule_id=meta.id,
            rule_name=meta.name,
            category=meta.category,
            severity=report.severity or meta.severity,
            precision=meta.precision,
            message=message,
            snippet="",  # filled by _redact_snippets, which knows every secret of the file
            fingerprint=print_fp,
            owasp=meta.owasp,
            lifetime=report.lifetime,
            fix=report.fix or meta.fix,
            related=related,
        )

    def _suppress(
        self,
        text: str,
        rel: str,
        findings: list[Finding],
        errors: list[ScanError],
        kind: FileKind = FileKind.TEXT,
        masker: SecretMasker | None = None,
    ) -> list[Finding]:
        """Apply the file's directives, then mask every string built from the file.

        This is the last step that adds text to the file's findings and errors, so masking
        here covers all of them: rule messages, related-location messages, notes, reasons
        and every error of the file (suppression errors quote the line, parser and rule
        errors may quote the file too).
        """
        directives, problems = parse_text(
            text,
            allow_blanket=self.config.allow_blanket_ignores,
            require_reason=self.config.require_reason,
            syntax=comment_syntax(rel, kind, text[:256]),
        )
        # A malformed directive suppresses nothing and says so on its line; it is no reason to
        # stop the run (exit 2 is for configuration and usage errors).
        for problem in problems:
            errors.append(
                ScanError(
                    rel, problem.message, level="warning", kind="suppression", line=problem.line
                )
            )
        if directives:
            findings = [self._apply(finding, directives, rel, errors) for finding in findings]
        masker = masker or SecretMasker(())
        errors[:] = [replace(e, message=masker.mask_quoted(e.message)) for e in errors]
        return [_mask_finding(f, masker) for f in findings]

    def _apply(
        self, finding: Finding, directives: list[Directive], rel: str, errors: list[ScanError]
    ) -> Finding:
        line = finding.location.line
        for directive in directives:
            if not directive.covers(line) or not directive.applies_to(finding.rule_id):
                continue
            if directive.expired(self.today):
                note = (
                    f"the outlive: ignore on line {directive.line} expired on "
                    f"{directive.until}; it no longer suppresses this finding"
                )
                errors.append(
                    ScanError(rel, note, level="warning", kind="suppression", line=directive.line)
                )
                return replace(finding, notes=(*finding.notes, note))
            return replace(finding, suppression=Suppression("inSource", directive.reason))
        return finding


def _mask_finding(finding: Finding, masker: SecretMasker) -> Finding:
    """Rule-built text masked for the file's secrets; a reason, quoted whole from the file,
    also for key-like runs no rule matched."""
    related = tuple(replace(r, message=masker.mask(r.message)) for r in finding.related)
    suppression = finding.suppression
    if suppression is not None:
        suppression = replace(
            suppression, justification=masker.mask_quoted(suppression.justification)
        )
    message, fix = masker.mask(finding.message), masker.mask(finding.fix)
    notes = tuple(masker.mask(n) for n in finding.notes)
    if (message, fix, related, notes, suppression) == (
        finding.message, finding.fix, finding.related, finding.notes, finding.suppression
    ):
        return finding
    return replace(
        finding, message=message, fix=fix, related=related, notes=notes, suppression=suppression
    )


#: Real code stays far below this; past it LibCST's parse time grows quadratically (seconds at
#: two thousand links) until its native parser overflows the C stack.
MAX_PYTHON_DEPTH = 1000


def _python_too_complex(text: str) -> str | None:
    """Screen Python text with CPython's parser before LibCST sees it.

    LibCST's native parser recurses once per link of an operator chain (``a.b.b...``,
    ``-...-1``, ``lambda: lambda: ...``, ``a or a or ...``) with no limit: two thousand links
    take seconds, ten thousand overflow the C stack and kill the process (SIGSEGV). CPython's
    parser fails cleanly on such text; an ``and``/``or`` chain, flat in its tree but nested in
    LibCST's, is measured by its length. Text CPython cannot parse (a syntax error, or syntax
    newer than the running interpreter, which LibCST may know) is bounded with the tokenizer.
    """
    brackets = _bracket_problem(text)
    if brackets is not None:
        return brackets
    too_deep = f"expressions nested or chained deeper than {MAX_PYTHON_DEPTH} levels; not parsed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning and the like are not ours to print
        try:
            tree = ast.parse(text)
        except (RecursionError, MemoryError):
            return "expressions nested or chained too deeply to parse safely"
        except (SyntaxError, ValueError):
            return too_deep if _longest_chain(text) > MAX_PYTHON_DEPTH else None
    # An explicit stack (this text may be deep); about a third of the cost of ast.parse.
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    push = stack.append
    while stack:
        node, depth = stack.pop()
        if depth > MAX_PYTHON_DEPTH or (
            isinstance(node, ast.BoolOp) and len(node.values) > MAX_PYTHON_DEPTH
        ):
            return too_deep
        depth += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _AST_LEAVES):
                        push((item, depth))
            elif isinstance(value, ast.AST) and not isinstance(value, _AST_LEAVES):
                push((value, depth))
    return None


#: LibCST's parse costs about 7 microseconds and 1 KB of memory per token per enclosing bracket
#: (measured on libcst 1.9: ``[[[...]]]`` 100 deep takes 70 ms and 10 MB, 200 deep 0.3 s and
#: 40 MB, both quadratic; ten lists 999 deep took 54 s and 9 GB). Real code nests brackets 2 to 5
#: deep; CPython's own parser stops at 200. 100 keeps a wide margin over real code.
MAX_BRACKET_DEPTH = 100

#: The same cost summed over the file: the bracket depth of every token, added up. Real code
#: measures 0.03 to 0.12 per byte of source (LibCST itself then takes about 4 us and 500 bytes
#: per byte); this budget of one per byte, plus a constant for small files, bounds a file to
#: about three times that: roughly 1.5 KB of memory and 10 us per byte of source.
BRACKET_LOAD_PER_BYTE = 1.0
BRACKET_LOAD_BASE = 50_000


def _bracket_problem(text: str) -> str | None:
    """Why LibCST must not parse ``text`` because of its brackets, or None.

    One tokenizer pass (brackets inside strings and comments do not count). Text that stops
    tokenizing is measured up to the stop, which is as far as LibCST would get too.
    """
    budget = BRACKET_LOAD_BASE + BRACKET_LOAD_PER_BYTE * len(text)
    depth = load = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP:
                if token.string in ("(", "[", "{"):
                    depth += 1
                    if depth > MAX_BRACKET_DEPTH:
                        return (
                            f"bracket nesting deeper than {MAX_BRACKET_DEPTH} levels "
                            f"(line {token.start[0]}); not parsed"
                        )
                elif token.string in (")", "]", "}") and depth:
                    depth -= 1
            load += depth
            if load > budget:
                return (
                    "too many deeply bracketed tokens for the Python parser's memory and time "
                    f"budget (line {token.start[0]}); not parsed"
                )
    except (tokenize.TokenError, SyntaxError):
        pass
    return None


#: Operator and context singletons: leaves that need no visit.
_AST_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


_CHAIN_WORDS = frozenset({"and", "or", "not", "lambda", "if", "else", "await", "in", "is"})
_FLAT_OPS = frozenset({",", ":", ";", ")", "]", "{", "}", "=", "->"})
_OPENERS = frozenset({",", "(", "[", "{", ":", "="})
_UNARY = frozenset({"-", "+", "~", "*", "**"})


def _longest_chain(text: str) -> int:
    """Operators in the longest logical line: a bound on expression depth without a parse.

    Calls and subscripts count (``a()()``), bare brackets do not (``[(1, 2), (3, 4)]`` is flat).
    """
    if len(text) <= MAX_PYTHON_DEPTH:
        return 0
    longest = count = 0
    previous: tokenize.TokenInfo | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(cap_blank_runs(text)).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                longest, count = max(longest, count), 0
            elif token.type == tokenize.OP and token.string not in _FLAT_OPS:
                trailer = previous is not None and (
                    previous.type in (tokenize.NAME, tokenize.STRING)
                    or previous.string in (")", "]")
                )
                leading = previous is not None and previous.string in _OPENERS
                if token.string in ("(", "[") and not trailer:
                    pass  # a bare bracket: a tuple or list, flat
                elif token.string in _UNARY and leading:
                    pass  # the sign of an item, as in [-1, -2]
                else:
                    count += 1
            elif token.type == tokenize.NAME and token.string in _CHAIN_WORDS:
                count += 1
            previous = token
    except (tokenize.TokenError, SyntaxError):
        pass  # the count so far still bounds what LibCST would see before the same error
    return max(longest, count)


#: Byte-order marks of the wide Unicode encodings, UTF-32 first: the UTF-32 LE mark begins
#: with the UTF-16 LE one. Without a mark a file is never guessed to be UTF-16 (it is binary).
WIDE_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
)


def _decode(rel: str, data: bytes, errors: list[ScanError]) -> tuple[str, bytes]:
    """Decode once: the text every rule sees, and that text as UTF-8 for the byte-level steps.

    Windows tools write UTF-16 (sometimes UTF-32) with a byte-order mark; those are decoded
    by their mark, so positions come out in characters as for UTF-8. Bad bytes or code units
    degrade to U+FFFD (one character each, so positions hold) with an ``encoding`` error.
    """
    for bom, codec, label in WIDE_BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                errors.append(
                    ScanError(
                        rel,
                        f"not valid {label} (first bad code unit at offset "
                        f"{exc.start + len(bom)}); scanned with undecodable units replaced",
                        kind="encoding",
                    )
                )
                text = body.decode(codec, "replace")
            text = _blank_nul(rel, text, errors)
            return text, text.encode("utf-8", "surrogatepass")
    utf8 = data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.append(
            ScanError(
                rel,
                f"not valid UTF-8 (first bad byte at offset {exc.start}); "
                "scanned with undecodable bytes replaced",
                kind="encoding",
            )
        )
        text = data.decode("utf-8", "replace")
    return _blank_nul(rel, text, errors), utf8


def _blank_nul(rel: str, text: str, errors: list[ScanError]) -> str:
    if "\0" in text:
        errors.append(
            ScanError(rel, "contains NUL bytes; scanned as text with them blanked", kind="encoding")
        )
        text = text.replace("\0", " ")
    return text


def _slice(doc: TextDocument, loc: Location) -> str:
    start = doc.offset(loc.line, loc.column)
    end = doc.offset(loc.end_line, loc.end_column)
    return doc.text[start:end]


def _redact_snippets(
    findings: list[Finding],
    reports: list[tuple[type[Rule], Report, Locator]],
    doc: TextDocument,
) -> list[Finding]:
    """Every secret any rule found in the file is masked in every snippet of the file.

    The secrets are searched once per line that has a finding (one Aho-Corasick pass), not once
    per finding: checking every secret against every finding took half a minute on a file of
    ten thousand keys. Each snippet is then masked from its own line's hits only.
    """
    secrets = sorted(
        {s for _, r, _ in reports for s in (r.value, *r.secrets) if s and len(s) >= 4},
        key=len,
        reverse=True,
    )
    pieces: list[str] = []
    for secret in secrets:
        first = secret.splitlines()[0] if "\n" in secret else secret
        pieces.extend(p for p in dict.fromkeys((secret, first)) if len(p) >= 4)
    widest = max((len(p) for p in pieces), default=0)
    index = _LineHits(doc, pieces)
    out = []
    for finding in findings:
        line = finding.location.line
        if not 1 <= line <= doc.line_count:
            out.append(replace(finding, snippet=""))
            continue
        start, end = index.bounds(line)
        wanted = _line_columns(finding.location, end - start)
        if end - start > LONG_LINE:
            snippet, span = _long_line_snippet(
                doc.text, start, end, finding.location.column, index.hits(line), widest, wanted
            )
            out.append(replace(finding, snippet=snippet, snippet_span=span))
            continue
        snippet, lows, highs = _masked_line(doc.text[start:end], index.pieces_on(line))
        span = _span_of(lows, highs, *wanted)
        if len(snippet) > SNIPPET_MAX:
            # The window follows the finding in the masked line, where the caret will be.
            col = max(0, span[0] - 40)
            lead = 1 if col else 0
            snippet = ("…" if col else "") + snippet[col : col + SNIPPET_MAX] + "…"
            span = (span[0] - col + lead, min(span[1] - col, SNIPPET_MAX) + lead)
        snippet = snippet.rstrip()
        out.append(replace(finding, snippet=snippet, snippet_span=_clip_span(span, snippet)))
    return out


def _line_columns(loc: Location, length: int) -> tuple[int, int]:
    """The location's part of its first line, 0-based and end-exclusive: to the end of the
    line when it goes on below (a PEM block, a call over several lines)."""
    first = max(0, min(loc.column - 1, length))
    last = loc.end_column - 1 if loc.end_line == loc.line else length
    return first, max(first, min(last, length))


def _masked_line(text: str, pieces: list[str]) -> tuple[str, list[int], list[int]]:
    """``text`` with each piece replaced by ``redact(piece)`` in turn (as ``str.replace``
    does), and for each character of the result the span of ``text`` it stands for: a masked
    secret's characters all stand for the whole secret. The text format draws its carets from
    these spans, since masking moves and shrinks what a location's columns point at."""
    lows = list(range(len(text)))
    highs = [i + 1 for i in lows]
    for piece in pieces:
        if piece not in text:
            continue
        mask = redact(piece)
        parts: list[str] = []
        new_lows: list[int] = []
        new_highs: list[int] = []
        pos = 0
        at = text.find(piece)
        while at >= 0:
            parts.append(text[pos:at])
            new_lows.extend(lows[pos:at])
            new_highs.extend(highs[pos:at])
            parts.append(mask)
            new_lows.extend([lows[at]] * len(mask))
            new_highs.extend([highs[at + len(piece) - 1]] * len(mask))
            pos = at + len(piece)
            at = text.find(piece, pos)
        parts.append(text[pos:])
        new_lows.extend(lows[pos:])
        new_highs.extend(highs[pos:])
        text, lows, highs = "".join(parts), new_lows, new_highs
    return text, lows, highs


def _span_of(lows: list[int], highs: list[int], first: int, last: int) -> tuple[int, int]:
    """The characters of the masked line that stand for original columns ``[first, last)``
    (at least one: an empty region gets one caret where it starts)."""
    last = max(last, first + 1)
    pairs = enumerate(zip(lows, highs, strict=True))
    hit = [i for i, (lo, hi) in pairs if lo < last and hi > first]
    if hit:
        return hit[0], hit[-1] + 1
    at = next((i for i, lo in enumerate(lows) if lo >= first), len(lows))
    return at, at + 1


def _clip_span(span: tuple[int, int], snippet: str) -> tuple[int, int]:
    """``span`` kept within the (right-stripped) snippet, one character wide at least."""
    start = max(0, min(span[0], len(snippet)))
    return start, max(start + 1, min(span[1], len(snippet)))


#: Lines longer than this (minified files) are never copied whole: one copy per finding of a
#: 2 MB line with thousands of findings took gigabytes.
LONG_LINE = 1024

#: One secret hit on a line: (start, end) relative to the line start, and the secret.
_Hit = tuple[int, int, str]


class _LineHits:
    """Where each secret occurs, per line, computed on first use of a line.

    ``pieces_on`` keeps the masking order (longest secret first) so snippets stay byte-identical
    to masking with every secret in turn. A secret absent from a line can only appear there after
    an earlier replacement if it contains the ``…`` that replacement inserts (the rest of the
    masked text was already on the line), so such secrets are always tried.
    """

    def __init__(self, doc: TextDocument, pieces: list[str]) -> None:
        self._doc = doc
        self._pieces = pieces
        self._ranks: dict[str, list[int]] = {}
        for rank, piece in enumerate(pieces):
            self._ranks.setdefault(piece, []).append(rank)
        self._patterns = list(self._ranks)
        self._always = [p for p in self._patterns if "…" in p]
        self._automaton = (
            ahocorasick.AhoCorasick(self._patterns, matchkind=ahocorasick.MatchKind.Standard)
            if pieces
            else None
        )
        self._hits: dict[int, list[_Hit]] = {}
        self._order: dict[int, list[str]] = {}

    def bounds(self, line: int) -> tuple[int, int]:
        """Offsets of the line's text in the document, without its line break."""
        doc = self._doc
        start = doc.offset(line, 1)
        end = doc.offset(line + 1, 1) if line < doc.line_count else len(doc.text)
        while end > start and doc.text[end - 1] in "\r\n":
            end -= 1
        return start, end

    def hits(self, line: int) -> list[_Hit]:
        """Every occurrence of every secret on the line, overlapping ones included, sorted by
        start and, at one start, longest first."""
        cached = self._hits.get(line)
        if cached is not None:
            return cached
        found: list[_Hit] = []
        if self._automaton is not None:
            start, end = self.bounds(line)
            patterns = self._patterns
            found = [
                (first, last, patterns[which])
                for which, first, last in self._automaton.find_matches_as_indexes(
                    self._doc.text[start:end], overlapping=True
                )
            ]
            found.sort(key=lambda h: (h[0], h[0] - h[1]))
        self._hits[line] = found
        return found

    def pieces_on(self, line: int) -> list[str]:
        """The secrets to try on the line, in masking order (a repeated one as often)."""
        cached = self._order.get(line)
        if cached is None:
            present = {piece for _, _, piece in self.hits(line)}
            present.update(self._always)
            ranks = sorted(rank for piece in present for rank in self._ranks[piece])
            cached = self._order[line] = [self._pieces[rank] for rank in ranks]
        return cached


def _long_line_snippet(
    text: str,
    start: int,
    end: int,
    column: int,
    hits: list[_Hit],
    widest: int,
    wanted: tuple[int, int] = (0, 0),
) -> tuple[str, tuple[int, int]]:
    """SNIPPET_MAX characters of ``text[start:end]`` around ``column``, secrets masked, and
    where the line's columns ``wanted`` fall in it (see ``_masked_line``).

    ``hits`` are the line's secret occurrences (sorted by start); one that starts before the
    cut or runs past it is still masked whole. Only hits starting within ``widest`` (the
    longest secret) before the shown part can reach into it, so the scan starts there.
    """
    length = end - start
    shown_start = max(0, min(column - 1, length) - 40)
    shown_end = min(length, shown_start + SNIPPET_MAX)
    first_col, last_col = wanted[0], max(wanted[1], wanted[0] + 1)
    out = ["…"] if shown_start else []
    lows = [0] * len(out)
    highs = [shown_start] * len(out)

    def plain(a: int, b: int) -> None:
        out.append(text[start + a : start + b])
        lows.extend(range(a, b))
        highs.extend(range(a + 1, b + 1))

    pos = shown_start
    for at in range(bisect.bisect_left(hits, (shown_start - widest,)), len(hits)):
        first, last, piece = hits[at]
        if first >= shown_end:
            break
        if last <= pos:
            continue
        if first > pos:
            plain(pos, first)
        mask = redact(piece)
        out.append(mask)
        lows.extend([first] * len(mask))
        highs.extend([last] * len(mask))
        pos = last
    if pos < shown_end:
        plain(pos, shown_end)
    if shown_end < length:
        out.append("…")
        lows.append(shown_end)
        highs.append(length)
    snippet = "".join(out).rstrip()
    return snippet, _clip_span(_span_of(lows, highs, first_col, last_col), snippet)


def _specificity(rule_id: str) -> int:
    """rules.md 10.1: specific rules > SRC provider formats > SRC-013 URLs > SRC-014 generic."""
    if not rule_id.startswith("LLC-SRC-"):
        return 3
    return {"LLC-SRC-013": 1, "LLC-SRC-014": 0}.get(rule_id, 2)


def _drop_covered(
    findings: list[Finding], reports: list[tuple[type[Rule], Report, Locator]]
) -> list[Finding]:
    """A value another finding already covers (the secret key of a reported AWS key pair) is
    not reported again by a less specific rule, on whatever line it sits."""
    covered: dict[str, int] = {}
    for rule, report, _ in reports:
        for secret in report.secrets:
            if secret:
                fp = fingerprint(secret)
                covered[fp] = max(covered.get(fp, -1), _specificity(rule.META.id))
    if not covered:
        return findings
    return [
        f
        for f in findings
        if f.fingerprint not in covered or _specificity(f.rule_id) > covered[f.fingerprint]
    ]


def _merge_same_value(findings: list[Finding], valued: set[str]) -> list[Finding]:
    """Two rules on the same value and line: keep the more specific one.

    Only findings on a matched value (a secret) merge; two rules flagging the same code for
    different reasons both stand.
    """
    best: dict[tuple[int, str], Finding] = {}
    keep: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in valued:
            keep.append(finding)
            continue
        key = (finding.location.line, finding.fingerprint)
        other = best.get(key)
        if other is None:
            best[key] = finding
        elif other.rule_id != finding.rule_id:
            if _specificity(finding.rule_id) > _specificity(other.rule_id):
                best[key] = finding
        else:
            keep.append(finding)  # one rule, same value twice on a line: keep both
    return [*best.values(), *keep]


def _path_matches(rel: str, glob: str) -> bool:
    if fnmatch.fnmatchcase(rel, glob):
        return True
    # Only a pattern without "/" (``*.md``) matches at any depth; ``tests/**`` is anchored.
    return "/" not in glob and PurePosixPath(rel).match(glob)
