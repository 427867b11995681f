"""LLC-AZP-001: Azure Pipelines passing service-principal secrets to scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.api import (
    ALNUM,
    AzurePipeline,
    Category,
    CiRule,
    Command,
    Entry,
    FileKind,
    Invalid,
    Job,
    Lifetime,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    ValueKind,
    credential_format,
    credential_shaped,
    credentials,
    fake_token,
    parse_duration,
)

_SP = credentials.by_id("azure-client-secret")
#: The env names that carry the client secret to a script (Terraform's azurerm provider, the
#: Azure SDKs' EnvironmentCredential), upper-case.
_SP_ENV = frozenset(_SP.env)
#: What ``AzureCLI@2`` with ``addSpnToEnvironment: true`` exposes to its script: the client
#: secret of a secret-based service connection, or the federated token of a WIF one.
_SPN_KEY = "servicePrincipalKey"
_ID_TOKEN = "idToken"
_POWERSHELL = ("pwsh", "powershell")
#: Task inputs naming an Azure Resource Manager service connection.
_CONNECTION_INPUTS = frozenset(
    {"azuresubscription", "connectedservicenamearm", "azureresourcemanagerconnection"}
)
_CONNECTION = "the service connection: make it a workload identity federation one"
_FIX = (
    "Convert the Azure Resource Manager service connection to workload identity federation, "
    "run the Azure work in `AzureCLI@2` (with `addSpnToEnvironment: true`, pass `$idToken` "
    "as `ARM_OIDC_TOKEN` with `ARM_USE_OIDC=true` for Terraform), and delete the client secret."
)
#: A PowerShell variable read: ``$env:NAME``, ``${env:NAME}``, ``$NAME``.
_PS_READ = re.compile(r"\$\{?(env:)?([A-Za-z_][A-Za-z0-9_]*)\}?", re.I)
#: A variable read inside a template or runtime expression.
_VARIABLES = re.compile(r"\bvariables(?:\.([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
#: cmd.exe: ``%NAME%`` reads, ``set NAME=`` sets.
_CMD_READ = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)%|\bset\s+\"?([A-Za-z_][A-Za-z0-9_]*)=", re.I)
#: Shaped like an Entra ID client secret, built at run time (not a credential).
_SECRET = fake_token("", 3, seed=41) + "8Q~" + fake_token("", 34, ALNUM + "_~.-", seed=42)

_WIF = """\
trigger:
  - main
pool:
  vmImage: ubuntu-latest
steps:
  - task: AzureCLI@2
    displayName: terraform apply (workload identity federation)
    inputs:
      azureSubscription: prod-wif
      scriptType: bash
      scriptLocation: inlineScript
      addSpnToEnvironment: true
      inlineScript: |
        export ARM_CLIENT_ID="$servicePrincipalId"
        export ARM_TENANT_ID="$tenantId"
        export ARM_OIDC_TOKEN="$idToken"
        export ARM_USE_OIDC=true
        terraform apply -auto-approve
"""


def _azure_name(name: str) -> str:
    """A variable's name as a script's environment sees it (``a.b`` is ``A_B``)."""
    return name.upper().replace(".", "_")


def _lifetime(kind: credentials.CredentialKind) -> Lifetime:
    seconds = parse_duration(kind.lifetime) if kind.lifetime != "static" else None
    return Lifetime.seconds(seconds) if seconds is not None else Lifetime.static()


def _connection(step: Step) -> Entry | None:
    for key, entry in step.with_.items():
        if key.lower() in _CONNECTION_INPUTS:
            return entry
    return None


class ServicePrincipalSecret(CiRule):
    """## What it does
    Flags Azure Pipelines that hand a service principal's client secret to their scripts:
    (a) a variable or step `env:` whose value is a literal credential (critical); (b) a script
    that reads or sets `ARM_CLIENT_SECRET` or `AZURE_CLIENT_SECRET`, or reads
    `$servicePrincipalKey` / `$env:servicePrincipalKey` (what `AzureCLI@2` exposes with
    `addSpnToEnvironment: true` on a secret-based service connection); (c) a step `env:` or a
    variable wiring a stored secret (`$(SP_SECRET)`, from a variable group or the pipeline's
    secret variables) to `ARM_CLIENT_SECRET` or `AZURE_CLIENT_SECRET`. (b) and (c) are
    recommendations (medium): the YAML cannot tell whether the service connection uses
    workload identity federation, so a step that reads `$idToken`, and every step on the same
    service connection, stays quiet. `az login --service-principal -p` is LLC-CI-006's, and
    `$(System.AccessToken)` is the job's own ephemeral token.

    ## Why is this bad?
    A client secret authenticates as the service principal from anywhere until it expires,
    a year after creation by default, and whoever can read the variable group, the pipeline
    settings or a script's environment can copy it. A workload identity federation service
    connection has no secret: each job gets a short-lived token from Azure DevOps, which Entra
    ID exchanges for an access token scoped to that pipeline (OWASP NHI6 Insecure Cloud
    Deployment Configurations, NHI7 Long-Lived Secrets).

    ## Example
    ```yaml
    variables:
      - group: prod-sp
    steps:
      - script: terraform apply -auto-approve
        env:
          ARM_CLIENT_ID: $(SP_CLIENT_ID)
          ARM_CLIENT_SECRET: $(SP_CLIENT_SECRET)
          ARM_TENANT_ID: $(TENANT_ID)
    ```

    Use instead:
    ```yaml
    steps:
      - task: AzureCLI@2
        inputs:
          azureSubscription: prod-wif   # a workload identity federation service connection
          scriptType: bash
          scriptLocation: inlineScript
          addSpnToEnvironment: true
          inlineScript: |
            export ARM_CLIENT_ID="$servicePrincipalId" ARM_TENANT_ID="$tenantId"
            export ARM_OIDC_TOKEN="$idToken" ARM_USE_OIDC=true
            terraform apply -auto-approve
    ```

    ## References
    - Azure DevOps, connect to Azure with workload identity federation: https://learn.microsoft.com/en-us/azure/devops/pipelines/release/configure-workload-identity
    - AzureCLI@2 task, `addSpnToEnvironment`: https://learn.microsoft.com/en-us/azure/devops/pipelines/tasks/reference/azure-cli-v2
    - Azure Pipelines, secret variables: https://learn.microsoft.com/en-us/azure/devops/pipelines/process/set-secret-variables
    """

    META = RuleMeta(
        id="LLC-AZP-001",
        name="azure-service-principal-secret",
        summary="Azure Pipelines passing service-principal secrets to scripts",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI6", "NHI7"),
        fix=_FIX,
        kinds=frozenset({FileKind.AZURE_PIPELINES}),
        # No triggers: a literal credential may sit under any name of the credential table,
        # and the rule runs on Azure Pipelines files only.
        triggers=(),
    )

    VALID = [
        Valid(_WIF),
        # The job's own ephemeral token, a variable group for non-credential settings, a
        # template, and the secret only in a comment.
        Valid(
            "variables:\n  - group: build-settings\n  - template: vars/common.yml\n"
            "  - name: REGION\n    value: westeurope\n"
            "steps:\n"
            "  - template: steps/build.yml\n"
            "  - script: |\n"
            "      # export ARM_CLIENT_SECRET=$(SP_SECRET)\n"
            "      az devops configure --defaults organization=$(System.CollectionUri)\n"
            "      echo 'ARM_CLIENT_SECRET is not used here'\n"
            "    env:\n"
            "      AZURE_DEVOPS_EXT_PAT: $(System.AccessToken)\n"
            "      SYSTEM_ACCESSTOKEN: $(System.AccessToken)\n"
        ),
        # Placeholders and empty values are not credentials; a client id is public.
        Valid(
            "variables:\n"
            "  ARM_CLIENT_SECRET: ''\n"
            "  AZURE_CLIENT_SECRET: <your-client-secret>\n"
            "  ARM_CLIENT_ID: 00000000-0000-0000-0000-000000000000\n"
            "jobs:\n  - job: plan\n    steps:\n      - script: terraform plan\n"
        ),
        # The same service connection is WIF: a step on it reads `$idToken`.
        Valid(
            _WIF + "  - task: AzureCLI@2\n    inputs:\n      azureSubscription: prod-wif\n"
            "      scriptType: pscore\n      scriptLocation: inlineScript\n"
            "      addSpnToEnvironment: true\n"
            "      inlineScript: Write-Output ($env:servicePrincipalKey -eq $null)\n"
        ),
        # PowerShell: single-quoted text and comments do not read the variable.
        Valid(
            "steps:\n  - pwsh: |\n"
            "      Write-Output 'set $env:ARM_CLIENT_SECRET in the library'\n"
            "      Get-ChildItem env: # $env:ARM_CLIENT_SECRET\n"
        ),
    ]
    INVALID = [
        # (c) a variable group's secret wired to Terraform's env, at stage and job level.
        Invalid(
            "variables:\n  - group: prod-sp\n"
            "stages:\n  - stage: deploy\n    jobs:\n      - deployment: infra\n"
            "        environment: prod\n"
            "        strategy:\n          runOnce:\n            deploy:\n              steps:\n"
            "                - script: terraform apply -auto-approve\n"
            "                  env:\n"
            "                    ARM_CLIENT_ID: $(SP_CLIENT_ID)\n"
            "                    ARM_CLIENT_SECRET: $(SP_CLIENT_SECRET)  # expect: LLC-AZP-001\n"
        ),
        # (b) the secret-based connection's key handed on, in bash and in PowerShell.
        Invalid(
            "steps:\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: prod-sp\n"
            "      scriptType: bash\n      scriptLocation: inlineScript\n"
            "      addSpnToEnvironment: true\n"
            "      inlineScript: |\n"
            '        export ARM_CLIENT_SECRET="$servicePrincipalKey"  # expect: LLC-AZP-001\n'
            "        terraform apply -auto-approve\n"
            "  - task: AzureCLI@2\n    inputs:\n      azureSubscription: prod-sp\n"
            "      scriptType: pscore\n      scriptLocation: inlineScript\n"
            "      addSpnToEnvironment: true\n"
            "      inlineScript: |\n"
            "        $secret = $env:servicePrincipalKey  # expect: LLC-AZP-001\n"
            "        Connect-AzAccount -ServicePrincipal -Credential $secret\n"
        ),
        # (a) a literal secret in pipeline variables (list form), and a script reading one.
        Invalid(
            "variables:\n"
            "  - name: ARM_CLIENT_SECRET\n"
            f"    value: {_SECRET}  # expect: LLC-AZP-001\n"
            "steps:\n"
            "  - bash: |\n"
            "      echo building\n"
            '      python deploy.py --secret "$AZURE_CLIENT_SECRET"  # expect: LLC-AZP-001\n'
            "  - script: |\n"
            "      # reported at its definition above\n"
            '      terraform apply -var "client_secret=$(ARM_CLIENT_SECRET)"\n'
            '      terraform apply -var "secret=$(azure_client_secret)"  # expect: LLC-AZP-001\n',
            path="ci/azure-pipelines-release.yml",
        ),
    ]

    #: Service connections a step shows to be federated, for the pipeline being checked.
    _wif: frozenset[str] = frozenset()
    #: Steps whose script was reported: one finding per script, on its first use.
    _scripts: frozenset[int] = frozenset()

    def check_pipeline(self, pipeline: Pipeline) -> None:
        self._wif = self._federated(pipeline)
        self._scripts = frozenset()
        seen: set[int] = set()
        # A stage's variables are in each of its jobs' env: report each definition once.
        scopes = [(pipeline.env, None), *((job.env, job) for job in pipeline.jobs)]
        for env, job in scopes:
            for entry in env.values():
                if id(entry.value_node) not in seen:
                    seen.add(id(entry.value_node))
                    self._entry(entry, pipeline, job, "variable")

    def check_step(self, step: Step) -> None:
        for entry in step.env.values():
            self._entry(entry, step.job.pipeline, step.job, "step env", step)

    def check_command(self, command: Command) -> None:
        step = command.step
        if id(step) in self._scripts or self._quiet(step):
            return
        env = {_azure_name(k): e for k, e in step.scoped_env().items()}
        uses = [
            use
            for use in sorted(self._uses(command))
            if (entry := env.get(_azure_name(use[2]))) is None
            or entry.kind not in (ValueKind.SECRET, ValueKind.LITERAL)  # reported at the env
        ]
        if not uses:
            return
        start, end, name = uses[0]
        if any(n == _SPN_KEY for _, _, n in uses):
            message = (
                "The script hands on the service connection's client secret "
                "(`servicePrincipalKey`, exposed by `addSpnToEnvironment`): a secret that "
                "works from anywhere until it expires. If the connection uses a secret, "
                "convert it to workload identity federation; the task then exposes `$idToken`."
            )
        else:
            message = (
                f"The script uses a service-principal client secret (`{name}`): a secret "
                "that works from anywhere until it expires. Sign in through a workload "
                "identity federation service connection instead (`AzureCLI@2` exposes "
                "`$idToken`)."
            )
        self._scripts |= {id(step)}
        connection = _connection(step)
        related = [] if connection is None else [(connection.value_node, _CONNECTION)]
        self.report(
            command.target(start, end),
            message,
            lifetime=_lifetime(_SP),
            related=related,
        )

    # -- (a) and (c) ---------------------------------------------------------------------------

    def _entry(
        self,
        entry: Entry,
        pipeline: Pipeline,
        job: Job | None,
        where: str,
        step: Step | None = None,
    ) -> None:
        value = entry.value
        if value is None or not value.strip():
            return
        kind = credentials.for_env(_azure_name(entry.key))
        if entry.kind is ValueKind.LITERAL:
            if kind is not None and not kind.secret:
                return
            shaped = credential_format(value) is not None or (
                kind is not None and credential_shaped(value)
            )
            if not shaped or self.context.is_placeholder(value):
                return
            label = kind.name if kind is not None else credential_format(value)
            # On the value, so that a SRC finding on the same value and line merges into this.
            self.report(
                entry.value_node,
                f"The {where} `{entry.key}` holds a literal {label} in the pipeline file: a "
                "long-lived credential readable by anyone with the repository.",
                lifetime=_lifetime(kind) if kind is not None else Lifetime.static(),
                value=value,
                severity=Severity.CRITICAL,
                fix=(kind.fix("azure") if kind is not None else None),
            )
            return
        if entry.kind is not ValueKind.SECRET or kind is None or kind.id != _SP.id:
            return
        if step is not None and self._quiet(step):
            return
        stored = ", ".join(f"`$({s})`" for s in entry.secrets) or "a stored secret"
        self.report(
            entry.key_node,
            f"The {where} `{entry.key}` hands {stored} (a variable group or secret variable) "
            "to the job as a service-principal client secret, which works from anywhere "
            "until it expires. Sign in through a workload identity federation service "
            "connection instead (`AzureCLI@2` exposes `$idToken`).",
            lifetime=_lifetime(_SP),
            related=self._groups(pipeline, job),
        )

    # -- (b) -----------------------------------------------------------------------------------

    def _uses(self, command: Command) -> Iterator[tuple[int, int, str]]:
        """``(start, end, name)`` of each place the command reads or sets a client secret."""
        script = command.step.script
        shell = (script.shell or "").lower() if script is not None else ""
        if shell.startswith(_POWERSHELL) or shell == "cmd":
            text = command.text
            if script is not None and script.expression is not None:
                live = _ps_mask(text, quoted=False) if shell != "cmd" else text
                for match in script.expression.finditer(live):
                    name = _macro(match.group(0))
                    if name is not None and _azure_name(name) in _SP_ENV:
                        yield match.start(), match.end(), name
            masked = _ps_mask(text) if shell != "cmd" else text
            reads = _CMD_READ if shell == "cmd" else _PS_READ
            for match in reads.finditer(masked):
                name = match.group(match.lastindex or 0)
                env = shell == "cmd" or match.group(1) is not None
                if env and _azure_name(name) in _SP_ENV:
                    yield match.start(), match.end(), name
                elif env and name.lower() == _SPN_KEY.lower():
                    yield match.start(), match.end(), _SPN_KEY
            return
        yield from _shell_uses(command)

    def _federated(self, pipeline: Pipeline) -> frozenset[str]:
        """Service connections some step shows to be WIF (its script reads ``$idToken``)."""
        out = set()
        for step in pipeline.steps():
            if _reads_id_token(step):
                connection = _connection(step)
                out.add(connection.value if connection is not None else "")
        return frozenset(c for c in out if c)

    def _quiet(self, step: Step) -> bool:
        if _reads_id_token(step):
            return True
        connection = _connection(step)
        return connection is not None and connection.value in self._wif

    def _groups(self, pipeline: Pipeline, job: Job | None) -> list[tuple[object, str]]:
        """The first variable group in scope: where a stored secret most likely lives."""
        if not isinstance(pipeline, AzurePipeline):
            return []
        found = pipeline.groups.get(job.job_id if job else "", ())
        return [(g.node, f"variable group `{g.name}` may hold the secret") for g in found[:1]]


def _ps_mask(text: str, *, quoted: bool = True) -> str:
    """PowerShell text with what does not expand blanked: single-quoted strings, backtick
    escapes (`` `$ ``) and ``#`` comments (a ``#`` that starts a token outside quotes).
    ``quoted=False`` blanks only the comments: Azure expands its own ``$(X)`` everywhere else.
    """
    out = list(text)
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote == "'":
            out[i] = " " if quoted else ch
            if ch == "'":
                quote = ""
        elif ch == "`":
            if quoted:
                out[i : i + 2] = " " * len(out[i : i + 2])
            i += 1
        elif ch == '"':
            quote = "" if quote else '"'
        elif quote == "" and ch == "'":
            quote, out[i] = "'", (" " if quoted else ch)
        elif quote == "" and ch == "#" and (i == 0 or text[i - 1].isspace()):
            newline = text.find("\n", i)
            stop = len(text) if newline < 0 else newline
            out[i:stop] = " " * (stop - i)
            i = stop
            continue
        i += 1
    return "".join(out)


def _macro(text: str) -> str | None:
    """The variable an Azure interpolation reads: ``$(name)``, ``${{ variables.name }}``,
    ``$[ variables['name'] ]``; None for anything else (parameters, functions)."""
    if text.startswith("$(") and text.endswith(")"):
        return text[2:-1]
    match = _VARIABLES.search(text)
    return (match.group(1) or match.group(2)) if match is not None else None


def _shell_uses(command: Command) -> Iterator[tuple[int, int, str]]:
    """POSIX shell: variables read by any word, and assignments (``export X=...``)."""
    for simple in command.simple():
        if (
            simple.name == "az"
            and any(w.value == "login" for w in simple.args[:2])
            and simple.option("-p", "--password") is not None
        ):
            continue  # `az login --service-principal -p`: LLC-CI-006
        for word in (*simple.words, *(w for _, w in simple.assignments)):
            for expression in word.expressions:
                name = _macro(expression)
                if name is not None and _azure_name(name) in _SP_ENV:
                    at = command.text.find(expression, word.start)
                    yield (
                        (at if at >= 0 else word.start),
                        (at + len(expression) if at >= 0 else word.end),
                        name,
                    )
        for name, word in simple.assignments:
            if name in _SP_ENV:
                start = word.start - len(name) - 1
                ok = command.text[start : word.start] == name + "="
                yield (start if ok else word.start), max(word.end, word.start + 1), name
        words = list(simple.words)
        words += [w for _, w in simple.assignments]
        if simple.heredoc_word is not None:
            words.append(simple.heredoc_word)
        for word in words:
            for variable in word.variables:
                if variable in _SP_ENV or variable == _SPN_KEY:
                    yield word.start, word.end, variable
                    break


def _reads_id_token(step: Step) -> bool:
    """Whether the step's script reads ``idToken`` (the WIF connection's federated token)."""
    text = step.run
    if not text or _ID_TOKEN.lower() not in text.lower():
        return False
    return re.search(r"\$\{?(?:env:)?idToken\b", text, re.I) is not None
