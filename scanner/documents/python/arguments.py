"""What a function's parameter is bound to: every call site of the function in this module.

A call site is a direct call, a call through ``functools.partial``, a callback handed to a
thread, timer, executor, event loop, scheduler or task queue together with its arguments
(``Thread(target=f, args=(rt,))``, ``loop.call_later(5, f, rt)``, ``f.delay(rt)``), or the call a
local decorator's wrapper makes (``fn(*args, token=..., **kwargs)``). Arguments spread with
``*[...]``/``**{...}`` are read when their contents are visible; anything else makes the site
unsure, and an unsure site leaves the parameter a ``PARAMETER`` (never enough to report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from scanner.documents.python.flow import Flow
from scanner.documents.python.syntax import call_argument, dotted_name, is_none_literal
from scanner.documents.python.walk import walk_nodes


@dataclass(frozen=True, slots=True)
class _Handoff:
    """A call that runs a callback later: where the callback and its arguments are."""

    target: tuple[int | None, str | None]
    args: tuple[int | None, str | None] | None = None  # a tuple of positional arguments
    kwargs: tuple[int | None, str | None] | None = None  # a dict of keyword arguments
    rest: int | None = None  # positional arguments from here on are the callback's
    keywords: bool = False  # the call's own keywords are the callback's


#: Thread, timer, executor, event-loop, scheduler and task-queue hand-offs, by qualified name.
_BY_NAME: dict[str, _Handoff] = {
    "threading.Thread": _Handoff((1, "target"), (3, "args"), (4, "kwargs")),
    "multiprocessing.Process": _Handoff((1, "target"), (3, "args"), (4, "kwargs")),
    "threading.Timer": _Handoff((1, "function"), (2, "args"), (3, "kwargs")),
    "_thread.start_new_thread": _Handoff((0, "function"), (1, "args"), (2, "kwargs")),
    "asyncio.to_thread": _Handoff((0, "func"), rest=1, keywords=True),
    "gevent.spawn": _Handoff((0, None), rest=1, keywords=True),
    "gevent.spawn_later": _Handoff((1, None), rest=2, keywords=True),
    "eventlet.spawn": _Handoff((0, None), rest=1, keywords=True),
}
#: The same, by method name (the receiver is an executor, loop, scheduler or queue).
_BY_METHOD: dict[str, _Handoff] = {
    "submit": _Handoff((0, None), rest=1, keywords=True),
    "do": _Handoff((0, None), rest=1, keywords=True),  # schedule.every(n).x.do(f, *args)
    "add_job": _Handoff((0, "func"), (None, "args"), (None, "kwargs")),
    "run_in_executor": _Handoff((1, None), rest=2),
    "call_later": _Handoff((1, None), rest=2),
    "call_at": _Handoff((1, None), rest=2),
    "call_soon": _Handoff((0, None), rest=1),
    "call_soon_threadsafe": _Handoff((0, None), rest=1),
    "enter": _Handoff((2, "action"), (3, "argument"), (4, "kwargs")),  # sched.scheduler
    "enterabs": _Handoff((2, "action"), (3, "argument"), (4, "kwargs")),
    "enqueue": _Handoff((0, "f"), rest=1, keywords=True),  # rq
    "enqueue_in": _Handoff((1, None), rest=2, keywords=True),
    "enqueue_at": _Handoff((1, None), rest=2, keywords=True),
}
#: Task-queue methods called on the task itself: ``f.delay(*args)``, ``f.apply_async(args)``.
_TASK_CALLS = frozenset({"delay", "s", "si", "send", "defer"})
_TASK_APPLY = frozenset({"apply_async", "signature", "send_with_options", "apply"})


@dataclass(slots=True)
class Site:
    """The arguments one call site passes: positional ones (None from an opaque ``*x`` on),
    keywords, whether an opaque ``**x`` may add more, and the node to classify them at."""

    positional: list[cst.BaseExpression | None]
    keywords: dict[str, cst.BaseExpression]
    open_keywords: bool
    node: cst.CSTNode

    def value(self, position: int | None, name: str) -> tuple[bool, cst.BaseExpression | None]:
        """(sure, value) of a parameter: unsure when a spread could fill it."""
        if name in self.keywords:
            return True, self.keywords[name]
        if position is not None and position < len(self.positional):
            found = self.positional[position]
            return found is not None, found
        if position is not None and self.positional and self.positional[-1] is None:
            return False, None  # an opaque *args may reach this far
        return not self.open_keywords, None


class Arguments(Flow):
    """Call sites of this module's functions, with the arguments each passes."""

    def value_of(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.BaseExpression:
        """``Flow.value_of``, and for a parameter of a function called from one place only,
        the argument that place passes (``renew(FORM)`` for ``def renew(form)``): the form
        dict or config handed to a helper is then as visible as one written in it."""
        value = super().value_of(expr, at)
        if not isinstance(value, cst.Name):
            return value
        found = self.doc.assignments(value.value, at)
        func = self.enclosing_function(at)
        if len(found) != 1 or not found[0].is_parameter or func is None:
            return value
        values, complete = self.parameter_value(func, value.value)
        if not complete or len(values) != 1 or values[0][0] is value:
            return value
        passed, site = values[0]
        return super().value_of(passed, site)

    def call_sites(self, func: cst.FunctionDef) -> list[Site] | None:
        """Every site that runs ``func`` with arguments we can read; None if one hands it
        arguments we cannot see (a non-literal ``args=`` tuple). Memoised per function."""
        memo: dict[cst.FunctionDef, list[Site] | None] = self.__dict__.setdefault("_sites", {})
        if func not in memo:
            memo[func] = self._call_sites(func)
        return memo[func]

    def _call_sites(self, func: cst.FunctionDef) -> list[Site] | None:
        wrapped = self._decorator_sites(func)
        if wrapped:  # calls of the name reach the wrapper, which makes these calls
            return wrapped
        sites: list[Site] = []
        for call in self.callers(func):
            sites.append(self._site(call, call.args, self._partial_of(call.func, call)))
        for call in self.ix.calls:
            found = self._handoff_site(call, func)
            if found is False:
                return None
            if isinstance(found, Site):
                sites.append(found)
        return sites

    def _partial_of(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.Call | None:
        """The ``functools.partial(f, ...)`` call behind ``expr``, if it is one."""
        value = self.doc.resolve(expr, at)
        if isinstance(value, cst.Call) and self.doc.qualified_names(value.func) & {
            "functools.partial"
        }:
            return value
        return None

    def _site(
        self,
        node: cst.CSTNode,
        args: Sequence[cst.Arg],
        partial: cst.Call | None = None,
    ) -> Site:
        site = Site([], {}, False, node)
        if partial is not None:
            self._add_args(site, partial.args[1:], partial)
        self._add_args(site, args, node)
        return site

    def _add_args(self, site: Site, args: Sequence[cst.Arg], at: cst.CSTNode) -> None:
        for arg in args:
            if arg.star == "*":
                spread = self.doc.resolve(arg.value, at)
                if isinstance(spread, cst.Tuple | cst.List) and not any(
                    isinstance(e, cst.StarredElement) for e in spread.elements
                ):
                    site.positional.extend(e.value for e in spread.elements)
                else:
                    site.positional.append(None)
            elif arg.star == "**":
                keys = self.doc.dict_keys(arg.value, at)
                if keys is None:
                    site.open_keywords = True
                    continue
                for key in keys:
                    value = self.doc.dict_value(arg.value, key, at)
                    if value is None:
                        site.open_keywords = True
                    else:
                        site.keywords[key] = value
            elif arg.keyword is not None:
                site.keywords[arg.keyword.value] = arg.value
            elif site.positional and site.positional[-1] is None:
                continue  # after an opaque *args, positions are unknown
            else:
                site.positional.append(arg.value)

    def _handoff_site(self, call: cst.Call, func: cst.FunctionDef) -> Site | bool | None:
        """The site ``call`` makes for ``func`` if it hands ``func`` on; False when it does
        with arguments we cannot read; None when it does not hand ``func`` on."""
        func_expr = call.func
        method = func_expr.attr.value if isinstance(func_expr, cst.Attribute) else None
        if isinstance(func_expr, cst.Attribute) and (
            method in _TASK_CALLS or method in _TASK_APPLY
        ):
            if self.callable_def(func_expr.value, call) is not func:
                return None
            if method in _TASK_CALLS:
                return self._site(call, call.args, self._partial_of(func_expr.value, call))
            return self._tuple_site(
                call, call_argument(call, 0, "args"), call_argument(call, 1, "kwargs"), []
            )
        spec = None
        for name in self.doc.qualified_names(func_expr):
            spec = _BY_NAME.get(name, spec)
        if spec is None and method is not None:
            spec = _BY_METHOD.get(method)
        if spec is None:
            return None
        target = call_argument(call, *spec.target)
        if target is None or self.callable_def(target, call) is not func:
            return None
        partial = self._partial_of(target, call)
        prefix = list(partial.args[1:]) if partial is not None else []
        if spec.rest is not None:
            positional = [a for a in call.args if a.keyword is None][spec.rest :]
            rest = [*positional, *(a for a in call.args if a.keyword is not None and spec.keywords)]
            site = self._site(call, rest)
            if prefix:
                head = self._site(call, prefix)
                head.positional.extend(site.positional)
                head.keywords.update(site.keywords)
                head.open_keywords |= site.open_keywords
                site = head
            return site
        args = call_argument(call, *spec.args) if spec.args else None
        kwargs = call_argument(call, *spec.kwargs) if spec.kwargs else None
        return self._tuple_site(call, args, kwargs, prefix)

    def _tuple_site(
        self,
        call: cst.Call,
        args: cst.BaseExpression | None,
        kwargs: cst.BaseExpression | None,
        prefix: list[cst.Arg],
    ) -> Site | bool:
        site = self._site(call, prefix)
        if args is not None:
            value = self.doc.resolve(args, call)
            if not isinstance(value, cst.Tuple | cst.List):
                return False
            site.positional.extend(e.value for e in value.elements)
        if kwargs is not None:
            keys = self.doc.dict_keys(kwargs, call)
            if keys is None:
                return False
            for key in keys:
                held = self.doc.dict_value(kwargs, key, call)
                if held is None:
                    return False
                site.keywords[key] = held
        return site

    def _decorator_sites(self, func: cst.FunctionDef) -> list[Site]:
        """Calls a local decorator's wrapper makes of the function it wraps."""
        out: list[Site] = []
        for decorator in func.decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            wrapper = self.callable_def(expr, func) if isinstance(expr, cst.Name) else None
            if not isinstance(wrapper, cst.FunctionDef):
                continue
            params = [*wrapper.params.posonly_params, *wrapper.params.params]
            if not params:
                continue
            wrapped = params[0].name.value
            for call in walk_nodes(wrapper.body, cst.Call):
                if dotted_name(call.func) == wrapped:
                    out.append(self._site(call, call.args))
        return out

    def parameter_value(
        self, func: cst.FunctionDef, name: str
    ) -> tuple[list[tuple[cst.BaseExpression, cst.CSTNode]], bool]:
        """The values ``name`` takes, each with where to classify it, and whether they are
        all of them (False when a site is unsure or passes nothing and there is no default)."""
        positional = [*func.params.posonly_params, *func.params.params]
        param = next(
            (p for p in [*positional, *func.params.kwonly_params] if p.name.value == name), None
        )
        if param is None:
            return [], False
        position: int | None = positional.index(param) if param in positional else None
        if position is not None and isinstance(self.doc.scope_of(func), cst.ClassDef):
            static = any(dotted_name(d.decorator) == "staticmethod" for d in func.decorators)
            if not static:
                position = position - 1 if position > 0 else None  # ``self`` is not passed
        default = param.default
        if default is not None and is_none_literal(default):
            default = None
        sites = self.call_sites(func)
        if sites is None:
            return [], False
        if not sites:
            return ([(default, default)], True) if default is not None else ([], False)
        out: list[tuple[cst.BaseExpression, cst.CSTNode]] = []
        for site in sites:
            sure, value = site.value(position, name)
            if not sure:
                return [], False
            if value is None:
                if default is None:
                    return [], False
                out.append((default, default))
            else:
                out.append((value, site.node))
        return out, True
