"""The schema of a perpetual trigger (rules.md 2.2 C): how a mechanism is recognised, what it runs,
whether it repeats by itself, and what bounds it.

Rows are data: ``schedules.Schedules`` reads them, so a new scheduler is one row (with its own
VALID and INVALID example) and no rule changes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import Enum


class Shape(Enum):
    """Where the mechanism sits in the code."""

    CALL = "call"  #: a call (function or method) whose argument is the target
    DECORATOR = "decorator"  #: a decorator on the target function (or a keyword of it)
    SUBCLASS = "subclass"  #: a class with this base; the target is one of its methods
    CONFIG = "config"  #: a schedule table (dict or list of dicts) naming the targets


class Repeats(Enum):
    """Whether the mechanism runs its target again by itself."""

    PERIODIC = "periodic"  #: an interval, cron or beat job: every run is another mint
    IF_LOOPS = "if its target loops"  #: runs once: forever only if the target loops or re-arms


@dataclass(frozen=True, slots=True)
class Arg:
    """Where the target is: a positional index, a keyword, the method's receiver
    (``my_flow.serve()``), or a dotted path in a string (``"app.tasks.refresh"``)."""

    position: int | None = 0
    keyword: str | None = None
    receiver: bool = False
    string: bool = False


@dataclass(frozen=True, slots=True)
class TriggerKind:
    """The mechanism repeats only with this trigger argument: one of ``values`` as a string,
    or a call of a class whose name ends with one of ``classes``; ``absent`` when missing."""

    at: Arg
    values: frozenset[str]
    classes: tuple[str, ...] = ()
    absent: bool = False


@dataclass(frozen=True, slots=True)
class AnyKeyword:
    """The mechanism repeats only when one of these keywords is passed and is not ``None``."""

    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class Named:
    """A condition only code can state (``schedules.NAMED``), e.g. a scheduled Airflow DAG."""

    name: str


Condition = TriggerKind | AnyKeyword | Named


class BoundKind(Enum):
    COUNT = "count"  #: a positive integer literal bounds the runs (``repeat=3``)
    SET = "set"  #: any value but ``None`` bounds them (``end_date=...``)
    TRUE = "true"  #: ``True`` makes the job one-off (``one_off=True``)
    CHAIN = "chain"  #: a method of the call chain bounds them (``.until(...)``)


@dataclass(frozen=True, slots=True)
class Bound:
    """What makes a perpetual mechanism end: a VALID look-alike uses it."""

    name: str
    kind: BoundKind


@dataclass(frozen=True, slots=True)
class Example:
    """An INVALID example (LLC-FS-002/003 report the ``expect:`` lines) and its VALID
    look-alike (bounded, or minting from a platform-rotated credential)."""

    invalid: str
    valid: str

    @classmethod
    def of(cls, invalid: str, valid: str) -> Example:
        return cls(_expand(invalid), _expand(valid))


#: Snippets the examples share: a mint from a stored refresh token or client secret, and one
#: from a projected token file re-read on every run (rules.md 2.3.1).
SNIPPETS = {
    "<<RT>>": 'requests.post(URL, data={"grant_type": "refresh_token", '
    '"refresh_token": os.environ["CRM_RT"]})',
    "<<CS>>": 'requests.post(URL, data={"grant_type": "client_credentials", '
    '"client_id": CID, "client_secret": os.environ["CRM_SECRET"]})',
    "<<FED>>": 'requests.post(URL, data={"grant_type": "client_credentials", '
    '"client_assertion_type": JWT_BEARER, '
    '"client_assertion": open("/var/run/secrets/tokens/azure-identity-token").read()})',
}


def _expand(code: str) -> str:
    code = textwrap.dedent(code).lstrip("\n")
    for key, value in SNIPPETS.items():
        code = code.replace(key, value)
    return code


@dataclass(frozen=True, slots=True)
class Trigger:
    """One perpetual-trigger mechanism.

    ``gate`` lists modules one of which the file must import (empty: the row's qualified
    ``names`` are gate enough). ``names`` are qualified names of the callee, decorator or base
    class; ``methods`` are method (or imported function) names that count under the gate.
    ``chain``: the call's receiver chain must start with a call of one of these
    (``schedule.every(5).minutes.do``). ``when``: conditions that must all hold for the row to
    apply; ``bounds``: what ends the runs. ``rearms``: calls that, reached from the target,
    make a run-once mechanism repeat (``workflow.continue_as_new``); reaching the trigger's own
    call again always does. ``tables``: for a CONFIG row, the names of the schedule table
    (matched as the end of the assigned name, or as a keyword); ``target.keyword`` is the
    entry's key naming the task. ``description`` names the mechanism in messages; ``rearmed``
    when the target re-arms it (``{name}`` is the class name for a SUBCLASS row).
    """

    mechanism: str
    shape: Shape
    repeats: Repeats
    description: str
    examples: tuple[Example, ...]
    gate: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    target: Arg = Arg()
    chain: frozenset[str] = frozenset()
    when: tuple[Condition, ...] = ()
    bounds: tuple[Bound, ...] = ()
    rearms: frozenset[str] = frozenset()
    tables: frozenset[str] = frozenset()
    rearmed: str = ""
    coroutine: bool = False  #: the target is passed called: ``create_task(f())``


@dataclass(frozen=True, slots=True)
class Dispatch:
    """A call that runs its argument now, on another thread or worker (``asyncio.to_thread(f)``,
    Temporal's ``workflow.execute_activity(f)``): what a trigger runs includes what ``f`` runs."""

    names: frozenset[str]
    target: Arg
    gate: tuple[str, ...] = ()
    methods: frozenset[str] = frozenset()
