"""LLC-CI-005: Vault CLI creating periodic, orphan or non-expiring tokens or secret IDs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.api import (
    COMMAND_KINDS,
    Category,
    CiRule,
    Command,
    Lifetime,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    SimpleCommand,
    Word,
    describe_duration,
    invalid_in,
    parse_duration,
    valid_in,
)
from scanner.api.ci.mint import ci_fix, flag, invocations, span, switch, verbs

#: The Vault CLI, and OpenBao's fork of it (same commands and flags).
_PROGRAMS = ("vault", "bao")
_TOKEN_KIND = "vault-token"
_SECRET_ID_KIND = "vault-approle-secret-id"
#: Options of ``vault write`` / ``vault token create`` that take a separate value.
_VALUED = frozenset(
    {
        "-address",
        "-namespace",
        "-ns",
        "-format",
        "-field",
        "-wrap-ttl",
        "-policy",
        "-role",
        "-display-name",
        "-metadata",
        "-ttl",
        "-explicit-max-ttl",
        "-period",
        "-use-limit",
        "-type",
        "-id",
        "-entity-alias",
        "-mfa",
    }
)
#: Above a day, a token's TTL is reported (the hvac rule LLC-PY-009 uses the same line).
_LONG_TTL = 86400
_SECRET_ID_PATH = re.compile(r"^/?auth/([^/\s]+)/role/([^/\s]+)/(?:custom-)?secret-id/?$")
_ROLE_PATH = re.compile(r"^/?auth/([^/\s]+)/role/([^/\s]+)/?$")
_TOKEN_ROLE_PATH = re.compile(r"^/?auth/token/roles/([^/\s]+)/?$")
_TOKEN_CREATE_PATH = re.compile(r"^/?auth/token/create(-orphan)?(?:/[^/\s]+)?/?$")


@dataclass(frozen=True, slots=True)
class _Param:
    """One ``key=value`` argument of ``vault write``, with its word for reporting."""

    key: str
    value: str
    word: Word


class VaultCliUnboundedToken(CiRule):
    """## What it does
    Flags Vault CLI commands, in every CI system's scripts and in shell scripts and
    Makefiles, that make credentials with no real end:
    - `vault token create` with `-period` (renewable for ever, unless `-explicit-max-ttl`
      caps it), `-orphan` with no TTL (it survives revoking its parent and lives the
      mount's default TTL, 32 days unless tuned), `-ttl=0` (the mount default, and no expiry
      at all for a root-policy token) or a TTL above 24 hours; also
      `vault write auth/token/create[-orphan] period=…` and `auth/token/create-orphan`
      with no `ttl`;
    - `vault write auth/token/roles/<r> period=…` (or `token_period=`): every token made
      from the role is periodic;
    - `vault write auth/approle/role/<r> secret_id_ttl=0`: the role's secret IDs never
      expire; `token_period=` (or `period=`) on any auth role: its logins give periodic
      tokens;
    - `vault write [-f] auth/approle/role/<r>/secret-id` with no `ttl=`: a secret ID lives for
      the role's `secret_id_ttl`, which is 0 (never) unless the role sets it. High when the
      same file writes the role without a TTL (medium when `secret_id_num_uses` or
      `num_uses` bounds it); medium when the role is configured elsewhere; quiet when the
      file gives the role a `secret_id_ttl`.

    OpenBao's `bao` CLI is read the same way. Short TTLs (`-ttl=15m`), `-explicit-max-ttl`
    caps, `-orphan=false`, commented-out lines and logins through JWT/OIDC or Kubernetes
    auth stay quiet.

    ## Why is this bad?
    A periodic token is renewed for ever by whoever holds it, an orphan survives the
    revocation of the identity that created it, and a secret ID without a TTL is a password
    for the role that works until someone deletes it. Minted in a pipeline, these end up in
    logs, artifacts and CI secret stores (OWASP NHI7 Long-Lived Secrets, NHI1 Improper
    Offboarding). Every CI system here can log in to Vault with its own short-lived OIDC
    token instead.

    ## Example
    ```bash
    vault token create -policy=deploy -period=768h -orphan
    vault write -f auth/approle/role/deployer/secret-id
    ```

    Use instead:
    ```bash
    # Any system: a JWT auth role bound to the pipeline, with short bounded tokens
    vault write auth/jwt/role/ci role_type=jwt user_claim=sub bound_audiences=vault \\
      token_ttl=15m token_max_ttl=1h token_policies=deploy
    ```
    ```yaml
    # GitHub Actions
    permissions:
      id-token: write
    steps:
      - uses: hashicorp/vault-action@v3
        with: { url: "https://vault.example.com", method: jwt, role: ci, secrets: "..." }
    ```
    ```yaml
    # GitLab CI
    deploy:
      id_tokens:
        VAULT_ID_TOKEN:
          aud: https://vault.example.com
      secrets:
        DB_PASSWORD:
          vault: app/db/password@secret
          token: $VAULT_ID_TOKEN
    ```
    ```yaml
    # CircleCI (a job with a context) and Bitbucket (`oidc: true`, with
    # $BITBUCKET_STEP_OIDC_TOKEN): log in with the job's own token
    - run: vault write auth/jwt/login role=ci jwt="$CIRCLE_OIDC_TOKEN_V2"
    # Azure Pipelines: Vault's Azure auth method, from an agent with a managed identity
    ```
    ```groovy
    // Jenkins: the Vault plugin with a short-lived AppRole secret ID delivered per build
    // (ttl and num_uses bounded), or Kubernetes auth for agents running in a cluster
    sh 'vault write auth/kubernetes/login role=ci jwt=@/var/run/secrets/tokens/vault'
    ```
    ```bash
    # Scripts: bounded tokens when one must be made
    vault token create -policy=deploy -ttl=15m -explicit-max-ttl=1h
    ```

    ## References
    - `vault token create`: https://developer.hashicorp.com/vault/docs/commands/token/create
    - Token concepts (periodic, orphan, root tokens as the only non-expiring ones): https://developer.hashicorp.com/vault/docs/concepts/tokens
    - AppRole API (`secret_id_ttl` default "" meaning no expiry; `ttl` per secret ID): https://developer.hashicorp.com/vault/api-docs/auth/approle
    - JWT/OIDC auth: https://developer.hashicorp.com/vault/docs/auth/jwt
    """

    META = RuleMeta(
        id="LLC-CI-005",
        name="vault-cli-unbounded-token",
        summary="Vault CLI creating periodic, orphan or non-expiring tokens or secret IDs",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Log in per job with the CI system's OIDC token (Vault JWT/OIDC auth) or "
        "Kubernetes auth, with a bounded token_max_ttl; give tokens and secret IDs a TTL.",
        kinds=COMMAND_KINDS,
        triggers=("vault", "bao "),
        requires=("token", "secret-id", "secret_id", "period"),
    )
    #: Only commands that mention a trigger are parsed and checked.
    COMMAND_WORDS = META.triggers

    VALID = [
        # Bounded tokens; an orphan with a short TTL; a period capped by an explicit max.
        *valid_in(
            "vault token create -policy=deploy -ttl=15m -explicit-max-ttl=1h\n"
            "vault token create -orphan -ttl 30m -policy=ci\n"
            "vault token create -period=24h -explicit-max-ttl=2h -policy=ci\n"
            "vault token create -orphan=false -policy=ci -ttl=1h\n"
        ),
        # OIDC login; a role whose secret IDs expire, and a secret ID from it.
        *valid_in(
            'vault write auth/jwt/login role=ci jwt="$OIDC_TOKEN"\n'
            "vault write auth/approle/role/ci secret_id_ttl=10m token_ttl=20m\n"
            "vault write -f auth/approle/role/ci/secret-id\n"
            "vault write auth/approle/role/other/secret-id ttl=15m\n",
            federated=True,
        ),
        # Look-ups, a commented-out periodic token, an echo, a role without a period.
        *valid_in(
            "vault token lookup\n"
            "# vault token create -period=768h -orphan\n"
            'echo "vault token create -period=768h"\n'
            "vault write auth/token/roles/ci allowed_policies=ci token_explicit_max_ttl=1h"
            " period=30m\n"
            "vault write auth/token/roles/short allowed_policies=ci\n"
            "vault write secret/data/app ttl=0\n"
        ),
    ]
    INVALID = [
        *invalid_in(
            "vault token create -policy=deploy -period=768h -orphan  # expect: LLC-CI-005\n"
        ),
        # Space-separated values, `--` spelling, sudo, a continuation.
        *invalid_in(
            "vault token create -ttl=0 -policy=ci  # expect: LLC-CI-005\n"
            "sudo vault token create --orphan -policy=ci  # expect: LLC-CI-005\n"
            "TOKEN=$(vault token create -field=token -policy=ci \\\n"
            "  -ttl 8760h)  # expect: LLC-CI-005\n"
        ),
        # AppRole: a role with secret IDs that never expire, and a secret ID from it.
        *invalid_in(
            "vault write auth/approle/role/deployer token_policies=deploy \\\n"
            "  secret_id_ttl=0  # expect: LLC-CI-005\n"
            "SECRET_ID=$(vault write -f -field=secret_id"
            " auth/approle/role/deployer/secret-id)  # expect: LLC-CI-005\n"
        ),
        # Periodic token roles, and a secret ID of a role configured elsewhere.
        *invalid_in(
            "vault write auth/token/roles/ci-deployer allowed_policies=deploy"
            " period=72h  # expect: LLC-CI-005\n"
            "vault write -force auth/approle/role/app/secret-id  # expect: LLC-CI-005\n"
        ),
    ]

    def check_command(self, command: Command) -> None:
        for simple in invocations(command, *_PROGRAMS):
            action = verbs(simple, 2, _VALUED)
            if action == ["token", "create"] or action[:1] == ["token-create"]:
                self._token_create(command, simple)
            elif action[:1] == ["write"] and len(action) > 1:
                self._write(command, simple)

    # -- vault token create ---------------------------------------------------------------

    def _token_create(self, command: Command, simple: SimpleCommand) -> None:
        period = flag(simple, "-period", "--period")
        explicit = flag(simple, "-explicit-max-ttl", "--explicit-max-ttl")
        ttl = flag(simple, "-ttl", "--ttl")
        orphan = switch(simple, "-orphan", "--orphan")
        cap = _seconds(explicit[1]) if explicit is not None else None
        if cap and cap <= _LONG_TTL:
            return  # a hard limit of a day or less, whatever else is asked
        reasons: list[str] = []
        places: list[tuple[int, int]] = []
        lifetime = Lifetime.unknown()
        severity = Severity.MEDIUM
        period_seconds = _seconds(period[1]) if period is not None else None
        ttl_seconds = _seconds(ttl[1]) if ttl is not None else None
        if period is not None and period_seconds != 0:
            shown = describe_duration(period_seconds) if period_seconds else "a run-time value"
            reasons.append(f"`-period` {shown} (a periodic token renews for ever)")
            places.append(span(*period))
            lifetime, severity = Lifetime.never(), Severity.HIGH
        if orphan is not None and (ttl is None or ttl_seconds == 0):
            reasons.append(
                "`-orphan` and no TTL (it survives revoking its parent, for the mount's "
                "default TTL)"
            )
            places.append(span(orphan))
            severity = Severity.HIGH
        if ttl is not None and ttl_seconds == 0 and period is None:
            reasons.append("`-ttl=0` (the mount default, and no expiry for a root token)")
            places.append(span(*ttl))
        elif ttl is not None and ttl_seconds is not None and ttl_seconds > _LONG_TTL:
            reasons.append(f"a TTL of {describe_duration(ttl_seconds)}")
            places.append(span(*ttl))
            if period is None:
                lifetime = Lifetime.seconds(ttl_seconds)
        if not reasons:
            return
        if cap:
            reasons.append(f"at most {describe_duration(cap)} (`-explicit-max-ttl`)")
            lifetime = Lifetime.seconds(cap)
        self.report(
            command.target(*places[0]),
            "`vault token create` makes a token with " + "; ".join(reasons) + ": it can "
            "outlive the job that asked for it." + ci_fix(command, _TOKEN_KIND),
            lifetime=lifetime,
            severity=severity,
        )

    # -- vault write ----------------------------------------------------------------------

    def _write(self, command: Command, simple: SimpleCommand) -> None:
        words = simple.positionals(*_VALUED)
        if len(words) < 2:
            return
        path = words[1].value
        params = _params(words[2:])
        found = _TOKEN_CREATE_PATH.match(path)
        if found:
            self._raw_token_create(command, words[1], params, orphan=found.group(1) is not None)
            return
        found = _TOKEN_ROLE_PATH.match(path)
        if found:
            self._token_role(command, found.group(1), params)
            return
        found = _SECRET_ID_PATH.match(path)
        if found:
            self._secret_id(command, simple, words[1], found.group(1), found.group(2), params)
            return
        found = _ROLE_PATH.match(path)
        if found:
            self._auth_role(command, found.group(2), params)

    def _auth_role(self, command: Command, role: str, params: dict[str, _Param]) -> None:
        """``vault write auth/<mount>/role/<r> ...``: secret IDs or tokens with no end."""
        ttl = params.get("secret_id_ttl")
        if ttl is not None and _parse(ttl.value) == 0:
            self.report(
                command.target(ttl.word.start, ttl.word.end),
                f"AppRole role `{role}` is given `secret_id_ttl=0`: its secret IDs never "
                "expire." + ci_fix(command, _SECRET_ID_KIND),
                lifetime=Lifetime.never(),
                severity=Severity.HIGH,
            )
        period = params.get("token_period") or params.get("period")
        cap = params.get("token_explicit_max_ttl") or params.get("explicit_max_ttl")
        if period is None or _parse(period.value) == 0 or (cap and _parse(cap.value)):
            return
        self.report(
            command.target(period.word.start, period.word.end),
            f"Auth role `{role}` issues periodic tokens (`{period.key}={period.value}`): each "
            "login gives a token that can be renewed for ever." + ci_fix(command, _TOKEN_KIND),
            lifetime=Lifetime.never(),
            severity=Severity.HIGH,
        )

    def _raw_token_create(
        self, command: Command, where: Word, params: dict[str, _Param], *, orphan: bool
    ) -> None:
        """``vault write auth/token/create[-orphan] key=value...``: the API spelling."""
        period = params.get("period")
        cap = params.get("explicit_max_ttl")
        ttl = params.get("ttl")
        capped = cap is not None and bool(_parse(cap.value))
        if capped:
            return
        path = "auth/token/create" + ("-orphan" if orphan else "")
        if period is not None and _parse(period.value) != 0:
            target, text = period.word, "with `period` makes a periodic token, renewable for ever"
            lifetime = Lifetime.never()
        elif orphan and (ttl is None or _parse(ttl.value) == 0):
            target = ttl.word if ttl is not None else where
            text = "makes an orphan token with no TTL: it survives revoking its parent"
            lifetime = Lifetime.unknown()
        else:
            return
        self.report(
            command.target(target.start, target.end),
            f"`vault write {path}` {text}." + ci_fix(command, _TOKEN_KIND),
            lifetime=lifetime,
            severity=Severity.HIGH,
        )

    def _token_role(self, command: Command, role: str, params: dict[str, _Param]) -> None:
        period = params.get("token_period") or params.get("period")
        cap = params.get("token_explicit_max_ttl") or params.get("explicit_max_ttl")
        if period is None or _parse(period.value) == 0 or (cap and _parse(cap.value)):
            return
        self.report(
            command.target(period.word.start, period.word.end),
            f"Token role `{role}` is periodic (`{period.key}={period.value}`): every token made "
            "from it can be renewed for ever." + ci_fix(command, _TOKEN_KIND),
            lifetime=Lifetime.never(),
            severity=Severity.HIGH,
        )

    def _secret_id(
        self,
        command: Command,
        simple: SimpleCommand,
        path: Word,
        mount: str,
        role: str,
        params: dict[str, _Param],
    ) -> None:
        ttl = params.get("ttl")
        if ttl is not None and _parse(ttl.value) != 0:
            return  # an explicit TTL (a run-time value is given the benefit of the doubt)
        writes = _role_writes(command.step.job.pipeline, mount, role)
        configured = _role_setting(writes, "secret_id_ttl")
        if configured is not None and configured > 0:
            return  # the role's own TTL applies (``ttl=0`` also means "the role's")
        if configured is None:
            note = (
                f"unless role `{role}` sets `secret_id_ttl` elsewhere, it never expires "
                "(the default is 0)"
            )
            lifetime, severity = Lifetime.unknown(), Severity.MEDIUM
        else:
            note = f"role `{role}` in this file gives secret IDs no TTL, so it never expires"
            lifetime, severity = Lifetime.never(), Severity.HIGH
            uses = params.get("num_uses")
            limit = _parse(uses.value) if uses is not None else None
            limit = limit or _role_setting(writes, "secret_id_num_uses")
            if limit:
                note += f", though it works only {limit} times"
                severity = Severity.MEDIUM
        self.report(
            command.target(path.start, path.end),
            f"A Vault AppRole secret ID is minted with no `ttl`: {note}."
            + ci_fix(command, _SECRET_ID_KIND),
            lifetime=lifetime,
            severity=severity,
        )


def _params(words: tuple[Word, ...]) -> dict[str, _Param]:
    """``key=value`` arguments of ``vault write`` by key (the last one wins, as in Vault)."""
    out: dict[str, _Param] = {}
    for word in words:
        key, sep, value = word.value.partition("=")
        if sep and key:
            out[key.lower()] = _Param(key, value, word.tail(len(key) + 1) if word.literal else word)
    return out


def _role_writes(pipeline: Pipeline, mount: str, role: str) -> list[dict[str, _Param]]:
    """The parameters of each ``vault write auth/<mount>/role/<role>`` in the file, in order."""
    out: list[dict[str, _Param]] = []
    for command in pipeline.commands():
        if role not in command.text:
            continue
        for simple in invocations(command, *_PROGRAMS):
            words = simple.positionals(*_VALUED)
            if len(words) < 2 or words[0].value != "write":
                continue
            match = _ROLE_PATH.match(words[1].value)
            if match is not None and match.groups() == (mount, role):
                out.append(_params(words[2:]))
    return out


def _role_setting(writes: list[dict[str, _Param]], key: str) -> int | None:
    """The last duration or count ``key`` the file gives the role (0 when it writes the role
    without it); None when it never writes the role or sets it at run time."""
    if not writes:
        return None
    found = 0
    for params in writes:
        given = params.get(key)
        if given is not None:
            value = _parse(given.value)
            if value is None:
                return None
            found = value
    return found


def _seconds(word: Word | None) -> int | None:
    """A flag's duration in seconds; None for a run-time value or no value."""
    if word is None or not word.literal:
        return None
    return _parse(word.value)


def _parse(value: str) -> int | None:
    """Vault durations: seconds (``3600``) or units (``768h``, ``30m``, ``7d``)."""
    return parse_duration(value)
