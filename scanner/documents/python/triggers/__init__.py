"""The perpetual-trigger registry (rules.md 2.2 C; issue 13): every mechanism that runs a function
again and again, as data rows with their own VALID and INVALID examples.

``schedules.Schedules`` reads ``TRIGGERS``; ``keepalive`` follows ``DISPATCHES`` (calls that run a
function now, elsewhere) and counts ``WAITS`` as a loop's sleep. None of these widens a rule's
prefilter: the FS rules gate on their mint operations, and triggers are looked at only in a
file that has a sink.
"""

from __future__ import annotations

from scanner.documents.python.triggers import platforms, queues, stdlib, tasks
from scanner.documents.python.triggers.model import (
    AnyKeyword,
    Arg,
    Bound,
    BoundKind,
    Condition,
    Dispatch,
    Example,
    Named,
    Repeats,
    Shape,
    Trigger,
    TriggerKind,
)

TRIGGERS: tuple[Trigger, ...] = (*stdlib.ROWS, *queues.ROWS, *tasks.ROWS, *platforms.ROWS)

DISPATCHES: tuple[Dispatch, ...] = (
    Dispatch(
        frozenset(
            {
                "temporalio.workflow.execute_activity",
                "temporalio.workflow.start_activity",
                "temporalio.workflow.execute_local_activity",
                "temporalio.workflow.start_local_activity",
                "asyncio.to_thread",
                "anyio.to_thread.run_sync",
                "trio.to_thread.run_sync",
                "starlette.concurrency.run_in_threadpool",
            }
        ),
        Arg(0, None),
    ),
    Dispatch(frozenset(), Arg(1, None), gate=("asyncio",), methods=frozenset({"run_in_executor"})),
)

#: Sleeps beyond the ones the flow knows (``time``, ``asyncio``, ``trio``, ``anyio``, ``gevent``).
WAITS = frozenset({"temporalio.workflow.sleep", "tornado.gen.sleep", "eventlet.sleep"})


def _index() -> dict[str, tuple[Trigger, ...]]:
    """Rows by the last name of what they match (a callee, decorator or base class)."""
    out: dict[str, list[Trigger]] = {}
    for row in TRIGGERS:
        for last in {n.rsplit(".", 1)[-1] for n in row.names} | set(row.methods):
            out.setdefault(last, []).append(row)
    return {k: tuple(v) for k, v in out.items()}


BY_NAME: dict[str, tuple[Trigger, ...]] = _index()

__all__ = [
    "BY_NAME",
    "DISPATCHES",
    "TRIGGERS",
    "WAITS",
    "AnyKeyword",
    "Arg",
    "Bound",
    "BoundKind",
    "Condition",
    "Dispatch",
    "Example",
    "Named",
    "Repeats",
    "Shape",
    "Trigger",
    "TriggerKind",
]
