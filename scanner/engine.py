"""Scan one file: classify, prefilter, parse once, run that kind's rules, build findings.

Each rule names the document it reads (``Rule.DOCUMENT``); the engine builds the documents the
file's selected rules name, each once, through ``documents.BUILDERS``, and hands each rule its
document through the entry method of its base class (``ENTRIES``). This is the only place that
catches exceptions from parsers and rules. A parser failure is a scan error and the raw-text
rules still run; a rule failure is a scan error at level ``error`` (exit 2), and the other
rules' findings on the file are kept.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, cast

from scanner.api.rule import (
    CiRule,
    IacRule,
    Report,
    Rule,
    RuleContext,
    TextRule,
    YamlRule,
)
from scanner.comment_syntaxes import comment_syntax
from scanner.config import Config, compile_allowlist
from scanner.documents import BUILDERS, Documents, Source
from scanner.filekinds import FileKind, classify
from scanner.findings import (
    Finding,
    Location,
    ScanError,
    SecretMasker,
    Suppression,
)
from scanner.findings_build import (
    Locator,
    build_finding,
    fold_covered,
    mask_finding,
    one_credential_once,
    redact_snippets,
    specificity,
)
from scanner.prefilter import Prefilter
from scanner.project import ProjectFacts
from scanner.registry import load, matches, rule_info
from scanner.rulemeta import RuleSpec
from scanner.suppress import Directive, expiring, parse_text, unused

if TYPE_CHECKING:  # parsers and LibCST load with the first file that needs them
    from scanner.api.python_rule import PythonRule
    from scanner.documents.ci import Pipeline
    from scanner.documents.python import PythonDocument
    from scanner.documents.text import TextDocument
    from scanner.documents.yaml import YamlDocument

HEAD_BYTES = 8192
#: The ``ScanError.kind`` of an ``outlive: ignore`` id that matched nothing
#: (``--report-unused-ignores``, which fails the run with it).
UNUSED_KIND = "unused-suppression"
#: The document whose rules share one pass (LibCST's batched visit) instead of an entry call.
BATCHED = "python"


def _check_text(rule: Rule, doc: object) -> None:
    cast(TextRule, rule).check(cast("TextDocument", doc))


def _check_yaml(rule: Rule, doc: object) -> None:
    cast(YamlRule, rule).check(cast("YamlDocument", doc))


def _check_ci(rule: Rule, doc: object) -> None:
    cast(CiRule, rule).check_ci(cast("Pipeline", doc))


def _check_iac(rule: Rule, doc: object) -> None:
    from scanner.documents.hcl import HclDocument
    from scanner.documents.python import PythonDocument

    iac = cast(IacRule, rule)
    if isinstance(doc, HclDocument):
        iac.check_hcl(doc)
    elif isinstance(doc, PythonDocument):
        iac.check_python(doc)
    else:
        iac.check_yaml(cast("YamlDocument", doc))


def _check_k8s(rule: Rule, doc: object) -> None:
    from scanner.api.k8s import K8sRule
    from scanner.documents.k8s import K8sView

    cast(K8sRule, rule).check_k8s(cast(K8sView, doc))


#: ``Rule.DOCUMENT`` -> how a rule is handed that document: its base class's entry method.
ENTRIES: dict[str, Callable[[Rule, object], None]] = {
    "text": _check_text,
    "yaml": _check_yaml,
    "ci": _check_ci,
    "iac": _check_iac,
    "k8s": _check_k8s,
}


@dataclass(frozen=True, slots=True)
class FileResult:
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()


class Engine:
    """Rules, prefilter and context built once per scan (and once per worker process)."""

    def __init__(
        self,
        rules: Sequence[RuleSpec],
        config: Config,
        *,
        today: dt.date | None = None,
        project: ProjectFacts | None = None,
    ) -> None:
        # Rule classes or the registry's RuleInfo: a rule's module is imported when the first
        # file that needs the rule is scanned (``_class``), not here.
        self.rules = tuple(rules)
        self._classes: dict[str, type[Rule]] = {}
        for rule in self.rules:
            if rule.DOCUMENT not in BUILDERS or (
                rule.DOCUMENT not in ENTRIES and rule.DOCUMENT != BATCHED
            ):
                raise ValueError(
                    f"rule {rule.META.id} reads the document {rule.DOCUMENT!r}, which the "
                    f"engine cannot build and hand over; known: {', '.join(sorted(ENTRIES))}, "
                    f"{BATCHED}"
                )
        self.config = config
        self.prefilter = Prefilter(self.rules)
        #: Screen Python files with ``ast`` before LibCST (``_run_python``); off only to compare
        #: (``OUTLIVE_AST_PRESCREEN=0``, read by the tests and ``bench/prescreen.py``).
        self.ast_prescreen = os.environ.get("OUTLIVE_AST_PRESCREEN", "1") != "0"
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
            project=project or ProjectFacts(),
        )
        # The kinds other files decide, as the mapping classify reads, built once.
        self._decided = (project or ProjectFacts()).kinds
        # Rules per file kind, decided once rather than per file and rule. Raw-text rules run
        # first, then the batched Python visit, then the others in rule order.
        order = {"text": 0, BATCHED: 1}
        self._by_kind = {
            k: sorted(
                (r for r in self.rules if k in r.META.kinds),
                key=lambda r: order.get(r.DOCUMENT, 2),
            )
            for k in FileKind
        }
        # The same lists with each rule's trigger sets beside it, and the rules that need no
        # trigger, so the per-file test (``Prefilter.can_fire``) costs no call per rule.
        self._gates = {
            k: [(r, frozenset(r.META.triggers), frozenset(r.META.requires)) for r in rules]
            for k, rules in self._by_kind.items()
        }
        self._ungated = {
            k: [r for r, triggers, _ in gates if not triggers] for k, gates in self._gates.items()
        }

    # -- entry points ---------------------------------------------------------------------

    def scan_bytes(self, rel: str, data: bytes) -> FileResult:
        """Scan the content of one file whose path relative to the scan root is ``rel``."""
        errors: list[ScanError] = []
        text, utf8 = _decode(rel, data, errors)
        # Classification and the prefilter read bytes: UTF-8 ones, whatever the file's encoding.
        kind = classify(rel, utf8[:HEAD_BYTES], self._decided)
        candidates = self._by_kind[kind]
        hits = self.prefilter.hits(utf8.lower()) if candidates else frozenset()
        if hits:
            rules = [  # Prefilter.can_fire, inlined: a file meets every rule of its kind
                r
                for r, triggers, requires in self._gates[kind]
                if not triggers
                or (
                    not hits.isdisjoint(triggers)
                    and (not requires or not hits.isdisjoint(requires))
                )
            ]
        else:
            rules = list(self._ungated[kind])
        if rules and b"\0" not in utf8:  # a NUL is blanked in the text: not the same bytes
            _share_hits(text, hits, self.prefilter.triggers)
        if rules and self.config.per_path_ignores:
            rules = [r for r in rules if not self._ignored_for_path(r.META.id, rel)]
        docs = Documents(Source(rel, text, kind, self.now), errors)
        text_doc = docs.text
        reports: list[tuple[type[Rule], Report, Locator]] = []
        if rules:
            self._run_rules(docs, rules, reports, errors)
        findings = [
            build_finding(rule, report, locate, text_doc) for rule, report, locate in reports
        ]
        findings = redact_snippets(findings, reports, text_doc)
        aligned = findings  # one per report, before duplicates merge
        valued = {
            f.fingerprint
            for f, (_, r, _) in zip(findings, reports, strict=True)
            if r.value is not None
        }
        findings = list(dict.fromkeys(findings))  # a rule reporting one place twice
        findings = _merge_same_value(findings, valued)
        findings = fold_covered(findings, aligned, reports)
        secrets = (s for _, r, _ in reports for s in (r.value, *r.secrets))
        findings = self._suppress(text, rel, findings, errors, kind, SecretMasker(secrets))
        findings = one_credential_once(findings, reports)
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

    def _class(self, rule: RuleSpec) -> type[Rule]:
        """The class of a selected rule, its module imported on first use."""
        cls = self._classes.get(rule.META.id)
        if cls is None:
            cls = self._classes[rule.META.id] = load(rule)
        return cls

    def _run_rules(
        self,
        docs: Documents,
        rules: list[RuleSpec],
        reports: list[tuple[type[Rule], Report, Locator]],
        errors: list[ScanError],
    ) -> None:
        """Each rule on the document it names, built on first request; ``rules`` in run order."""
        rel = docs.source.rel

        def collect(rule: Rule, locate: Locator) -> None:
            if rule.reports:
                locate = _elsewhere(locate)
            reports.extend((type(rule), r, locate) for r in rule.reports)

        def rule_failed(rule_cls: RuleSpec, exc: BaseException) -> None:
            errors.append(
                ScanError(
                    rel,
                    f"rule {rule_cls.META.id} failed on this file ({type(exc).__name__}: {exc}); "
                    "this is a bug in outlive, please report it",
                    level="error",
                    kind="rule",
                )
            )

        batch = [r for r in rules if r.DOCUMENT == BATCHED]
        for spec in rules:
            if spec.DOCUMENT == BATCHED:
                if spec is batch[0]:
                    self._run_python(docs, batch, collect, rule_failed, errors)
                continue
            try:
                built = docs.get(spec.DOCUMENT)
            except Exception as exc:  # a loader's bug: the rule could not run
                rule_failed(spec, exc)
                continue
            if built is None:  # not this file's syntax, or a parse error already reported
                continue
            try:
                rule = self._class(spec)(self.context)
                ENTRIES[spec.DOCUMENT](rule, built.doc)
            except Exception as exc:
                rule_failed(spec, exc)
                continue
            collect(rule, built.locate)

    def _run_python(
        self,
        docs: Documents,
        rule_classes: Sequence[RuleSpec],
        collect: Callable[[Rule, Locator], None],
        rule_failed: Callable[[RuleSpec, BaseException], None],
        errors: list[ScanError],
    ) -> None:
        """All Python rules of a file in one batched LibCST visit; one by one if it fails.

        CPython's ``ast`` screens the file first (``guard.screen``, the parse the nesting check
        makes anyway): rules whose sink cannot occur are dropped, and a file left with none is
        never handed to LibCST (nor to the guard's tokenizer checks, which run just before
        LibCST). Text ``ast`` cannot parse goes to the builder, which says why.
        """
        if self.ast_prescreen and docs.syntax == "python":
            from scanner.documents.python.guard import screen
            from scanner.documents.python.textscreen import text_may_fire

            text = docs.source.text
            rule_classes = [s for s in rule_classes if text_may_fire(s.META.id, text)]
            if not rule_classes:
                return
            verdict = screen(text)
            if verdict.facts is not None:
                rule_classes = [s for s in rule_classes if verdict.may_fire(s.META.id)]
                if not rule_classes:
                    return
        built = docs.get(BATCHED)
        if built is None:
            return
        from scanner.documents.cstwalk import batched

        doc = cast("PythonDocument", built.doc)
        classes: list[type[PythonRule]] = []
        for spec in rule_classes:
            try:
                classes.append(cast("type[PythonRule]", self._class(spec)))
            except Exception as exc:  # the rule's module failed to import
                rule_failed(spec, exc)
        visitors = [cls(self.context, doc) for cls in classes]
        try:
            batched(doc.module, visitors)
        except Exception:
            for cls in classes:
                single = cls(self.context, doc)
                try:
                    batched(doc.module, [single])
                except RecursionError:
                    errors.append(ScanError(docs.source.rel, "Python too deeply nested to analyse"))
                    return
                except Exception as exc:
                    rule_failed(cls, exc)
                    continue
                collect(single, built.locate)
            return
        for visitor in visitors:
            collect(visitor, built.locate)

    # -- findings -------------------------------------------------------------------------

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
            other_pragmas=self.config.honour_other_pragmas,
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
            used: set[tuple[int, str]] = set()  # (directive index, rule id) that it matched
            findings = [self._apply(f, directives, rel, errors, used) for f in findings]
            self._directive_notes(directives, used, rel, errors)
        masker = masker or SecretMasker(())
        errors[:] = [replace(e, message=masker.mask_quoted(e.message)) for e in errors]
        return [mask_finding(f, masker) for f in findings]

    def _directive_notes(
        self,
        directives: list[Directive],
        used: set[tuple[int, str]],
        rel: str,
        errors: list[ScanError],
    ) -> None:
        """Warnings for suppressions about to expire, and (``--report-unused-ignores``) for
        the ids of those that matched nothing."""
        for note in expiring(directives, used, self.today):
            errors.append(ScanError(rel, note.message, "warning", "suppression", note.line))
        if not self.config.report_unused_ignores:
            return
        ran = {r.META.id for r in self.rules}
        for note in unused(
            directives,
            used,
            lambda rule: rule in ran and not self._ignored_for_path(rule, rel),
            lambda rule: rule_info(rule) is not None,
        ):
            errors.append(ScanError(rel, note.message, "warning", UNUSED_KIND, note.line))

    def _apply(
        self,
        finding: Finding,
        directives: list[Directive],
        rel: str,
        errors: list[ScanError],
        used: set[tuple[int, str]],
    ) -> Finding:
        line = finding.location.line
        for index, directive in enumerate(directives):
            if not directive.covers(line) or not directive.applies_to(finding.rule_id):
                continue
            used.add((index, finding.rule_id))
            if directive.expired(self.today):
                note = (
                    f"the outlive: ignore on line {directive.line} expired on "
                    f"{directive.until}; it no longer suppresses this finding"
                )
                errors.append(
                    ScanError(rel, note, level="warning", kind="suppression", line=directive.line)
                )
                return replace(finding, notes=(*finding.notes, note))
            until = directive.until.isoformat() if directive.until is not None else ""
            return replace(finding, suppression=Suppression("inSource", directive.reason, until))
        return finding


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


def _share_hits(text: str, hits: frozenset[str], triggers: frozenset[str]) -> None:
    """The prefilter's hits to the provider-table rules, once a family rule has loaded their
    module (``sys.modules``: no import for a scan that runs none of them)."""
    shared = sys.modules.get("scanner.api.provider_rule")
    if shared is not None:
        shared.share_hits(text, hits, triggers)


def _blank_nul(rel: str, text: str, errors: list[ScanError]) -> str:
    if "\0" in text:
        errors.append(
            ScanError(rel, "contains NUL bytes; scanned as text with them blanked", kind="encoding")
        )
        text = text.replace("\0", " ")
    return text


_specificity = specificity  # one order for both merges (findings_build.specificity)


def _elsewhere(locate: Locator) -> Locator:
    """``locate``, but a ``Location`` passes as it is: a related place in another file of the
    tree (a module's key resource, a ServiceAccount) that the project facts hold."""

    def located(target: object) -> Location:
        return target if isinstance(target, Location) else locate(target)

    return located


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
