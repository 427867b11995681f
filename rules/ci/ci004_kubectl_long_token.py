"""LLC-CI-004: Kubernetes service-account token requested for a long duration."""

from __future__ import annotations

import re

from scanner.api import (
    COMMAND_KINDS,
    Category,
    CiRule,
    Command,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    SimpleCommand,
    describe_duration,
    invalid_in,
    parse_duration,
    valid_in,
)
from scanner.api.ci.mint import ci_fix, flag, invocations, span, through, verbs

_KIND = "kubernetes-token"
#: kubectl's global options that take a separate value (before or after the verb).
_GLOBAL_VALUED = frozenset(
    {
        "-n",
        "--namespace",
        "--context",
        "--cluster",
        "--kubeconfig",
        "--user",
        "-s",
        "--server",
        "--token",
        "--as",
        "--as-group",
        "--request-timeout",
        "-o",
        "--output",
        "--audience",
        "--bound-object-kind",
        "--bound-object-name",
        "--bound-object-uid",
        "--duration",
        "--type",
        "--from-literal",
        "--from-file",
        "-f",
        "--filename",
    }
)
#: Go's ``time.ParseDuration``, which kubectl's ``--duration`` uses: no days, no years, and a
#: unit on every number but a lone zero. kubectl refuses anything else, so no token is made.
_GO_DURATION = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)")
_SA_TOKEN_TYPE = "kubernetes.io/service-account-token"
_TYPE_LINE = re.compile(r"^\s*type:\s*[\"']?kubernetes\.io/service-account-token[\"']?\s*(?:#.*)?$")
_KIND_SECRET = re.compile(r"^\s*kind:\s*[\"']?Secret[\"']?\s*(?:#.*)?$", re.MULTILINE)
_DAY = 86400
_MONTH = 30 * _DAY


class KubectlLongToken(CiRule):
    """## What it does
    Flags service-account tokens made to outlive the job, from the scripts of every CI system
    and from shell scripts and Makefiles:
    - `kubectl create token <sa> --duration <d>` with `<d>` above the `k8s_token_max_seconds`
      threshold (one hour by default): low up to 24 hours, medium above 24 hours, high above
      30 days. A token bound to an object (`--bound-object-kind Pod`) dies with it, so it is
      one step lower. No `--duration`, `--duration=0s`, and values kubectl itself refuses
      (`1y`, `30d`: Go durations have no days) are left alone;
    - `kubectl create secret generic … --type=kubernetes.io/service-account-token` and a
      heredoc `kubectl apply|create -f -` of a `Secret` of that type (high): a legacy token
      that never expires.

    The OpenShift CLI (`oc`) is read the same way, and its deprecated legacy-token commands
    too: `oc sa new-token` / `oc serviceaccounts new-token` (high: a new token secret that
    never expires) and `oc sa get-token` (medium: it prints the service account's existing
    legacy token, which never expires; on clusters without token secrets it fails).

    ## Why is this bad?
    A service-account token is a bearer credential for the cluster's API: anyone who reads it
    from a log, an artifact or a file left on the runner acts as the service account until it
    expires, and a legacy token secret never does (OWASP NHI7 Long-Lived Secrets, NHI1
    Improper Offboarding). CI systems can reach clusters with their own short-lived OIDC
    tokens instead.

    ## Example
    ```bash
    kubectl create token deployer --duration 8760h > token.txt
    kubectl create secret generic deployer-token --type=kubernetes.io/service-account-token
    ```

    Use instead:
    ```bash
    # Any system, when a token is unavoidable: short, and bound to the pod that uses it
    kubectl create token deployer --duration 10m --bound-object-kind Pod --bound-object-name "$POD"
    ```
    ```yaml
    # GitHub Actions: OIDC to the cloud, then its cluster credentials (EKS shown)
    permissions:
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:aws:iam::123456789012:role/deploy, aws-region: us-east-1 }
      - run: aws eks update-kubeconfig --name prod
    ```
    ```yaml
    # GitLab CI: the GitLab agent for Kubernetes (`ci_access`) authorises the job's own token
    deploy:
      script:
        - kubectl config use-context my-group/my-project:prod-agent
        - kubectl apply -f k8s/
    ```
    ```yaml
    # CircleCI (a job with a context) and Bitbucket (`oidc: true`): federate to the cloud
    # with $CIRCLE_OIDC_TOKEN_V2 or $BITBUCKET_STEP_OIDC_TOKEN, then fetch cluster credentials
    - run: aws eks update-kubeconfig --name prod
    ```
    ```yaml
    # Azure Pipelines: a workload-identity service connection for AKS
    - task: Kubernetes@1
      inputs:
        connectionType: Azure Resource Manager
        azureSubscriptionEndpoint: aks-workload-identity
        azureResourceGroup: prod-rg
        kubernetesCluster: prod-aks
        command: apply
        arguments: -f k8s/
    ```
    ```groovy
    // Jenkins: agents running in the cluster use their own projected, auto-rotated token
    sh 'kubectl apply -f k8s/'
    ```

    ## References
    - `kubectl create token` (`--duration`, `--bound-object-kind`): https://kubernetes.io/docs/reference/kubectl/generated/kubectl_create/kubectl_create_token/
    - Legacy service-account token secrets: https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token
    - Go duration syntax (`time.ParseDuration`): https://pkg.go.dev/time#ParseDuration
    """

    META = RuleMeta(
        id="LLC-CI-004",
        name="kubectl-long-token",
        summary="Kubernetes service-account token requested for a long duration",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Reach the cluster with the CI system's OIDC token (EKS access entries, GKE "
        "Workload Identity, AKS Entra, or the cluster's OIDC authenticator), or request a "
        "short token bound to the pod that uses it.",
        kinds=COMMAND_KINDS,
        triggers=("kubectl", "oc "),
        requires=("token",),
    )
    #: Only commands that mention a trigger are parsed and checked.
    COMMAND_WORDS = META.triggers

    VALID = [
        # A short token bound to the pod that uses it.
        *valid_in(
            "kubectl create token deployer --duration 10m \\\n"
            '  --bound-object-kind Pod --bound-object-name "$POD" > token.txt\n'
        ),
        # The server default, an explicit zero, an hour (the threshold), a variable.
        *valid_in(
            "kubectl create token deployer\n"
            "kubectl create token deployer --duration=0s\n"
            "kubectl -n ci create token deployer --duration 1h\n"
            'kubectl create token deployer --duration "$TOKEN_TTL"\n'
        ),
        # Other secrets, a commented-out token, an echo, a duration kubectl refuses.
        *valid_in(
            "kubectl create secret generic app-config --from-literal=mode=ci\n"
            "# kubectl create token admin --duration=8760h\n"
            'echo "kubectl create token admin --duration=8760h"\n'
            "kubectl create token deployer --duration 1y || true\n"
            "kubectl get secret -o jsonpath='{.data.token}' ci-token\n"
        ),
    ]
    INVALID = [
        *invalid_in(
            "kubectl create token deployer --duration 8760h > token.txt  # expect: LLC-CI-004\n"
        ),
        # Global options first, `=` form, sudo, a continuation; a legacy token secret.
        *invalid_in(
            "sudo kubectl --context prod -n ci create token deployer \\\n"
            "  --duration=48h  # expect: LLC-CI-004\n"
            "kubectl create secret generic deployer-token \\\n"
            "  --type=kubernetes.io/service-account-token  # expect: LLC-CI-004\n"
        ),
        # A legacy token Secret applied from a heredoc (not in Makefiles: no heredocs there).
        *invalid_in(
            "kubectl apply -f - <<EOF\n"
            "apiVersion: v1\n"
            "kind: Secret\n"
            "metadata:\n"
            "  name: ci-token\n"
            "  annotations:\n"
            "    kubernetes.io/service-account.name: deployer\n"
            "type: kubernetes.io/service-account-token  # expect: LLC-CI-004\n"
            "EOF\n"
        ),
        # Seconds spelled out, and a token bound to a Secret for 90 days.
        *invalid_in(
            "TOKEN=$(kubectl create token ci --duration 172800s)  # expect: LLC-CI-004\n"
            "kubectl create token ci --bound-object-kind Secret --bound-object-name ci"
            " --duration 2160h  # expect: LLC-CI-004\n"
        ),
    ]

    def check_command(self, command: Command) -> None:
        for simple in invocations(command, "kubectl", "oc"):
            action = verbs(simple, 2, _GLOBAL_VALUED)
            if simple.name == "oc" and action[:1] in (["sa"], ["serviceaccounts"]):
                if action[1:] in (["get-token"], ["new-token"]):
                    self._oc_legacy(command, simple, action[1])
            elif action == ["create", "token"]:
                self._token(command, simple)
            elif action == ["create", "secret"]:
                self._secret(command, simple)
            elif action[:1] in (["apply"], ["create"]) and simple.heredoc is not None:
                self._heredoc(command, simple)

    def _token(self, command: Command, simple: SimpleCommand) -> None:
        given = flag(simple, "--duration")
        if given is None or given[1] is None or not given[1].literal:
            return
        seconds = _go_duration(given[1].value)
        limit = self.context.thresholds.k8s_token_max_seconds
        if seconds is None or seconds <= limit:
            return
        rank = [Severity.LOW, Severity.MEDIUM, Severity.HIGH]
        level = 2 if seconds > _MONTH else 1 if seconds > _DAY else 0
        bound = simple.has("--bound-object-kind")
        if bound:
            level = max(0, level - 1)
        self.report(
            command.target(*span(*given)),
            f"`{simple.name} create token` asks for a service-account token valid for "
            f"{describe_duration(seconds)}, above the {limit}-second threshold"
            + (" (bound to an object, so it ends when that is deleted)" if bound else "")
            + ": a bearer credential for the cluster that outlives the job."
            + ci_fix(command, _KIND),
            lifetime=Lifetime.seconds(seconds),
            severity=rank[level],
        )

    def _secret(self, command: Command, simple: SimpleCommand) -> None:
        given = flag(simple, "--type")
        if given is None or given[1] is None or given[1].value != _SA_TOKEN_TYPE:
            return
        self.report(
            command.target(*span(*given)),
            f"`{simple.name} create secret` of type `kubernetes.io/service-account-token` makes a "
            "legacy service-account token that never expires." + ci_fix(command, _KIND),
            lifetime=Lifetime.never(),
            severity=Severity.HIGH,
        )

    def _oc_legacy(self, command: Command, simple: SimpleCommand, verb: str) -> None:
        """``oc sa get-token|new-token``: the deprecated commands that read or make a token
        secret, whose token has no expiry (``oc create token`` replaced them in 4.11)."""
        created = verb == "new-token"
        what = (
            "creates a legacy token secret for the service account"
            if created
            else "prints the service account's legacy token secret"
        )
        self.report(
            command.target(*through(simple, 2, _GLOBAL_VALUED)),
            f"`oc {simple.positionals(*_GLOBAL_VALUED)[0].value} {verb}` {what}: a token "
            "that never expires (the command is deprecated; `oc create token` mints a "
            "bounded one)." + ci_fix(command, _KIND),
            lifetime=Lifetime.never(),
            severity=Severity.HIGH if created else Severity.MEDIUM,
        )

    def _heredoc(self, command: Command, simple: SimpleCommand) -> None:
        body = simple.heredoc_word
        if body is None or not _KIND_SECRET.search(body.value):
            return
        if flag(simple, "-f", "--filename") is None:
            return
        offset = body.start + (len(body.text) - len(body.text.lstrip()))
        text = command.text
        for line in body.value.splitlines(keepends=True):
            if _TYPE_LINE.match(line.rstrip("\n")):
                found = text.find(line.strip(), offset)
                start = found if found >= 0 else body.start
                self.report(
                    command.target(start, start + len(line.strip())),
                    "A Secret of type `kubernetes.io/service-account-token` applied from a "
                    "heredoc makes a legacy service-account token that never expires."
                    + ci_fix(command, _KIND),
                    lifetime=Lifetime.never(),
                    severity=Severity.HIGH,
                )
                return


def _go_duration(value: str) -> int | None:
    """Seconds of a Go duration as kubectl reads it; None for what kubectl refuses."""
    text = value.strip().lstrip("+")
    if text == "0":
        return 0
    if not text or _GO_DURATION.sub("", text) != "" or not _GO_DURATION.match(text):
        return None
    return parse_duration(text)
