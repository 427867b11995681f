"""A publish token wired into a step whose publish runs behind a wrapper (LLC-CI-002).

``run: scripts/publish`` with ``TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}`` publishes with
a stored token just as ``twine upload`` does, but the upload is in a file the scanner does
not read. What is visible is the wiring: a token in an env var that only a publisher reads,
handed to one step (its own env, or the env of a job with one script step). These helpers
find that wiring and the signs that make it harmless or someone else's: a publisher the
command checks already saw, a dry run, another index named in the step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.api import Command, Entry, Job, Step, credentials
from scanner.api.ci.publishers import PUBLISHERS, find_publisher, is_public
from scanner.api.ci.sources import simple_commands

#: Credential kind id -> registry, for the kinds a publish token can be.
_KIND_REGISTRY = {
    "pypi-token": "pypi",
    "npm-token": "npm",
    "rubygems-api-key": "rubygems",
    "crates-token": "crates",
    "nuget-api-key": "nuget",
}
#: Env vars whose only reader is a publish to the public registry: wired into a step, the
#: step publishes (``CARGO_REGISTRIES_<NAME>_TOKEN`` is another registry's, so not here).
_PUBLISH_ONLY = re.compile(
    r"^(?:TWINE_PASSWORD|UV_PUBLISH_TOKEN|UV_PUBLISH_PASSWORD|FLIT_PASSWORD|HATCH_INDEX_AUTH"
    r"|PDM_PUBLISH_PASSWORD|MATURIN_PYPI_TOKEN|MATURIN_PASSWORD"
    r"|POETRY_PYPI_TOKEN_(?:PYPI|TESTPYPI)|POETRY_HTTP_BASIC_(?:PYPI|TESTPYPI)_PASSWORD"
    r"|CARGO_REGISTRY_TOKEN|GEM_HOST_API_KEY)$"
)
#: Env vars installs read too (``NPM_TOKEN`` for private dependencies, ``NUGET_AUTH_TOKEN``
#: for a restore): they count only when a command of the step looks like a release.
_SHARED = frozenset({"NODE_AUTH_TOKEN", "NPM_TOKEN", "NPM_AUTH_TOKEN", "YARN_NPM_AUTH_TOKEN",
                     "NUGET_API_KEY"})  # fmt: skip
#: A word that names a release: ``scripts/publish``, ``make release``, ``nox -s publish``,
#: ``semantic-release``, ``changeset publish``.
_RELEASE_WORD = re.compile(r"(?:^|[-_:./])(?:publish|release|upload|deploy)(?:$|[-_:.])", re.I)
#: Options that point a wrapper or a publisher at an index or registry.
#: (``--index-url`` is left out: that is ``pip install``'s, not where the publish goes.)
_TARGET_FLAGS = ("--repository-url", "--repository", "--registry", "--index", "--publish-url",
                 "--host", "--source")  # fmt: skip
#: Secret names that say which index the token is for, when it is not the public one.
_ELSEWHERE_NAME = re.compile(
    r"nexus|artifactory|jfrog|gemfury|\bfury|codeartifact|devpi|cloudsmith|packagecloud"
    r"|proget|internal|private|corp",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Wired:
    """A token env entry of a step: where it is set, which registry, the steps that see it."""

    entry: Entry
    registry: str
    scope: tuple[Step, ...]


def wired(step: Step) -> list[Wired]:
    """The publish-token entries handed to ``step`` alone: its own env, or the env of a job
    whose only script is this step (a GitLab job's sections share the job's variables, so
    they are one scope, reported from the first). Entries are in file order."""
    if step.script is None:
        return []
    own = _tokens(step.env, (step,))
    if own:
        return own
    job = step.job
    scripts = tuple(s for s in job.steps if s.script is not None)
    if job.pipeline.system == "gitlab":
        if not scripts or scripts[0] is not step:
            return []
    elif scripts != (step,):
        return []
    env = {k: e for k, e in job.env.items() if _inside(e, job) and k not in step.env}
    return _tokens(env, scripts)


def _tokens(env: dict[str, Entry], scope: tuple[Step, ...]) -> list[Wired]:
    out: list[Wired] = []
    for name, entry in env.items():
        upper = name.upper()
        if not (_PUBLISH_ONLY.match(upper) or upper in _SHARED):
            continue
        kind = credentials.for_env(upper)
        registry = _KIND_REGISTRY.get(kind.id) if kind is not None else None
        if registry is None:
            continue
        if upper in _SHARED and not _releases(scope):
            continue
        out.append(Wired(entry, registry, scope))
    return out


def _inside(entry: Entry, job: Job) -> bool:
    """Whether the entry is written in the job itself (not a global or template variable
    every job inherits, which says nothing about this job publishing)."""
    key, node = entry.key_node, job.node
    where = (key.start_mark.line, key.start_mark.column)
    start = (node.start_mark.line, node.start_mark.column)
    end = (node.end_mark.line, node.end_mark.column)
    return start <= where < end


def commands(scope: tuple[Step, ...]) -> list[Command]:
    return [command for step in scope for command in step.commands()]


def _releases(scope: tuple[Step, ...]) -> bool:
    for command in commands(scope):
        for simple in simple_commands(command):
            if any(_RELEASE_WORD.search(w.value) for w in (simple.program, *simple.args) if w):
                return True
    return False


def wrapper(scope: tuple[Step, ...]) -> Command | None:
    """The command that most likely publishes: the first naming a release, else the last."""
    found = commands(scope)
    for command in found:
        for simple in simple_commands(command):
            if any(_RELEASE_WORD.search(w.value) for w in (simple.program, *simple.args) if w):
                return command
    return found[-1] if found else None


def publishes_visibly(scope: tuple[Step, ...], registry: str) -> bool:
    """Whether a command of the scope is a publisher the command checks read (they report
    it, or know why not: another index, a dry run, a minted token)."""
    for command in commands(scope):
        for simple in simple_commands(command):
            found = find_publisher(simple)
            if found is not None and found[0].registry == registry:
                return True
    return False


def quiet(scope: tuple[Step, ...], registry: str, what: str) -> bool:
    """A dry run, or another index visible: a target option or env var of that registry's
    publishers with a value that is not the public registry, a ``TWINE_USERNAME`` other than
    ``__token__`` (PyPI takes only tokens), or a secret named for a private index."""
    if _ELSEWHERE_NAME.search(what):
        return True
    for command in commands(scope):
        for simple in simple_commands(command):
            if simple.has("--dry-run"):
                return True
            for flag in _TARGET_FLAGS:
                word = simple.option(flag)
                if word is not None and not (word.literal and is_public(registry, word.value)):
                    return True
    env = scope[0].scoped_env()
    names = {n for p in PUBLISHERS if p.registry == registry for n in p.target_env}
    if registry == "npm":
        names.add("NPM_CONFIG_REGISTRY")
    for name in names:
        entry = env.get(name)
        if entry is not None and not (entry.value and is_public(registry, entry.value)):
            return True
    user = env.get("TWINE_USERNAME")
    return registry == "pypi" and user is not None and user.value not in (None, "__token__")
