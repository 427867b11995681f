"""LLC-CI-006: Cloud CLI minting long-lived keys or secrets (gcloud, az)."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone

from scanner.api import (
    ALNUM,
    COMMAND_KINDS,
    Category,
    CiRule,
    Command,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    SimpleCommand,
    Stored,
    Word,
    fake_token,
    invalid_in,
    valid_in,
)
from scanner.api.ci.mint import AZ_VALUED as _AZ_VALUED
from scanner.api.ci.mint import GCLOUD_VALUED as _GCLOUD_VALUED
from scanner.api.ci.mint import ci_fix, flag, invocations, span, through, verbs

_GCP_KIND = "gcp-service-account-key"
_AZURE_KIND = "azure-client-secret"
_YEAR_DAYS = 365
_DAY = 86400
_CERT_FILE = re.compile(r"\.(?:pem|crt|cer|pfx|p12)$", re.IGNORECASE)
_FALSE = frozenset({"false", "0", "no", "n", "f"})
_SECRET = fake_token("Q8b~", 36, ALNUM, seed=606)
_SOON = (date.today() + timedelta(days=30)).isoformat()
_LATE = (date.today() + timedelta(days=400)).isoformat()


class CloudCliLongLivedKey(CiRule):
    """## What it does
    Flags cloud CLI commands, in every CI system's scripts and in shell scripts and
    Makefiles, that mint or use a long-lived cloud key:
    - `gcloud iam service-accounts keys create` (high): a service-account key that never
      expires (user-managed keys have no expiry unless an org policy sets one);
    - `gcloud auth activate-service-account --key-file …` (medium): signs in with such a key;
    - `gh secret set … "$(gh auth token)"` or `gh auth token | gh secret set …` (high): the
      signed-in person's OAuth token, which does not expire, stored for pipelines to use;
    - `az ad sp create-for-rbac` (high) unless it makes no password (`--create-password
      false`, `--cert`, `--create-cert`, `--keyvault`): the client secret it prints is
      valid for `--years`, one year by default;
    - `az ad app credential reset` / `az ad sp credential reset` giving a password valid for
      more than `credential_max_validity_days` (90 by default: medium; high above 365 days),
      one year when neither `--years` nor `--end-date` is given;
    - `az login --service-principal -p <secret>` (medium; critical when the secret is written
      in the file). A certificate file, `--federated-token` and `--identity` stay quiet.

    `gcloud auth login --cred-file=…` (a workload-identity configuration), commented-out lines
    and `echo`ed text are left alone.

    ## Why is this bad?
    A service-account key or a client secret is a password for a cloud identity that works from
    anywhere until it expires or is deleted; once printed in a job it lives on in logs, caches
    and secret stores (OWASP NHI7 Long-Lived Secrets, NHI1 Improper Offboarding). Every CI
    system here can exchange its own short-lived OIDC token for cloud credentials instead.

    ## Example
    ```bash
    gcloud iam service-accounts keys create key.json --iam-account=ci@p.iam.gserviceaccount.com
    az ad sp create-for-rbac --name ci --role contributor --scopes "/subscriptions/$SUB"
    az login --service-principal -u "$CLIENT_ID" -p "$CLIENT_SECRET" --tenant "$TENANT_ID"
    ```

    Use instead:
    ```yaml
    # GitHub Actions
    permissions:
      id-token: write
    steps:
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ vars.GCP_WIF_PROVIDER }}
          service_account: ci@p.iam.gserviceaccount.com
      - uses: azure/login@v2
        with:
          client-id: ${{ vars.AZURE_CLIENT_ID }}
          tenant-id: ${{ vars.AZURE_TENANT_ID }}
          subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}
    ```
    ```yaml
    # GitLab CI
    deploy:
      id_tokens:
        AZURE_TOKEN: { aud: api://AzureADTokenExchange }
        GCP_TOKEN: { aud: "$GCP_WIF_AUDIENCE" }
      script:
        - >
          az login --service-principal -u "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID"
          --federated-token "$AZURE_TOKEN"
        - echo "$GCP_TOKEN" > .ci_token && gcloud auth login --cred-file=wif-config.json
    ```
    ```yaml
    # CircleCI (context job) and Bitbucket (`oidc: true`): the same, with
    # $CIRCLE_OIDC_TOKEN_V2 or $BITBUCKET_STEP_OIDC_TOKEN as the federated token
    - run: >
        az login --service-principal -u "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID"
        --federated-token "$CIRCLE_OIDC_TOKEN_V2"
    ```
    ```yaml
    # Azure Pipelines: a workload identity federation service connection
    - task: AzureCLI@2
      inputs:
        azureSubscription: prod-wif
        scriptType: bash
        scriptLocation: inlineScript
        inlineScript: az group list
    ```
    ```groovy
    // Jenkins: agents with a managed identity or an attached service account
    sh 'az login --identity'
    ```
    ```bash
    # Scripts: federated credentials instead of secrets
    az ad sp create-for-rbac --name ci --create-password false
    az ad app federated-credential create --id "$APP_ID" --parameters @github-main.json
    ```

    ## References
    - Google, best practices for service-account keys: https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys
    - Google, federation with deployment pipelines (Azure DevOps, GitHub, GitLab):
      https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines
    - `az ad sp create-for-rbac` (`--years`: "Default: 1 year"; `--create-password`): https://learn.microsoft.com/cli/azure/ad/sp#az-ad-sp-create-for-rbac
    - `az ad app credential reset`: https://learn.microsoft.com/cli/azure/ad/app/credential#az-ad-app-credential-reset
    - `az login --federated-token`: https://learn.microsoft.com/cli/azure/reference-index#az-login
    """

    META = RuleMeta(
        id="LLC-CI-006",
        name="cloud-cli-long-lived-key",
        summary="Cloud CLI minting long-lived keys or secrets (gcloud, az)",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Use Workload Identity Federation (Google) or federated credentials (Entra ID) "
        "with the CI system's OIDC token; block key creation with the "
        "`iam.disableServiceAccountKeyCreation` org policy and Entra credential policies.",
        kinds=COMMAND_KINDS,
        triggers=("gcloud", "az ", "gh "),
        requires=(
            "auth token",
            "keys",
            "activate-service-account",
            "create-for-rbac",
            "credential",
            "service-principal",
        ),
    )
    #: Only commands that mention a trigger are parsed and checked.
    COMMAND_WORDS = META.triggers

    VALID = [
        # gh: the job's own token handed to gh, and a secret set from a file, not a token.
        *valid_in(
            'GH_TOKEN="$GITHUB_TOKEN" gh release create "$TAG" dist/*\n'
            "gh secret set DEPLOY_CONFIG < deploy-config.json\n"
            "gh auth token > /dev/null && echo signed in\n"
        ),
        # Workload identity: a gcloud external_account config, a federated az login.
        *valid_in(
            "gcloud auth login --cred-file=wif-config.json\n"
            'az login --service-principal -u "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" \\\n'
            '  --federated-token "$(cat "$AZURE_FEDERATED_TOKEN_FILE")"\n'
            "az login --identity\n",
            federated=True,
        ),
        # No password made; a certificate; a credential that ends within 90 days.
        *valid_in(
            "az ad sp create-for-rbac --name ci --create-password false\n"
            "az ad sp create-for-rbac --name ci --create-cert --keyvault ci-vault --cert ci\n"
            f'az ad app credential reset --id "$APP_ID" --end-date {_SOON}\n'
            'az login --service-principal -u "$CLIENT_ID" -p ci-cert.pem --tenant "$TENANT"\n'
        ),
        # Listing and deleting keys, a commented-out key, an echo, a placeholder password.
        *valid_in(
            'gcloud iam service-accounts keys list --iam-account="$SA"\n'
            'gcloud iam service-accounts keys delete "$KEY_ID" --iam-account="$SA" -q\n'
            '# gcloud iam service-accounts keys create key.json --iam-account="$SA"\n'
            'echo "az ad sp create-for-rbac --name ci"\n'
            "az login --service-principal -u app-id -p '<client-secret>' --tenant tenant\n"
        ),
    ]
    INVALID = [
        # A person's gh token stored for pipelines, by argument and by pipe.
        *invalid_in(
            'gh secret set RELEASE_TOKEN --body "$(gh auth token)"  # expect: LLC-CI-006\n'
            "gh auth token | gh secret set -R org/repo BOT_TOKEN  # expect: LLC-CI-006\n"
        ),
        *invalid_in(
            "gcloud iam service-accounts keys create key.json"
            " --iam-account=ci@p.iam.gserviceaccount.com  # expect: LLC-CI-006\n"
            "gcloud auth activate-service-account --key-file=key.json  # expect: LLC-CI-006\n"
        ),
        # A service principal with a one-year secret; resets with longer ones.
        *invalid_in(
            'az ad sp create-for-rbac --name ci --role contributor --scopes "/subscriptions/$SUB"'
            " > sp.json  # expect: LLC-CI-006\n"
            'az ad app credential reset --id "$APP_ID" --years 2  # expect: LLC-CI-006\n'
            f'az ad sp credential reset --id "$SP_ID" --end-date {_LATE}  # expect: LLC-CI-006\n'
        ),
        # A stored client secret on the command line, behind sudo and global options.
        *invalid_in(
            'sudo az login --service-principal --username "$CLIENT_ID" \\\n'
            '  --password "$CLIENT_SECRET" --tenant "$TENANT_ID"  # expect: LLC-CI-006\n',
            env={"CLIENT_SECRET": Stored("AZURE_CLIENT_SECRET")},
        ),
        # A literal secret, and a key minted in beta gcloud into a variable.
        *invalid_in(
            f"az login --service-principal -u app-id -p {_SECRET} --tenant t"
            "  # expect: LLC-CI-006\n"
            'KEY=$(gcloud beta iam service-accounts keys create - --iam-account="$SA")'
            "  # expect: LLC-CI-006\n"
        ),
    ]

    def check_command(self, command: Command) -> None:
        for simple in invocations(command, "gcloud"):
            self._gcloud(command, simple)
        for simple in invocations(command, "az"):
            self._az(command, simple)
        for simple in invocations(command, "gh"):
            self._gh_token_stored(command, simple)

    # -- gh -------------------------------------------------------------------------------

    def _gh_token_stored(self, command: Command, simple: SimpleCommand) -> None:
        """``gh secret set X --body "$(gh auth token)"`` (or piped): a person's OAuth token,
        which does not expire, becomes a standing secret every later pipeline run uses."""
        if verbs(simple, 2) != ["secret", "set"]:
            return
        source = next(
            (
                sub
                for word in simple.words
                for sub in word.substitutions
                if sub.name == "gh" and verbs(sub, 2) == ["auth", "token"]
            ),
            None,
        )
        feeder = simple.piped_from
        if (
            source is None
            and feeder is not None
            and feeder.name == "gh"
            and verbs(feeder, 2) == ["auth", "token"]
        ):
            source = feeder
        if source is None:
            return
        self.report(
            command.target(simple.start, simple.end),
            "`gh auth token` is stored as a secret: the signed-in person's OAuth token, which "
            "does not expire, becomes a standing credential every later run acts with (and "
            "acts as that person). Use the job's `GITHUB_TOKEN` with explicit `permissions:`, "
            "or a GitHub App installation token minted per job.",
            lifetime=Lifetime.never(),
            severity=Severity.HIGH,
            fix="Mint a token per job (`GITHUB_TOKEN`, `actions/create-github-app-token`) "
            "instead of storing a person's token.",
        )

    # -- gcloud ---------------------------------------------------------------------------

    def _gcloud(self, command: Command, simple: SimpleCommand) -> None:
        words = list(simple.positionals(*_GCLOUD_VALUED)[:6])
        track = 1 if words and words[0].value in ("alpha", "beta") else 0
        words = words[track:]
        action = [w.value for w in words[:4]]
        if action == ["iam", "service-accounts", "keys", "create"]:
            self.report(
                command.target(*through(simple, track + 4, _GCLOUD_VALUED)),
                "`gcloud iam service-accounts keys create` mints a user-managed "
                "service-account key: a JSON private key that never expires."
                + ci_fix(command, _GCP_KIND),
                lifetime=Lifetime.static(),
                severity=Severity.HIGH,
            )
        elif action[:2] == ["auth", "activate-service-account"]:
            given = flag(simple, "--key-file")
            where = (
                span(*given) if given is not None else through(simple, track + 2, _GCLOUD_VALUED)
            )
            self.report(
                command.target(*where),
                "`gcloud auth activate-service-account --key-file` signs in with a "
                "service-account key, a credential that never expires."
                + ci_fix(command, _GCP_KIND),
                lifetime=Lifetime.static(),
                severity=Severity.MEDIUM,
            )

    # -- az -------------------------------------------------------------------------------

    def _az(self, command: Command, simple: SimpleCommand) -> None:
        action = verbs(simple, 4, _AZ_VALUED)
        if action[:3] == ["ad", "sp", "create-for-rbac"]:
            self._create_for_rbac(command, simple)
        elif action[:4] in (
            ["ad", "app", "credential", "reset"],
            ["ad", "sp", "credential", "reset"],
        ):
            self._credential_reset(command, simple, action[1])
        elif action[:1] == ["login"] and simple.has("--service-principal"):
            self._login(command, simple)

    def _create_for_rbac(self, command: Command, simple: SimpleCommand) -> None:
        if _certificate(simple) or _off(simple, "--create-password"):
            return
        days = self._days(simple)
        if days is None:
            return
        self.report(
            command.target(*through(simple, 3, _AZ_VALUED)),
            f"`az ad sp create-for-rbac` creates a service principal with a client secret "
            f"valid for {_describe_days(days)}, printed into the job."
            + ci_fix(command, _AZURE_KIND),
            lifetime=Lifetime.seconds(days * _DAY),
            severity=Severity.HIGH,
        )

    def _credential_reset(self, command: Command, simple: SimpleCommand, what: str) -> None:
        if _certificate(simple):
            return
        days = self._days(simple)
        limit = self.context.thresholds.credential_max_validity_days
        if days is None or days <= limit:
            return
        given = flag(simple, "--years", "--end-date")
        where = span(*given) if given is not None else through(simple, 4, _AZ_VALUED)
        self.report(
            command.target(*where),
            f"`az ad {what} credential reset` gives the "
            f"{'app' if what == 'app' else 'service principal'} a client secret valid for "
            f"{_describe_days(days)}, above the {limit}-day threshold."
            + ci_fix(command, _AZURE_KIND),
            lifetime=Lifetime.seconds(days * _DAY),
            severity=Severity.HIGH if days > _YEAR_DAYS else Severity.MEDIUM,
        )

    def _login(self, command: Command, simple: SimpleCommand) -> None:
        if simple.has("--federated-token", "--identity", "--certificate"):
            return
        given = flag(simple, "-p", "--password", "--client-secret")
        if given is None or given[1] is None:
            return
        value = given[1]
        if not value.value or _CERT_FILE.search(value.value):
            return  # a certificate file, not a client secret
        literal = value.literal
        if literal and self.context.is_placeholder(value.value):
            return
        self.report(
            command.target(value.start, value.end),
            "`az login --service-principal` signs in with a client secret "
            + ("written in the file" if literal else "passed on the command line")
            + ": a long-lived password for the service principal."
            + ci_fix(command, _AZURE_KIND),
            lifetime=Lifetime.static(),
            value=value.value if literal else None,
            severity=Severity.CRITICAL if literal else Severity.MEDIUM,
        )

    def _days(self, simple: SimpleCommand) -> int | None:
        """Validity in days from ``--years`` or ``--end-date`` (one year when neither is
        given, Azure CLI's default); None when set at run time or unreadable."""
        years = flag(simple, "--years")
        if years is not None:
            word = years[1]
            if word is None or not word.literal or not word.value.isdigit():
                return None
            return int(word.value) * _YEAR_DAYS
        end = flag(simple, "--end-date")
        if end is not None:
            return _days_until(end[1], self.context.now)
        return _YEAR_DAYS


def _certificate(simple: SimpleCommand) -> bool:
    """A certificate credential instead of a password (``--cert``, ``--create-cert``)."""
    return simple.has("--cert", "--create-cert", "--keyvault")


def _off(simple: SimpleCommand, name: str) -> bool:
    given = flag(simple, name)
    return given is not None and given[1] is not None and given[1].value.lower() in _FALSE


def _days_until(word: Word | None, now: float) -> int | None:
    if word is None or not word.literal:
        return None
    text = word.value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    seconds = moment.timestamp() - (now or time.time())
    return max(0, int(seconds // _DAY))


def _describe_days(days: int) -> str:
    if days % _YEAR_DAYS == 0 and days:
        years = days // _YEAR_DAYS
        return f"{years} year{'' if years == 1 else 's'}"
    return f"{days} days"
