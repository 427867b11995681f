"""Where a credential handed to a command comes from, across CI systems.

The CI command rules ask one question of a word (``-p "$PW"``) or an env entry
(``TWINE_PASSWORD: ${{ secrets.X }}``): is it written in the file, kept in the CI system's
secret store, the platform's own short-lived job token, or computed while the job runs? The
answer decides the severity, so it is worked out once here, the same way for every system:
a shell variable is looked up in the command's own prefix assignments, then in earlier
assignments of the same script, then in the step/job/pipeline env, and only then counted as a
platform variable or one the CI system's settings supply.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

from scanner.api import Command, Entry, SimpleCommand, ValueKind, Word


class Origin(enum.IntEnum):
    """Where a value comes from; a larger value is the worse one when a word mixes several."""

    #: Empty or a placeholder: nothing to report.
    NONE = 0
    #: The platform's own job token, or a token minted in the job (OIDC, ``get-login-password``).
    EPHEMERAL = 1
    #: Computed at run time by a command or step the scanner cannot classify.
    COMPUTED = 2
    #: Kept outside the file: the CI system's secrets or variables, a caller's environment.
    STORED = 3
    #: A constant written in the file.
    LITERAL = 4


@dataclass(frozen=True, slots=True)
class Source:
    """A classified value: its origin, how a message names it, and the literal if any."""

    origin: Origin
    #: How a message names it: "`secrets.PYPI_TOKEN`", "`$CI_JOB_TOKEN`", "a literal".
    what: str
    value: str | None = None
    #: The env entry that supplies it, for a related location.
    entry: Entry | None = None


NONE = Source(Origin.NONE, "nothing")

#: Shell variables the platform sets to a token that ends with the job.
EPHEMERAL_VARIABLES: dict[str, str] = {
    "CI_JOB_TOKEN": "GitLab's job token",
    "CI_REGISTRY_PASSWORD": "GitLab's per-job registry password",
    "CI_DEPENDENCY_PROXY_PASSWORD": "GitLab's per-job dependency proxy password",
    "GITHUB_TOKEN": "GitHub's job token",
    "SYSTEM_ACCESSTOKEN": "Azure Pipelines' job access token",
    "BITBUCKET_STEP_OIDC_TOKEN": "Bitbucket's step OIDC token",
    "CIRCLE_OIDC_TOKEN": "CircleCI's job OIDC token",
    "CIRCLE_OIDC_TOKEN_V2": "CircleCI's job OIDC token",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "GitHub's OIDC request token",
}
#: GitLab ``id_tokens:`` are named by the project; ``*_ID_TOKEN`` is the documented convention.
_ID_TOKEN = re.compile(r"(?:^|_)ID_TOKEN$")

#: Commands whose output is a short-lived token: ``(program, words that must follow)``.
MINTING: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("aws", ("ecr", "get-login-password"), "an ECR token (12 hours)"),
    ("aws", ("ecr-public", "get-login-password"), "an ECR Public token (12 hours)"),
    ("aws", ("codeartifact", "get-authorization-token"), "a CodeArtifact token"),
    ("gcloud", ("auth", "print-access-token"), "a Google access token (1 hour)"),
    (
        "gcloud",
        ("auth", "application-default", "print-access-token"),
        "a Google access token (1 hour)",
    ),
    ("az", ("acr", "login"), "an ACR token (3 hours)"),
    ("az", ("account", "get-access-token"), "an Entra access token"),
    ("circleci", ("run", "oidc", "get"), "a CircleCI OIDC token"),
    ("oc", ("whoami",), "an OpenShift session token"),
)
_PYTHONS = re.compile(r"^python(?:\d+(?:\.\d+)?)?$|^py$")

#: A GitHub ``${{ }}`` context property: ``secrets.X``, ``github.token``, ``steps.a.outputs.b``.
_GITHUB_REF = re.compile(
    r"\b(secrets|vars|github|env|inputs|steps|needs|matrix|jobs)"
    r"(?:\.([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])"
)
#: Azure ``$(Name)`` macro and ``variables.X`` / ``variables['X']`` in ``${{ }}`` / ``$[ ]``.
_AZURE_MACRO = re.compile(r"^\$\(([A-Za-z_][\w.\-]*)\)$")
_AZURE_VARIABLE = re.compile(r"variables(?:\.([\w.]+)|\[\s*'([^']+)'\s*\])")
#: Groovy ``${NAME}`` / ``${env.NAME}`` in a Jenkinsfile ``sh "..."``.
_GROOVY = re.compile(r"^\$\{\s*(?:env\.)?([A-Za-z_]\w*)\s*\}$")
#: ``$NAME`` / ``${NAME}`` inside an env value (GitLab expands them, Bitbucket and CircleCI
#: pass them to the shell).
_DOLLAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_MAX_DEPTH = 4


def simple_commands(command: Command) -> tuple[SimpleCommand, ...]:
    """The simple commands of one logical command (``a && b | c``), in order."""
    return tuple(command.simple())


def system(command: Command) -> str:
    return command.step.job.pipeline.system


def minted_by(simple: SimpleCommand) -> str | None:
    """What short-lived token ``simple`` prints, when it is a known minting command."""
    name = simple.name
    values = [w.value for w in simple.args]
    if _PYTHONS.match(name) and values[:2] == ["-m", "id"]:
        return "an OIDC token (`python -m id`)"
    for program, words, what in MINTING:
        if name != program:
            continue
        plain = [v for v in values if not v.startswith("-")]
        if plain[: len(words)] == list(words):
            if words == ("acr", "login") and "--expose-token" not in values:
                return None
            if words == ("whoami",) and not {"-t", "--show-token"} & set(values):
                return None
            return what
    return None


def _minted_upstream(simple: SimpleCommand) -> str | None:
    """``minted_by`` of the command or of any command piping into it (``aws ecr
    get-login-password | tr -d '\\n'``): a filter does not make the token long-lived."""
    seen: SimpleCommand | None = simple
    for _ in range(8):
        if seen is None:
            return None
        what = minted_by(seen)
        if what is not None:
            return what
        seen = seen.piped_from
    return None


class Resolver:
    """Classifies the words and env entries one command sees."""

    def __init__(
        self, command: Command, simple: SimpleCommand, placeholder: Callable[[str], bool]
    ) -> None:
        self.command = command
        self.simple = simple
        self.system = system(command)
        self.env = command.step.scoped_env()
        self._placeholder = placeholder

    # -- words ---------------------------------------------------------------------------

    def word(self, word: Word, depth: int = 0) -> Source:
        """Where the value of ``word`` comes from."""
        if word.literal:
            value = word.value
            if not value or self._placeholder(value):
                return NONE
            return Source(Origin.LITERAL, "a literal", value)
        found: list[Source] = []
        for sub in word.substitutions:
            what = _minted_upstream(sub)
            if what is not None:
                found.append(Source(Origin.EPHEMERAL, what))
            else:
                found.append(Source(Origin.COMPUTED, f"the output of `{sub.name}`"))
        for expression in word.expressions:
            found.append(self.expression(expression, depth))
        for name in word.variables:
            found.append(self.variable(name, depth))
        if not found:
            # Expansions the parser keeps opaque (``$1``, ``$@``): a runtime value.
            return Source(Origin.COMPUTED, f"`{word.value}`")
        return max(found, key=lambda s: s.origin)

    def variable(self, name: str, depth: int = 0, *, script: bool = True) -> Source:
        """A shell variable: assigned in this script, set by the CI file's env, a platform
        token, or supplied by the CI system's settings. ``script`` is False for a variable
        an env value reads, which is expanded before the script runs."""
        if depth > _MAX_DEPTH:
            return Source(Origin.COMPUTED, f"`${name}`")
        assigned = self.assigned(name) if script else None
        if assigned is not None:
            source = self.word(assigned, depth + 1)
            return _renamed(source, f"`${name}`") if source.origin is Origin.COMPUTED else source
        entry = self.env.get(name)
        if entry is not None:
            return self.entry(entry, depth + 1)
        described = EPHEMERAL_VARIABLES.get(name)
        if described is not None:
            return Source(Origin.EPHEMERAL, f"`${name}` ({described})")
        if _ID_TOKEN.search(name):
            return Source(Origin.EPHEMERAL, f"`${name}` (an OIDC ID token)")
        return Source(Origin.STORED, f"`${name}`")

    def assigned(self, name: str) -> Word | None:
        """The last value the script assigns to ``name`` before this command runs: a prefix
        assignment of this command, or an assignment or ``export`` earlier in the step."""
        own = self.simple.assigned(name)
        if own is not None:
            return own
        last: Word | None = None
        for command in self.command.step.commands():
            for simple in simple_commands(command):
                if command is self.command and simple.start >= self.simple.start:
                    return last
                if simple.words and simple.name not in _SETTERS:
                    continue  # ``A=1 cmd`` sets A for cmd only
                word = simple.assigned(name)
                if word is not None:
                    last = word
            if command is self.command:
                break
        return last

    def exported(self) -> dict[str, Word]:
        """The variables the script puts in this command's environment (last value wins):
        ``export`` / ``declare -x`` earlier in the step, and the command's own prefix
        assignments (``A=1 cmd``, ``env A=1 cmd``). A bare ``A=1`` is not exported."""
        out: dict[str, Word] = {}
        for command in self.command.step.commands():
            for simple in simple_commands(command):
                if command is self.command and simple.start >= self.simple.start:
                    break
                if not _exports(simple):
                    continue
                out.update(simple.assignments)
            if command is self.command:
                break
        out.update(self.simple.assignments)
        return out

    def expression(self, expression: str, depth: int = 0) -> Source:
        """A CI interpolation inside a script (``${{ secrets.X }}``, ``$(X)``, ``${X}``)."""
        if self.system == "github":
            return self._github(expression, depth)
        if self.system == "azure":
            match = _AZURE_MACRO.match(expression)
            names = [match.group(1)] if match else []
            names += [a or b for a, b in _AZURE_VARIABLE.findall(expression)]
            for name in names:
                if name.casefold() == "system.accesstoken":
                    return Source(Origin.EPHEMERAL, "`$(System.AccessToken)` (the job token)")
            if names:
                return Source(Origin.STORED, f"`$({names[0]})`")
            return Source(Origin.COMPUTED, f"`{expression}`")
        if self.system == "jenkins":
            match = _GROOVY.match(expression)
            if match:
                return self.variable(match.group(1), depth + 1)
            return Source(Origin.COMPUTED, f"`{expression}`")
        return Source(Origin.STORED, f"`{expression}`")

    def _github(self, expression: str, depth: int) -> Source:
        found: list[Source] = []
        for m in _GITHUB_REF.finditer(expression):
            context, name = m.group(1), m.group(2) or m.group(3)
            found.append(self._github_ref(context, name, depth))
        if not found:
            return Source(Origin.COMPUTED, f"`{expression}`")
        return max(found, key=lambda s: s.origin)

    def _github_ref(self, context: str, name: str, depth: int) -> Source:
        if context == "secrets":
            if name.upper() == "GITHUB_TOKEN":
                return Source(Origin.EPHEMERAL, "`secrets.GITHUB_TOKEN` (the job token)")
            return Source(Origin.STORED, f"`secrets.{name}`")
        if context == "github":
            if name == "token":
                return Source(Origin.EPHEMERAL, "`github.token` (the job token)")
            return Source(Origin.COMPUTED, f"`github.{name}`")
        if context == "env":
            entry = self.env.get(name)
            if entry is not None and depth <= _MAX_DEPTH:
                return self.entry(entry, depth + 1)
            return Source(Origin.COMPUTED, f"`env.{name}`")
        if context in ("steps", "needs", "jobs"):
            return Source(Origin.COMPUTED, f"an output of `{context}.{name}`")
        # vars, inputs, matrix: configured outside the file or by the caller.
        return Source(Origin.STORED, f"`{context}.{name}`")

    # -- env entries ----------------------------------------------------------------------

    def entry(self, entry: Entry, depth: int = 0) -> Source:
        """An env entry the step runs with."""
        source = self._entry(entry, depth)
        return Source(source.origin, source.what, source.value, entry)

    def _entry(self, entry: Entry, depth: int) -> Source:
        text = entry.value
        if entry.kind is ValueKind.LITERAL:
            if text is None or not text.strip() or self._placeholder(text):
                return NONE
            jenkins = _jenkins_credentials(text) if self.system == "jenkins" else None
            if jenkins is not None:
                return Source(Origin.STORED, f"`credentials('{jenkins}')`")
            return Source(Origin.LITERAL, "a literal", text)
        if entry.kind is ValueKind.OTHER or text is None:
            return Source(Origin.COMPUTED, f"`{entry.key}`")
        found: list[Source] = []
        for ref in entry.refs:
            if ref == f"${entry.key}":
                # ``PW: $PW``: the CI system's own variable of that name (GitLab project
                # variables, a caller's environment), re-exported under its name.
                found.append(Source(Origin.STORED, f"`{ref}`"))
            else:
                found.append(self._ref(ref, depth))
        if not found:
            for name in _DOLLAR.findall(text):
                found.append(self.variable(name, depth + 1, script=False))
        if not found:
            origin = Origin.STORED if entry.kind is ValueKind.SECRET else Origin.COMPUTED
            return Source(origin, f"`{entry.key}`")
        return max(found, key=lambda s: s.origin)

    def _ref(self, ref: str, depth: int) -> Source:
        """One ref of an entry, in its loader's spelling (``secrets.X``, ``$X``,
        ``variables.X``, ``github.token``)."""
        if ref.startswith("$"):
            name = ref[1:]
            if name in self.env and depth <= _MAX_DEPTH:
                return self.entry(self.env[name], depth + 1)
            return self.variable(name, depth + 1, script=False)
        context, _, name = ref.partition(".")
        if self.system == "github":
            return self._github_ref(context, name, depth)
        if context == "credentials":
            return Source(Origin.STORED, f"`credentials('{name}')`")
        if context == "env" and name in self.env and depth <= _MAX_DEPTH:
            return self.entry(self.env[name], depth + 1)
        if self.system == "azure" and context in ("secrets", "variables"):
            if name.casefold() == "system.accesstoken":
                return Source(Origin.EPHEMERAL, "`$(System.AccessToken)` (the job token)")
            if context == "secrets":
                return Source(Origin.STORED, f"`$({name})`")
            return Source(Origin.COMPUTED, f"`$({name})`")
        if context == "secrets":
            return Source(Origin.STORED, f"`{name}`")
        return Source(Origin.STORED, f"`{ref}`")


def _renamed(source: Source, what: str) -> Source:
    return Source(source.origin, what, source.value, source.entry)


#: Builtins whose ``NAME=value`` words set the variable for the rest of the script.
_SETTERS = frozenset({"export", "declare", "typeset", "local", "readonly"})


def _exports(simple: SimpleCommand) -> bool:
    if simple.name == "export":
        return True
    if simple.name in ("declare", "typeset"):
        return any(w.value.startswith("-") and "x" in w.value for w in simple.args)
    return False


_CREDENTIALS = re.compile(r"^credentials\(\s*['\"]([^'\"]+)['\"]\s*\)$")


def _jenkins_credentials(text: str) -> str | None:
    match = _CREDENTIALS.match(text.strip())
    return match.group(1) if match else None


def entry_line(entry: Entry) -> int:
    """1-based line of an env entry's key."""
    return int(entry.key_node.start_mark.line) + 1


__all__ = [
    "EPHEMERAL_VARIABLES",
    "NONE",
    "Origin",
    "Resolver",
    "Source",
    "entry_line",
    "minted_by",
    "simple_commands",
    "system",
]
