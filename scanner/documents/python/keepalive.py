"""Keep-alive chains (rules.md 2.2 C + D): something that runs forever and reaches sinks whose
credential is stored (2.2 B: literal, static config, rotating chain).

The analysis runs once per document and is shared by every FS rule through a per-document
cache; its building blocks are the document's loops, schedules and credential sources, and the
sinks of ``libraries.sinks``.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

import libcst as cst

from scanner.documents.python.crossmodule import mint_helper, same_project
from scanner.documents.python.libraries.model import Sink, SinkKind
from scanner.documents.python.libraries.sinks import find_sink, might_be_sink
from scanner.documents.python.sources import CredentialClass, CredentialSource
from scanner.documents.python.syntax import call_argument
from scanner.documents.python.triggers import DISPATCHES, WAITS
from scanner.documents.python.view import DocumentView


@dataclass(frozen=True, slots=True)
class Reach:
    """A sink a keep-alive reaches, with the stored credential it redeems there."""

    sink: Sink
    source: CredentialSource


@dataclass(slots=True)
class KeepAlive:
    """Something that runs forever and reaches stored sinks.

    ``anchor`` is what a rule reports: the loop, the recursive call, or the scheduling call
    site. ``loop`` is the repeating code itself (a loop, or the recursive function), None for
    a construct that repeats by itself (a timer, an interval job) around a loop-free target.
    """

    anchor: cst.CSTNode
    how: str
    loop: cst.CSTNode | None
    reaches: list[Reach]
    scheduled: bool
    covered: bool = False

    def kinds(self) -> set[SinkKind]:
        return {r.sink.kind for r in self.reaches}

    @property
    def target(self) -> cst.CSTNode:
        """What to report: a loop's header (stable fingerprints), else the anchor itself."""
        return loop_head(self.anchor)


@dataclass(slots=True)
class Analysis:
    """Every sink of a document, and the keep-alives that reach stored ones."""

    sinks: list[Sink] = field(default_factory=list)
    keep_alives: list[KeepAlive] = field(default_factory=list)

    def keep_alive_for(self, call: cst.Call) -> KeepAlive | None:
        """The reported keep-alive (loop or schedule) that reaches ``call``, if any."""
        for keep in self.keep_alives:
            if not keep.covered and any(r.sink.call is call for r in keep.reaches):
                return keep
        return None


_CACHE: weakref.WeakKeyDictionary[DocumentView, dict[int | None, Analysis]] = (
    weakref.WeakKeyDictionary()
)


def analyse(doc: DocumentView, deadline_limit: int | None) -> Analysis:
    """Sinks and keep-alive chains of one document, computed once for all FS rules."""
    per_doc = _CACHE.setdefault(doc, {})
    if deadline_limit not in per_doc:
        per_doc[deadline_limit] = _analyse(doc, deadline_limit)
    return per_doc[deadline_limit]


def sink_source(doc: DocumentView, sink: Sink, within: cst.CSTNode | None) -> CredentialSource:
    """Where the credential a sink redeems comes from, seen from inside ``within`` (a loop)."""
    if sink.fixed is not None:
        return sink.fixed
    if sink.expr is None:
        return CredentialSource(CredentialClass.UNKNOWN)
    return doc.credential_source(sink.expr, sink.at, within=within)


def _analyse(doc: DocumentView, deadline_limit: int | None) -> Analysis:
    sinks = [s for s in (find_sink(doc, c) for c in doc.calls() if might_be_sink(doc, c)) if s]
    result = Analysis(sinks=sinks)
    helpers = helper_sinks(doc)
    if not sinks and not helpers:
        return result
    # Minting helpers count only inside a perpetual trigger (LLC-FS-002/003): one call of a
    # helper is no finding of its own, so they stay out of ``result.sinks``.
    by_call = {s.call: s for s in helpers} | {s.call: s for s in sinks}

    def reaches(calls: list[cst.Call], within: cst.CSTNode) -> list[Reach]:
        out = []
        for call in calls:
            sink = by_call.get(call)
            if sink is None:
                continue
            source = sink_source(doc, sink, within)
            if source.stored:
                out.append(Reach(sink, source))
        return out

    loops: list[tuple[KeepAlive, list[cst.CSTNode]]] = []
    for node in doc.unbounded_loops(deadline_limit):
        calls = runs(doc, node)
        found = reaches(calls, node)
        if found and _waits(doc, calls):
            keep = KeepAlive(node, _describe_loop(doc, node), node, found, scheduled=False)
            loops.append((keep, _defs_reached(doc, node)))
    for func, call in doc.recursions():
        calls = runs(doc, func)
        found = reaches(calls, func)
        if found and _waits(doc, calls):
            how = f"the self-calling function `{func.name.value}`"
            keep = KeepAlive(call, how, func, found, scheduled=False)
            loops.append((keep, _defs_reached(doc, func)))

    # A loop that only runs another endless loop is not a second session: keep the inner one.
    for keep, defs in loops:
        inner = [
            other
            for other, _ in loops
            if other is not keep
            and other.loop is not None
            and keep.loop is not None
            and other.loop is not keep.loop
            and any(doc.inside(other.loop, d) for d in defs)
        ]
        calls_inner = {r.sink.call for other in inner for r in other.reaches}
        if inner and all(r.sink.call in calls_inner for r in keep.reaches):
            keep.covered = True

    schedules: list[KeepAlive] = []
    scheduled: set[cst.CSTNode] = set()
    for schedule in doc.schedules():
        if schedule.target in scheduled:
            continue  # one session, however many triggers run it (``every(50)``, ``every().hour``)
        defs = _defs_reached(doc, schedule.target)
        inner_loops = [
            keep
            for keep, _ in loops
            if keep.loop is not None and any(doc.inside(keep.loop, d) for d in defs)
        ]
        if schedule.periodic:
            found = reaches(runs(doc, schedule.target), schedule.target)
        else:
            found = [r for keep in inner_loops for r in keep.reaches]
        if not found:
            continue
        scheduled.add(schedule.target)
        for keep in inner_loops:
            keep.covered = True
        inner_loop = next((k.loop for k in inner_loops if not k.scheduled), None)
        schedules.append(KeepAlive(schedule.site, schedule.description, inner_loop, found, True))
    result.keep_alives = [keep for keep, _ in loops] + schedules
    return result


_CREDENTIAL_WORDS = {
    "refresh": SinkKind.REFRESH_GRANT,
    "rt": SinkKind.REFRESH_GRANT,
    "secret": SinkKind.CLIENT_SECRET,
    "password": SinkKind.PASSWORD,
    "passwd": SinkKind.PASSWORD,
}


def helper_sinks(doc: DocumentView) -> list[Sink]:
    """Calls of a minting helper imported from this project, given a stored credential.

    Mirrors ``crossmodule``'s reader rule for the other half of the common split: the loop in
    a task module, ``from .auth import request_new_access_token`` doing the token-endpoint
    call. By name only (the other module is never read), and only when an argument names the
    root credential it passes (``refresh``, ``secret``, ``password`` in the argument, or in
    where its value comes from) and that credential is stored. Gated by the FS rules' text
    triggers as any sink is, so the rule adds no file to the LibCST share.
    """
    imported: dict[str, tuple[str, str]] = {}
    for statement in doc.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            module = "." * len(small.relative) + (
                doc.code(small.module).strip() if small.module is not None else ""
            )
            for alias in small.names:
                if not isinstance(alias.name, cst.Name):
                    continue
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name) and mint_helper(alias.name.value):
                    imported[local.value] = (module, alias.name.value)
    if not imported:
        return []
    path = doc.path
    out: list[Sink] = []
    for call in doc.calls():
        if not isinstance(call.func, cst.Name) or call.func.value not in imported:
            continue
        module, name = imported[call.func.value]
        if not same_project(module, path):
            continue
        for arg in call.args:
            source = doc.credential_source(arg.value, call)
            if not source.stored:
                continue
            words = f"{doc.code(arg.value)} {arg.keyword.value if arg.keyword else ''} "
            words += source.description
            kind = next(
                (k for w, k in _CREDENTIAL_WORDS.items() if _word(w, words.lower())), None
            )
            if kind is not None:
                via = f"through `{name}()` from `{module}`, which by its name mints a token"
                out.append(Sink(call, kind, arg.value, call, via=via, row="project.mint_helper",
                                issued="a fresh access token"))
                break
    return out


def _word(word: str, text: str) -> bool:
    """``word`` as a part of an identifier or phrase (``rt`` in ``rt`` or ``crm_rt``, not in
    ``start``)."""
    return re.search(rf"(?<![a-z]){word}(?![a-z])" if len(word) < 4 else word, text) is not None


def runs(doc: DocumentView, root: cst.CSTNode) -> list[cst.Call]:
    """The calls ``root`` runs (two calls deep), and those of the functions it hands to a
    dispatcher that runs them now elsewhere (``triggers.DISPATCHES``: a Temporal activity,
    ``asyncio.to_thread``), one call deep."""
    calls = doc.reachable_calls(root)
    extra: list[cst.Call] = []
    for call in calls:
        names = doc.qualified_names(call.func)
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        for row in DISPATCHES:
            if not (names & row.names) and not (
                method in row.methods and doc.imports_from(*row.gate)
            ):
                continue
            arg = call_argument(call, row.target.position, row.target.keyword)
            target = doc.callable_def(arg, call)
            if target is not None and target is not root:
                extra.extend(doc.reachable_calls(target, 1))
            break
    return calls + extra if extra else calls


def _waits(doc: DocumentView, calls: list[cst.Call]) -> bool:
    """A sleep or ``wait(timeout)`` among ``calls``, with the registry's extra sleeps."""
    if doc.first_wait(calls) is not None:
        return True
    return any(doc.qualified_names(c.func) & WAITS for c in calls)


def _defs_reached(doc: DocumentView, root: cst.CSTNode) -> list[cst.CSTNode]:
    """``root`` and this module's functions it calls (two levels), where a loop may sit."""
    out: list[cst.CSTNode] = [root]
    for call in doc.reachable_calls(root):
        target = doc.callable_def(call.func, call)
        if target is not None and target not in out:
            out.append(target)
    return out


def _describe_loop(doc: DocumentView, loop: cst.CSTNode) -> str:
    if isinstance(loop, cst.While):
        test = doc.code(loop.test).strip()
        return f"a `while {test if len(test) <= 40 else test[:37] + '...'}` loop"
    if isinstance(loop, cst.For):
        return f"a `for` loop over `{doc.code(loop.iter).strip()[:40]}`"
    return "a loop"


def loop_head(loop: cst.CSTNode) -> cst.CSTNode:
    """Point at a loop's header rather than its whole body."""
    if isinstance(loop, cst.While):
        return loop.test
    if isinstance(loop, cst.For):
        return loop.iter
    if isinstance(loop, cst.FunctionDef):
        return loop.name
    return loop
