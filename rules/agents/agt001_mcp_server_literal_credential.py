"""LLC-AGT-001: a literal credential handed to an MCP server in an agent configuration."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from scanner.api import (
    ALNUM,
    BASE32_UPPER,
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    SecretFormat,
    Severity,
    Valid,
    YamlDocument,
    YamlRule,
    catalogue,
    credential_value,
    fake_token,
    yamlnodes,
)

Node = yamlnodes.Node

# Where clients keep their servers: Claude Desktop, Claude Code, Cursor ("mcpServers"),
# VS Code ("servers", or "mcp": {"servers"} in settings), Zed ("context_servers").
_SERVER_KEYS = ("mcpServers", "servers", "context_servers")

# Provider formats whose holder needs no further context: long-lived by design (GitHub's
# kinds graded by the catalogue, see _catalogued).
_PROVIDER = re.compile(
    r"(?:^|[^A-Za-z0-9_-])("
    r"gh[opr]_[A-Za-z0-9]{36}|github_pat_\w{82}|glpat-[\w-]{20,}|xox[bpae]-[\w-]{20,}|"
    r"sk-ant-(?:api|admin)\d\d-[\w-]{80,}|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"
    r"T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{60,}|"
    r"[sr]k_live_[A-Za-z0-9]{20,}|AKIA[A-Z2-7]{16}|AIza[\w-]{35}|hvs\.[\w-]{24,}|"
    r"npm_[A-Za-z0-9]{36}|hf_[A-Za-z]{34}|do[por]_v1_[a-f0-9]{64}|lin_api_[A-Za-z0-9]{40}|"
    r"ntn_[A-Za-z0-9]{40,}|pplx-[A-Za-z0-9]{40,}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|"
    r"dp\.(?:pt|st|sa|ct)\.[\w.-]{40,}|sntrys_[A-Za-z0-9+/=_-]{40,}"
    r")(?:[^A-Za-z0-9_-]|$)"
)
# Short-lived provider tokens: still a leak, but gone within hours.
_SHORT_LIVED = re.compile(r"(?:^|[^A-Za-z0-9_-])(gh[su]_[A-Za-z0-9]{36}|ASIA[A-Z2-7]{16})")
_AUTH_SCHEME = re.compile(r"(?i)\b(?:bearer|token|basic|apikey|api-key)\s+([^\s\"',;]{8,})")
_CREDENTIAL_NAME = re.compile(
    r"(?i)token|secret|passw|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|"
    r"auth|cookie|session|(?:^|[_-])pat$|(?:^|[_-])key$"
)
_NOT_CREDENTIAL_NAME = re.compile(
    r"(?i)[_-]?(?:file|path|dir|url|uri|endpoint|host|id|name|type|header|env|mode|level|"
    r"version|region|scopes?|expiry|expires|ttl|timeout|method|provider|enabled|user|username|"
    r"email|org|owner|domain|server|port|tokens|limit|count|size|length)$|^(?:max|min|num)[_-]"
)
_PATH = re.compile(
    r"^(?:[A-Za-z]:[\\/]|\.{0,2}[\\/]|~)|\.(?:json|pem|key|p12|pfx|crt|txt|ya?ml|env|toml)$", re.I
)
_FLAG = re.compile(
    r"(?i)^--?[\w-]*(?:token|secret|passw(?:or)?d|api[_-]?key|apikey|access[_-]?key|pat|"
    r"auth|credential)[\w-]*$"
)
_REFERENCE = re.compile(r"\$\{|\$\(|^\$[A-Za-z_]|\{\{|^%[A-Za-z_]+%$|^op://|^(?:env|keychain):",
                        re.I)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def _servers(root: Node) -> Iterator[tuple[str, Node]]:
    """``(name, server)`` for every server block of the file."""
    containers = [root, yamlnodes.get(root, "mcp")]
    for container in containers:
        for key in _SERVER_KEYS:
            for name, _, server in yamlnodes.items(yamlnodes.get(container, key)):
                if isinstance(server, yamlnodes.MappingNode):
                    yield name, server


def _provider(value: str) -> str | None:
    match = _PROVIDER.search(value)
    return match.group(1) if match else None


#: Providers whose kind, lifetime and reason come from the catalogue (one copy, cited there:
#: scanner/secrets/formats/github.py). The other shapes above still say "never expires".
_CATALOGUE_PROVIDERS = frozenset({"GitHub"})


def _catalogued(token: str) -> SecretFormat | None:
    row = catalogue.prefixed(token)
    return row if row is not None and row.provider in _CATALOGUE_PROVIDERS else None


_GITHUB = fake_token("ghp_", 36, ALNUM, seed=601)
_GENERIC = fake_token("", 32, ALNUM, seed=602)
_API = fake_token("", 40, ALNUM, seed=603)
_AWS = fake_token("AKIA", 16, BASE32_UPPER, seed=604)
_AWS_SECRET = fake_token("", 40, ALNUM + "/+", seed=605)


def _config(servers: dict[str, object], key: str = "mcpServers") -> str:
    return json.dumps({key: servers}, indent=2) + "\n"


class McpServerLiteralCredential(YamlRule):
    """## What it does
    Reads MCP client configurations (`mcp.json`, `.mcp.json`, `.cursor/mcp.json`,
    `.vscode/mcp.json`, `claude_desktop_config.json`), finds each server under `mcpServers`,
    `servers` (VS Code) or `context_servers` (Zed), and flags a literal credential handed to
    it: in `env` (`"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_..."`), in `headers`
    (`"Authorization": "Bearer ..."`, `"X-API-Key": ...`), in `args` (`"--token", "..."`,
    `"--api-key=..."`, docker's `"-e", "TOKEN=..."`) or in the query string of a remote server's
    `url`. A value in a known provider format (GitHub, GitLab, Slack, OpenAI, Anthropic, AWS,
    Stripe, Notion, Linear, ...) is critical wherever it appears; any other value counts only
    under a credential name and when it looks generated. References are quiet:
    `${env:GITHUB_TOKEN}`, `${input:api-key}`, `${GITHUB_TOKEN}`, `$TOKEN`, `op://...`, and so
    are placeholders (`<your-token>`, `YOUR_API_KEY`, `changeme`). JSON with comments (JSONC)
    cannot be parsed as YAML, so such a file gets only the raw-text secret rules.

    ## Why is this bad?
    The configuration hands every session of the agent, and often every developer who clones
    the repository, a standing credential: a personal access token or API key that never
    expires and that the agent can use, or leak through a prompt injection, long after the
    task it was pasted for (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets). Agents are
    the fastest-growing holders of non-human credentials.

    ## Example
    ```json
    {"mcpServers": {"github": {"command": "github-mcp-server", "args": ["stdio"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_..."}}}}
    ```

    Use instead:
    ```json
    {"inputs": [{"type": "promptString", "id": "gh-token", "password": true}],
     "servers": {
       "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"},
       "local": {"command": "github-mcp-server", "args": ["stdio"],
                 "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${input:gh-token}"}}}}
    ```
    The remote server signs in with OAuth; the local one gets a token typed per session.

    ## References
    - MCP authorization (OAuth 2.1): https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization
    - VS Code MCP configuration, inputs and env references: https://code.visualstudio.com/docs/copilot/customization/mcp-servers
    - Claude Code MCP configuration and environment expansion: https://docs.anthropic.com/en/docs/claude-code/mcp
    - OWASP NHI Top 10: https://owasp.org/www-project-non-human-identities-top-10/
    """

    META = RuleMeta(
        id="LLC-AGT-001",
        name="mcp-server-literal-credential",
        summary="Literal credential in an MCP server's env, headers, args or URL",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Use the server's OAuth flow, or reference a short-lived token from the environment "
        "or a prompt (`${env:GITHUB_TOKEN}`, `${input:token}`) instead of a literal.",
        kinds=frozenset({FileKind.MCP}),
        triggers=("mcpservers", "servers"),
    )

    VALID = [
        Valid(_config({"github": {"command": "docker", "args": [
            "run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/mcp"],
            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${env:GITHUB_TOKEN}"}}})),
        Valid(json.dumps({
            "inputs": [{"type": "promptString", "id": "api-key", "password": True}],
            "servers": {
                "search": {"type": "http", "url": "https://mcp.example.com/mcp",
                           "headers": {"Authorization": "Bearer ${input:api-key}"}},
                "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"},
            }}, indent=2) + "\n", path=".vscode/mcp.json"),
        Valid(_config({"db": {"command": "npx", "args": [
            "-y", "@acme/mcp-postgres", "--api-key", "$ACME_API_KEY", "--read-only"],
            "env": {"API_KEY": "<your-api-key>", "LOG_LEVEL": "debug",
                    "TOKEN_FILE": "/run/secrets/acme", "SLACK_TEAM_ID": "T01234567",
                    "GOOGLE_APPLICATION_CREDENTIALS": "C:/keys/sa-key.json",
                    "MAX_CONTEXT_TOKENS": "2000"}}}),
            path="claude_desktop_config.json"),
        Valid(_config({"notes": {"command": "uvx", "args": ["notes-mcp"],
                                 "env": {"NOTES_TOKEN": "op://dev/notes/token",
                                         "OPENAI_API_KEY": "YOUR_OPENAI_API_KEY",
                                         "SESSION_MODE": "persistent"}}}),
              path=".cursor/mcp.json"),
    ]
    INVALID = [
        # lines: 1 {, 2 "mcpServers", 3 "github", 4 "command", 5 "env", 6 the token
        Invalid(_config({"github": {"command": "github-mcp-server",
                                    "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": _GITHUB}}}),
                lines=(6,)),
        Invalid(json.dumps({"servers": {"acme": {
            "type": "http", "url": "https://mcp.acme-corp.net/mcp",
            "headers": {"Authorization": "Bearer " + _GENERIC}}}}, indent=2) + "\n",
            path=".vscode/mcp.json", lines=(7,)),
        Invalid(_config({"search": {"command": "npx", "args": [
            "-y", "@acme/search-mcp", "--api-key", _API]}}),
            path="claude_desktop_config.json", lines=(9,)),
        Invalid(_config({"aws": {"command": "docker", "args": [
            "run", "-i", "-e", f"AWS_SECRET_ACCESS_KEY={_AWS_SECRET}", "acme/aws-mcp"],
            "env": {"AWS_ACCESS_KEY_ID": _AWS}}}), path="mcp.json", lines=(9, 13)),
    ]

    def check(self, doc: YamlDocument) -> None:
        for root in doc.roots:
            for name, server in _servers(root):
                self._server(name, server)
                command = yamlnodes.get(server, "command")
                if isinstance(command, yamlnodes.MappingNode):  # Zed: "command": {path, args, env}
                    self._server(name, command)

    def _server(self, name: str, server: Node) -> None:
        for key, _, node in yamlnodes.items(yamlnodes.get(server, "env")):
            self._value(name, node, f"environment variable `{key}`", credential_name=key)
        headers = yamlnodes.get(server, "headers")
        if headers is None:
            headers = yamlnodes.get(yamlnodes.get(server, "requestInit"), "headers")
        for key, _, node in yamlnodes.items(headers):
            self._value(name, node, f"header `{key}`", credential_name=key)
        self._args(name, yamlnodes.get(server, "args"))
        for key in ("url", "serverUrl"):
            self._url(name, yamlnodes.get(server, key))

    def _args(self, name: str, args: Node | None) -> None:
        flag: str | None = None
        for node in yamlnodes.elements(args):
            value = yamlnodes.scalar(node)
            if value is None:
                flag = None
                continue
            if flag is not None:
                self._value(name, node, f"argument `{flag}`", credential_name=flag)
                flag = None
                continue
            if _FLAG.match(value):
                flag = value
                continue
            head, sep, tail = value.partition("=")
            if sep and (_FLAG.match(head) or _ENV_NAME.match(head)):
                self._value(name, node, f"argument `{head}`", credential_name=head,
                            literal=tail)
            else:
                self._value(name, node, "an argument", credential_name=None)

    def _url(self, name: str, node: Node | None) -> None:
        url = yamlnodes.scalar(node)
        if node is None or url is None or "?" not in url:
            return
        try:
            query = parse_qsl(urlsplit(url).query, keep_blank_values=False)
        except ValueError:
            return
        for key, value in query:
            if _CREDENTIAL_NAME.search(key) and not _NOT_CREDENTIAL_NAME.search(key):
                self._value(name, node, f"URL parameter `{key}`", credential_name=key,
                            literal=value)
                return

    def _value(self, server: str, node: Node, where: str, *, credential_name: str | None,
               literal: str | None = None) -> None:
        text = literal if literal is not None else yamlnodes.scalar(node)
        if not text or _REFERENCE.search(text):
            return
        token = _provider(text)
        if token is not None and not self.context.is_placeholder(token):
            row = _catalogued(token)
            message = (
                f"MCP server `{server}` gets a long-lived provider token in its {where}: "
                "every agent session holds a credential that never expires."
                if row is None else
                f"MCP server `{server}` gets a long-lived provider token in its {where} "
                f"({row.label}): {row.why}."
            )
            self.report(
                node,
                message,
                lifetime=Lifetime.static() if row is None else row.lifetime,
                value=token,
                severity=Severity.CRITICAL,
            )
            return
        short = _SHORT_LIVED.search(text)
        if short is not None:
            row = _catalogued(short.group(1))
            self.report(
                node,
                f"MCP server `{server}` gets a short-lived provider token in its {where}: it "
                "expires within hours, but is readable by anyone with the file until then.",
                lifetime=Lifetime.unknown() if row is None else row.lifetime,
                value=short.group(1),
                severity=Severity.MEDIUM,
            )
            return
        scheme = _AUTH_SCHEME.search(text)
        if scheme is not None:
            candidate, key = scheme.group(1), "token"
        elif credential_name is not None and self._credential_name(credential_name):
            candidate, key = text, credential_name.lstrip("-")
        else:
            return
        if not self._generated(key, candidate):
            return
        self.report(
            node,
            f"MCP server `{server}` gets a literal credential in its {where}: the agent holds "
            "a standing secret instead of signing in per session.",
            lifetime=Lifetime.unknown(),
            value=candidate,
        )

    @staticmethod
    def _credential_name(name: str) -> bool:
        bare = name.lstrip("-")
        return bool(_CREDENTIAL_NAME.search(bare)) and not _NOT_CREDENTIAL_NAME.search(bare)

    def _generated(self, key: str, value: str) -> bool:
        """A literal that looks like a secret: the value gate every generic rule shares
        (``credential_value``: the password gate under a password name, the generated-secret
        gate otherwise), after this rule's own flag and path checks."""
        if value.startswith("-") or _PATH.search(value) or _REFERENCE.search(value):
            return False
        return credential_value(key, value, self.context.is_placeholder)
