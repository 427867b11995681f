"""The package publishers LLC-CI-002 knows: how each is spelled, which registry it targets,
and where trusted publishing lets it publish without a stored token.

A table, not code per tool: adding a publisher is a row (its subcommand, the options that take
values, the options and env vars that point it at another index, the env-var prefixes it reads
a token from); the credential-kinds table (``scanner.api.credentials``) says which of those
names carry the registry's token.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from scanner.api import SimpleCommand, Word
from scanner.api.ci.sources import Origin, Resolver, Source

#: Registry -> (credential kind id, display name).
REGISTRIES: dict[str, tuple[str, str]] = {
    "pypi": ("pypi-token", "PyPI"),
    "npm": ("npm-token", "npm"),
    "rubygems": ("rubygems-api-key", "RubyGems.org"),
    "crates": ("crates-token", "crates.io"),
    "nuget": ("nuget-api-key", "nuget.org"),
}
#: Where each public registry supports trusted publishing, by ``Pipeline.system``
#: (PyPI: GitHub, GitLab, Google Cloud Build, ActiveState; npm: GitHub- and GitLab.com-hosted
#: runners and CircleCI cloud; RubyGems.org: GitHub, GitLab, Buildkite; crates.io: GitHub,
#: GitLab (beta); nuget.org: GitHub). Checked 2026-12 against each registry's docs and code.
TRUSTED: dict[str, frozenset[str]] = {
    "pypi": frozenset({"github", "gitlab"}),
    "npm": frozenset({"github", "gitlab", "circleci"}),
    "rubygems": frozenset({"github", "gitlab"}),
    "crates": frozenset({"github", "gitlab"}),
    "nuget": frozenset({"github"}),
}
#: (system, registry) pairs a more specific rule owns: GitHub Actions npm publishing is
#: LLC-GHA-006's (setup-node's `registry-url` with `NODE_AUTH_TOKEN`, `.npmrc` writes,
#: JS-DevTools/npm-publish), so a command there is not reported twice.
DEFERRED: dict[tuple[str, str], str] = {("github", "npm"): "LLC-GHA-006"}
SYSTEM_NAMES = {
    "github": "GitHub Actions",
    "gitlab": "GitLab CI (on GitLab.com)",
    "circleci": "CircleCI (cloud)",
}

PYPI_URL = re.compile(r"^https?://(?:upload\.pypi\.org|test\.pypi\.org)(?:/|$)")
NPM_URL = re.compile(r"^(?:https?:)?//registry\.npmjs\.org(?:/|$)")
GEM_URL = re.compile(r"^https?://rubygems\.org/?$")
NUGET_URL = re.compile(r"^(?:nuget\.org|https?://(?:api|www)\.nuget\.org(?:/|$))", re.I)


def _public_pypi(value: str) -> bool:
    return value.lower() in ("pypi", "testpypi", "main", "test") or bool(PYPI_URL.match(value))


@dataclass(frozen=True, slots=True)
class Publisher:
    """One publish command: how it is spelled, which registry, and how it is pointed."""

    program: str
    words: tuple[str, ...]
    registry: str
    #: Options that take a value (so positionals are found).
    valued: tuple[str, ...] = ()
    #: Options and env vars that name the destination; absent means the public registry.
    target_flags: tuple[str, ...] = ()
    target_env: tuple[str, ...] = ()
    #: Prefixes (or exact names) of the env vars this tool reads a token from; the
    #: credential-kinds table says which of them are tokens.
    env: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return " ".join((self.program, *self.words))


PUBLISHERS = (
    Publisher("twine", ("upload",), "pypi", ("-r", "--repository", "--repository-url", "-u",
               "--username", "-p", "--password", "-c", "--comment", "-i", "--identity",
               "--sign-with", "--config-file", "--cert", "--client-cert"),
               ("--repository-url", "-r", "--repository"),
               ("TWINE_REPOSITORY_URL", "TWINE_REPOSITORY"), ("TWINE_",)),
    Publisher("uv", ("publish",), "pypi", ("-t", "--token", "-u", "--username", "-p",
               "--password", "--publish-url", "--index", "--trusted-publishing",
               "--check-url", "--keyring-provider", "--directory", "--project"),
               ("--publish-url", "--index"), ("UV_PUBLISH_URL", "UV_PUBLISH_INDEX"),
               ("UV_PUBLISH_",)),
    Publisher("poetry", ("publish",), "pypi", ("-r", "--repository", "-u", "--username",
               "-p", "--password", "--cert", "--client-cert", "--dist-dir", "-C",
               "--directory", "-P", "--project"),
               ("-r", "--repository"), (), ("POETRY_",)),
    Publisher("hatch", ("publish",), "pypi", ("-r", "--repo", "-u", "--user", "-a", "--auth",
               "--ca-cert", "--client-cert", "--client-key", "-o", "--option"),
               ("-r", "--repo"), ("HATCH_INDEX_REPO",), ("HATCH_INDEX_",)),
    Publisher("flit", ("publish",), "pypi", ("--repository", "--pypirc", "--format"),
               ("--repository",), ("FLIT_INDEX_URL",), ("FLIT_",)),
    Publisher("pdm", ("publish",), "pypi", ("-r", "--repository", "-u", "--username", "-P",
               "--password", "--ca-certs", "-i", "--identity", "-c", "--comment"),
               ("-r", "--repository"), ("PDM_PUBLISH_REPO",), ("PDM_PUBLISH_",)),
    Publisher("maturin", ("publish",), "pypi", ("-r", "--repository", "--repository-url",
               "-u", "--username", "-p", "--password", "-m", "--manifest-path", "-i",
               "--interpreter", "--target", "-o", "--out", "--compatibility", "-F",
               "--features"),
               ("-r", "--repository", "--repository-url"),
               ("MATURIN_REPOSITORY_URL", "MATURIN_REPOSITORY"), ("MATURIN_",)),
    Publisher("maturin", ("upload",), "pypi", ("-r", "--repository", "--repository-url",
               "-u", "--username", "-p", "--password"),
               ("-r", "--repository", "--repository-url"),
               ("MATURIN_REPOSITORY_URL", "MATURIN_REPOSITORY"), ("MATURIN_",)),
    Publisher("npm", ("publish",), "npm", ("--registry", "--tag", "--access", "--otp", "-w",
               "--workspace", "--provenance-file"),
               ("--registry",), ("NPM_CONFIG_REGISTRY",), ("NODE_AUTH_TOKEN", "NPM_")),
    Publisher("pnpm", ("publish",), "npm", ("--registry", "--tag", "--access", "--otp",
               "--filter", "-F", "-C", "--dir", "--publish-branch", "--report-summary"),
               ("--registry",), ("NPM_CONFIG_REGISTRY",), ("NODE_AUTH_TOKEN", "NPM_")),
    Publisher("yarn", ("publish",), "npm", ("--registry", "--tag", "--access", "--otp",
               "--new-version", "--message"),
               ("--registry",), ("NPM_CONFIG_REGISTRY", "YARN_REGISTRY"),
               ("NODE_AUTH_TOKEN", "NPM_")),
    Publisher("yarn", ("npm", "publish"), "npm", ("--tag", "--access", "--otp"), (),
               ("YARN_NPM_PUBLISH_REGISTRY", "YARN_NPM_REGISTRY_SERVER"), ("YARN_NPM_",)),
    Publisher("gem", ("push",), "rubygems", ("--host", "-k", "--key", "--otp",
               "-p", "--http-proxy"),
               ("--host",), ("RUBYGEMS_HOST",), ("GEM_HOST_API_KEY",)),
    Publisher("cargo", ("publish",), "crates", ("--token", "--registry", "--index", "-p",
               "--package", "--manifest-path", "--target", "--features", "-F", "-j",
               "--jobs", "--config", "-Z", "--color", "--target-dir", "--lockfile-path"),
               ("--registry", "--index"), ("CARGO_REGISTRY_DEFAULT",),
               ("CARGO_REGISTRY_TOKEN",)),
    Publisher("dotnet", ("nuget", "push"), "nuget", ("-k", "--api-key", "-s", "--source",
               "-ss", "--symbol-source", "-sk", "--symbol-api-key", "-t", "--timeout",
               "--configfile"),
               ("-s", "--source"), ()),
    Publisher("nuget", ("push",), "nuget", ("-ApiKey", "-Source", "-SymbolSource",
               "-SymbolApiKey", "-Timeout", "-ConfigFile"),
               ("-Source",), ()),
)  # fmt: skip

#: Runners in front of the publisher: ``python -m twine``, ``pipx run twine``, ``uvx twine``,
#: ``uv run twine``, ``uv tool run twine``, ``poetry run twine``, ``pdm run twine``.
_UV_VALUED = frozenset({"--with", "--python", "-p", "--directory", "--project", "--package",
                        "--extra", "--group", "--from", "--index", "--index-url", "--env-file",
                        "--spec"})  # fmt: skip
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)?)?(?:\.exe)?$|^py$")

#: An npm registry auth line: ``//registry.npmjs.org/:_authToken=VALUE``.
AUTH_TOKEN = re.compile(r"(//[^\s:'\"]+/?):_auth(?:Token)?\s*=\s*(\S+)")
#: A RubyGems credentials line: ``:rubygems_api_key: VALUE``.
GEM_KEY = re.compile(r":?rubygems_api_key:\s*(\S+)")
#: A secret whose name says it only reads (``NPM_READ_TOKEN``, for installing private deps).
READ_ONLY = re.compile(r"(?:^|_)READ(?:_|$)", re.I)


#: Other names of a publisher's program (pnpm installs ``pn`` as a short alias).
ALIASES = {"pn": "pnpm"}


def program(simple: SimpleCommand) -> str:
    return ALIASES.get(simple.name, simple.name)


def find_publisher(simple: SimpleCommand) -> tuple[Publisher, SimpleCommand] | None:
    effective = through_runner(simple)
    for publisher in PUBLISHERS:
        if program(effective) != publisher.program:
            continue
        words = effective.positionals(*publisher.valued)
        if tuple(w.value for w in words[: len(publisher.words)]) == publisher.words:
            return publisher, effective
    return None


def through_runner(simple: SimpleCommand) -> SimpleCommand:
    """The command as the publisher sees it: ``python -m twine upload`` as ``twine upload``."""
    args = simple.args
    values = [w.value for w in args]
    skip: int | None = None
    name = simple.name
    if _PYTHON.match(name) and values[:1] == ["-m"] and len(values) > 1:
        skip = 1
    elif name in ("uvx", "pipx", "uv", "poetry", "pdm", "hatch"):
        i = 0
        if name == "pipx" or name in ("poetry", "pdm", "hatch"):
            if values[:1] != ["run"]:
                return simple
            i = 1
        elif name == "uv":
            if values[:1] == ["run"]:
                i = 1
            elif values[:2] == ["tool", "run"]:
                i = 2
            else:
                return simple
        while i < len(values) and values[i].startswith("-"):
            i += 2 if values[i] in _UV_VALUED else 1
        if i >= len(values):
            return simple
        skip = i
    if skip is None:
        return simple
    return dataclasses.replace(simple, program_index=simple.program_index + 1 + skip)


def is_public(registry: str, value: str) -> bool:
    if registry == "pypi":
        return _public_pypi(value)
    if registry == "npm":
        return bool(NPM_URL.match(value.replace("https:", "").replace("http:", "")))
    if registry == "rubygems":
        return bool(GEM_URL.match(value))
    if registry == "crates":
        return value == "crates-io"
    return bool(NUGET_URL.match(value))


def embedded(resolver: Resolver, word: Word, token: str) -> Source:
    """The source of a token written inside a word (``..._authToken=${NPM_TOKEN}``)."""
    names = re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", token)
    if names:
        return max((resolver.variable(n) for n in names), key=lambda s: s.origin)
    if word.literal:
        return resolver.word(dataclasses.replace(word, value=token))
    return resolver.word(word)


def sink_tokens(simple: SimpleCommand, resolver: Resolver) -> list[tuple[str, str, Word, Source]]:
    """Tokens the command writes where a later publish reads them:
    ``(registry, label, word, source)``."""
    out: list[tuple[str, str, Word, Source]] = []
    name = program(simple)
    values = [w.value for w in simple.args]
    if name == "poetry" and values[:1] == ["config"]:
        for i, value in enumerate(values[1:-1], start=1):
            if value.lower() in ("pypi-token.pypi", "pypi-token.testpypi"):
                word = simple.args[i + 1]
                out.append(("pypi", "poetry config", word, resolver.word(word)))
    if name == "cargo" and values[:1] == ["login"] and not simple.has("--registry"):
        rest = simple.positionals("--registry", "--config", "-Z")
        if len(rest) > 1:
            out.append(("crates", "cargo login", rest[1], resolver.word(rest[1])))
    if name in ("npm", "pnpm") and values[:1] == ["publish"]:
        return out  # its `--//registry/:_authToken=` is the publish's own token argument
    words = list(simple.args)
    if simple.heredoc_word is not None:
        words.append(simple.heredoc_word)
    for word in words:
        match = AUTH_TOKEN.search(word.value)
        if match and NPM_URL.match(match.group(1)):
            label = f"{simple.name} config set" if name in ("npm", "pnpm", "yarn") else ".npmrc"
            token = match.group(2)
            source = embedded(resolver, word, token)
            if token.startswith(("$", "'$", '"$')) or source.origin is not Origin.NONE:
                out.append(("npm", label, word, source))
            continue
        if (
            name in ("npm", "pnpm")
            and values[:2] == ["config", "set"]
            and len(values) > 3
            and word is simple.args[2]
        ):
            key = AUTH_TOKEN.search(word.value + "=x")
            if key and NPM_URL.match(key.group(1)):
                token_word = simple.args[3]
                label = f"{simple.name} config set"
                out.append(("npm", label, token_word, resolver.word(token_word)))
            continue
        gem = GEM_KEY.search(word.value)
        if gem is not None:
            out.append(
                ("rubygems", "~/.gem/credentials", word, embedded(resolver, word, gem.group(1)))
            )
    return out


#: A redirect into a ``.pypirc`` (``> ~/.pypirc``, ``>> $HOME/.pypirc``) or ``tee`` of one.
_PYPIRC_WRITE = re.compile(r">>?\s*['\"]?[^\s'\"|;&<>]*\.pypirc(?![\w.])")
_PYPIRC_ARG = re.compile(r"(?:^|/)\.pypirc$")
#: ``password = VALUE`` in a ``.pypirc`` body (lines may be ``\n`` escapes of ``printf``).
_PYPIRC_PASSWORD = re.compile(r"(?:^|\n|\\n|\s)password\s*[=:]\s*([^\s\\]+)", re.I)
_PYPIRC_REPOSITORY = re.compile(r"(?:^|\n|\\n|\s)repository\s*[=:]\s*([^\s\\]+)", re.I)
#: ``sed s~__pw__~$PYPI_TOKEN~``: a template filled with the token (any delimiter).
_SED_SUBSTITUTE = re.compile(r"^s(.)(?:(?!\1).)*\1((?:(?!\1).)*)\1")


def pypirc_tokens(
    text: str, simple: SimpleCommand, resolver: Resolver
) -> list[tuple[Word, Source]]:
    """Tokens ``simple`` writes into a ``.pypirc`` (``command`` text ``text``, which holds
    the redirects): a heredoc or ``echo``/``printf`` with a ``password =`` line, or ``sed``
    filling a template. A body naming another ``repository =`` is for another index."""
    tail = re.split(r"\|\||&&|[|;\n]", text[simple.end :], maxsplit=1)[0]
    tee = simple.name == "tee" and any(_PYPIRC_ARG.search(w.value) for w in simple.args)
    if not tee and not _PYPIRC_WRITE.search(tail):
        return []
    source = simple.piped_from if tee and simple.piped_from is not None else simple
    words = list(source.args)
    if source.heredoc_word is not None:
        words.append(source.heredoc_word)
    if any(
        not _public_pypi(m.group(1)) for w in words for m in _PYPIRC_REPOSITORY.finditer(w.value)
    ):
        return []
    out: list[tuple[Word, Source]] = []
    for word in words:
        match = _PYPIRC_PASSWORD.search(word.value)
        written = source.name in ("echo", "printf") or word is source.heredoc_word
        if match is not None and written:
            token = match.group(1)
            if token == "%s" and source.name == "printf":  # noqa: S105 - a format directive
                rest = [w for w in source.args if w is not word and not w.literal]
                if rest:
                    out.append((rest[0], resolver.word(rest[0])))
                continue
            out.append((word, embedded(resolver, word, token)))
        elif source.name == "sed":
            sub = _SED_SUBSTITUTE.match(word.value)
            if sub is not None and "$" in sub.group(2):
                out.append((word, embedded(resolver, word, sub.group(2))))
    return [(word, found) for word, found in out if found.origin is not Origin.NONE]
