"""What a CI script does with the AWS key pair's variables, for the CI-system rules.

LLC-CCI-001 and LLC-BBP-001 ask the same of a shell command: does it write a literal key
(``export AWS_SECRET_ACCESS_KEY=...``, ``aws configure set aws_access_key_id ...``), copy a
stored one from another variable, or read ``$AWS_ACCESS_KEY_ID`` that the CI system's settings
supply? The answer comes from the shell document's words, never from the raw line, so quotes,
comments and ``$(...)`` are read as the shell reads them. A value the script computes
(``$(... | jq -r .AccessKeyId)``) or sets to a dummy (localstack's ``test``) makes later reads
of that name the script's own, not a stored key.

``implicit_cli`` is the other half, shared with LLC-GLC-001: the AWS CLI (or eksctl, SAM,
CDK) run with nothing in the file that authenticates it. On a CI system's hosted runners
there is no instance role, so only key variables from the project's settings can.

A command another rule owns is left to it, one finding per line: `aws configure set
aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"` and `aws sts get-session-token` are
LLC-CI-003's, a registry login given its password (`docker login -p "$(aws ecr
get-login-password)"`) LLC-CI-001's, `gcloud auth activate-service-account` and `az login
--service-principal -p` LLC-CI-006's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from scanner.api import Command, SimpleCommand, Word, credentials, yamlnodes
from scanner.api.ci.mint import AZ_VALUED, GCLOUD_VALUED

AWS = credentials.by_id("aws-access-key")
#: `aws configure set <name> <value>` writes a key into the CLI's credentials file.
_CONFIGURE_NAMES = frozenset({"aws_access_key_id", "aws_secret_access_key"})
#: Settings that give the AWS CLI credentials other than a key pair from the CI settings.
AWS_AUTH = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_CONFIG_FILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    }
)
#: Images of local emulators, which take any dummy key: a job using one tests, it deploys
#: nothing.
EMULATORS = ("localstack", "minio", "moto", "azurite", "fake-gcs-server", "gcs-emulator")
LOCAL_ENDPOINT = re.compile(
    r"localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal|" + "|".join(EMULATORS),
    re.IGNORECASE,
)
#: AWS CLI global options that take a value (before the service name).
_AWS_VALUED = (
    "--region",
    "--output",
    "--endpoint-url",
    "--query",
    "--color",
    "--ca-bundle",
    "--cli-read-timeout",
    "--cli-connect-timeout",
    "--cli-binary-format",
)
#: AWS CLI commands that call no AWS API.
_AWS_LOCAL_COMMANDS = frozenset({"help", "sso", "login"})
#: Other tools on the AWS SDK's credential chain, and their subcommands that call AWS
#: (`sam build`, `cdk synth` and `eksctl version` work offline).
_TOOLS: dict[str, frozenset[str]] = {
    "sam": frozenset(
        {"deploy", "package", "sync", "delete", "logs", "publish", "list", "remote", "traces"}
    ),
    "cdk": frozenset({"deploy", "destroy", "diff", "bootstrap", "import", "watch", "drift"}),
    "eksctl": frozenset(
        {"create", "delete", "get", "upgrade", "update", "utils", "scale", "drain", "set",
         "unset", "enable", "register", "deregister", "associate", "disassociate"}
    ),
}  # fmt: skip
#: Builtins that set variables the parser cannot name: ``export $(...)``, ``eval``, ``source``.
_DECLARE = frozenset({"export", "declare", "typeset", "readonly", "local"})
_NAMED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(=|$)")
#: Registry clients whose login CI-001 judges, with the password options it reads.
_LOGIN_PROGRAMS = frozenset(
    {"docker", "podman", "buildah", "nerdctl", "skopeo", "oras", "helm", "crane"}
)
_PASSWORD_FLAGS = ("-p", "--password")
#: Registries whose stdin login CI-001 reports when a stored secret is piped in.
_CLOUD_REGISTRY = re.compile(
    r"\.dkr\.ecr|public\.ecr\.aws|docker\.pkg\.dev|gcr\.io|\.azurecr\.|_json_key"
)


@dataclass(slots=True)
class KeyUse:
    """The AWS key variables one command writes and reads."""

    #: ``(name, word)`` of an assignment or ``aws configure set`` given a literal key.
    literals: list[tuple[str, Word, str]] = field(default_factory=list)
    #: ``(name, word)`` of an assignment copying another variable into a key name.
    copied: list[tuple[str, Word]] = field(default_factory=list)
    #: Words reading a key variable the script did not set itself.
    reads: list[Word] = field(default_factory=list)
    #: Key names the command sets to a value of its own (a command's output, a constant, or
    #: whatever ``export $(...)`` writes): not a stored key, whoever reads them later.
    made: list[str] = field(default_factory=list)


def simple_commands(command: Command) -> Iterator[SimpleCommand]:
    """Every simple command, including those inside ``$(...)``, each once."""
    seen: set[tuple[int, int]] = set()
    pending = list(command.simple())
    while pending:
        simple = pending.pop(0)
        if (simple.start, simple.end) in seen:
            continue
        seen.add((simple.start, simple.end))
        yield simple
        for word in (*simple.words, *(w for _, w in simple.assignments)):
            pending.extend(word.substitutions)


def key_use(command: Command, own: set[str], literal: Callable[[str], str | None]) -> KeyUse:
    """What ``command`` does with the key variables.

    ``own`` holds the names the script set so far (updated here: later reads of them are not
    stored keys); ``literal`` returns a value that is a real key written in the file, or None
    for a dummy, a placeholder or a name."""
    out = KeyUse()
    login = owned_by_login(command)
    for simple in simple_commands(command):
        if sets_unknown(simple):
            own.update(AWS.env)  # ``export $(...)``, ``eval``: the script's own session
            out.made.extend(AWS.env)
        for name, word in simple.assignments:
            if credentials.for_env(name) is not AWS:
                continue
            found = literal(word.value.strip()) if word.literal else None
            if found is not None:
                out.literals.append((name, word, found))
                out.made.append(name)  # reported here, as the literal it is
            elif word.variables and not word.substitutions:
                out.copied.append((name, word))
            else:
                out.made.append(name)
            # Set here: later reads of the name are this assignment's, reported (or not) once.
            own.add(name)
        configured = _configured(simple, literal)
        if configured is not None:
            out.literals.append(configured)
        if login or configures_key(simple):
            # A registry login given a password is LLC-CI-001's line, `aws configure set` of
            # a key LLC-CI-003's (whatever the value): one finding per line.
            continue
        words = [*simple.words, *(w for _, w in simple.assignments)]
        if simple.heredoc_word is not None:
            words.append(simple.heredoc_word)
        for word in words:
            if any(credentials.for_env(v) is AWS and v not in own for v in word.variables):
                out.reads.append(word)
    return out


def _configured(
    simple: SimpleCommand, literal: Callable[[str], str | None]
) -> tuple[str, Word, str] | None:
    """``aws configure set aws_access_key_id <literal>``."""
    if simple.name != "aws":
        return None
    words = simple.positionals()
    if len(words) < 4 or [w.value for w in words[:2]] != ["configure", "set"]:
        return None
    name = words[2].value.lower()
    if name not in _CONFIGURE_NAMES or not words[3].literal:
        return None
    found = literal(words[3].value.strip())
    return (name, words[3], found) if found is not None else None


def configures_key(simple: SimpleCommand) -> bool:
    """``aws configure set [profile.x.]aws_access_key_id|aws_secret_access_key ...``: the
    command LLC-CI-003 reports, so the CI-system rules leave its variable reads to it."""
    if simple.name != "aws":
        return False
    words = simple.positionals(*_AWS_VALUED, "--profile")
    if len(words) < 3 or [w.value for w in words[:2]] != ["configure", "set"]:
        return False
    return words[2].value.lower().rsplit(".", 1)[-1] in _CONFIGURE_NAMES


def signs_in_with_key(simple: SimpleCommand) -> bool:
    """``gcloud auth activate-service-account`` and ``az login --service-principal -p``:
    the sign-ins LLC-CI-006 reports, so the CI-system rules leave their reads to it."""
    if simple.name == "gcloud":
        words = [w.value for w in simple.positionals(*GCLOUD_VALUED)[:3]]
        words = words[1:] if words[:1] in (["alpha"], ["beta"]) else words
        return words[:2] == ["auth", "activate-service-account"]
    if simple.name == "az":
        words = [w.value for w in simple.positionals(*AZ_VALUED)[:1]]
        return (
            words == ["login"]
            and simple.has("--service-principal")
            and simple.has("-p", "--password", "--client-secret")
        )
    return False


def _ci003_call(simple: SimpleCommand) -> bool:
    """An AWS CLI call LLC-CI-003 reports on its own line: a key minted, an IAM user's
    session token, a role session whose length the command sets."""
    verbs = [w.value for w in simple.positionals(*_AWS_VALUED, "--profile")[:2]]
    if verbs in (["iam", "create-access-key"], ["sts", "get-session-token"]):
        return True
    return (
        verbs[:1] == ["sts"]
        and verbs[1:2] != []
        and verbs[1].startswith("assume-role")
        and (simple.has("--duration-seconds"))
    )


def owned_by_login(command: Command) -> bool:
    """A line with a registry login that LLC-CI-001 reports: a password on the command
    line, or a secret piped into a cloud registry's login."""
    for simple in simple_commands(command):
        if simple.name not in _LOGIN_PROGRAMS:
            continue
        values = [w.value for w in simple.positionals("-u", "--username", *_PASSWORD_FLAGS)]
        if "login" not in values[:2]:
            continue
        if simple.option(*_PASSWORD_FLAGS, attached=True) is not None:
            return True
        if simple.has("--password-stdin") and any(
            _CLOUD_REGISTRY.search(w.value) for w in simple.words
        ):
            return True
    return False


def sets_unknown(simple: SimpleCommand) -> bool:
    """Whether the command may set variables whose names the script does not show (the
    session ``export $(aws sts ...)`` writes, a dotenv file sourced)."""
    if simple.name in ("eval", "source", "."):
        return True
    if simple.name in _DECLARE:
        return any(w.substitutions and not _NAMED.match(w.value) for w in simple.args)
    return False


def implicit_cli(commands: Iterable[Command], *, tools: bool = False) -> yamlnodes.Node | None:
    """Where the scripts first call AWS with nothing in them to authenticate the call, or
    None when they set up credentials themselves.

    Setting up is naming a credential setting (``AWS_PROFILE=...``, ``$AWS_ACCESS_KEY_ID``,
    ``AWS_ROLE_ARN`` with ``AWS_WEB_IDENTITY_TOKEN_FILE``), ``aws configure``, ``aws sts
    assume-role-with-web-identity``, another endpoint (``AWS_ENDPOINT_URL``), or setting
    variables the script does not name (``export $(...)``, ``eval``, ``source``): from then
    on the call may use what that set. ``tools`` also counts eksctl, SAM and CDK calls."""
    target: yamlnodes.Node | None = None
    for command in commands:
        owned = owned_by_login(command)
        for simple in simple_commands(command):
            if sets_unknown(simple) or _sets_up(simple):
                return None
            if target is not None or owned or simple.program is None:
                continue
            if (_calls_aws(simple) and not _ci003_call(simple)) or (tools and _calls_tool(simple)):
                program = simple.program
                target = command.target(program.start, program.end)
    return target


def _sets_up(simple: SimpleCommand) -> bool:
    """Names a credential setting or another endpoint, configures or federates the CLI."""
    for name, _ in simple.assignments:
        if name in AWS_AUTH or name.startswith("AWS_ENDPOINT_URL"):
            return True
    words = [*simple.words, *(w for _, w in simple.assignments)]
    if any(v in AWS_AUTH for word in words for v in word.variables):
        return True
    if simple.name != "aws":
        return False
    service = [w.value for w in simple.positionals(*_AWS_VALUED)[:2]]
    return service[:1] == ["configure"] or service == ["sts", "assume-role-with-web-identity"]


def _calls_aws(simple: SimpleCommand) -> bool:
    if simple.name != "aws" or simple.has("--no-sign-request", "--profile", "--version"):
        return False
    endpoint = simple.option("--endpoint-url")
    if endpoint is not None and LOCAL_ENDPOINT.search(endpoint.value):
        return False
    service = simple.positionals(*_AWS_VALUED)
    return bool(service) and service[0].value not in _AWS_LOCAL_COMMANDS


def _calls_tool(simple: SimpleCommand) -> bool:
    calls = _TOOLS.get(simple.name)
    if calls is None or simple.has("--profile", "--version", "--help", "-h"):
        return False
    words = simple.positionals("--region", "-r", "--stack-name", "--app", "-a")
    return bool(words) and words[0].value in calls


def get_merged(node: yamlnodes.Node | None, key: str) -> yamlnodes.Node | None:
    """``key`` of a job or step, looking through ``<<: *anchor`` merges (its own key wins)."""
    found = yamlnodes.get(node, key)
    if found is not None or not isinstance(node, yamlnodes.MappingNode):
        return found
    for merge_key, value in node.value:
        if yamlnodes.scalar(merge_key) != "<<":
            continue
        bases = [value] if isinstance(value, yamlnodes.MappingNode) else yamlnodes.elements(value)
        for base in bases:
            found = yamlnodes.get(base, key)
            if found is not None:
                return found
    return None
