"""What the federation-trust rule (LLC-IAC-008) knows about OIDC issuers and ``sub`` claims.

Data and pure functions over the neutral policy model (``documents/iac/policy.py``): which CI
or cluster issuer an OIDC provider ARN or URL names, how far a ``StringLike`` subject pattern
reaches on that platform, and which conditions of a statement test the subject. Nothing here
reports; the rule decides severity placement and wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from scanner.documents import yaml as yamlnodes
from scanner.documents.hcl import HclBlock, HclDocument
from scanner.documents.iac import policy as iam_policy
from scanner.findings import Severity

_WEB_IDENTITY = "sts:assumerolewithwebidentity"
#: The claims a trust policy tests to say who holds the token; ``aud`` only says for whom.
_AUDIENCE_CLAIMS = frozenset({"aud", "azp", "amr", "oaud", "iss", "email"})
_POSITIVE_TESTS = frozenset({"stringequals", "stringequalsignorecase", "stringlike"})
_EKS = re.compile(r"^oidc\.eks\.[^/]*\.amazonaws\.com(?:\.cn)?/id/")
_BITBUCKET = re.compile(
    r"^api\.bitbucket\.org/2\.0/workspaces/[^/]+/pipelines-config/identity/oidc")
_WILDCARDS = frozenset("*?")
_PROVIDER_REF = re.compile(r"\b(data\.)?aws_iam_openid_connect_provider\.([\w-]+)\.arn\b")
_CFN_REF = re.compile(r"^(?:Ref|!Ref|Fn::GetAtt|!GetAtt) ([\w-]+)(?:\.Arn)?$")


@dataclass(frozen=True, slots=True)
class Issuer:
    """A CI or cluster OIDC issuer: who can get a token from it when nothing narrows ``sub``."""

    platform: str
    #: The audience of an unrestricted trust: "any repository on GitHub".
    everyone: str
    #: Severity when ``sub`` is not tested: critical when anyone on the platform can get a
    #: token, high when the issuer is already scoped to one organisation, workspace or cluster.
    open: Severity


def issuer_of(text: str | None) -> Issuer | None:
    """The issuer an OIDC provider ARN or URL names (``\\0`` marks an interpolation)."""
    if not text:
        return None
    host = text.strip().lower()
    if ":oidc-provider/" in host:
        host = host.split(":oidc-provider/", 1)[1]
    host = host.removeprefix("https://").removeprefix("http://").rstrip("/")
    if host.startswith("token.actions.githubusercontent.com"):
        if host == "token.actions.githubusercontent.com":
            return Issuer("GitHub Actions", "any repository on GitHub", Severity.CRITICAL)
        return Issuer("GitHub Actions (enterprise issuer)", "any repository of the enterprise",
                      Severity.HIGH)
    if host == "app.terraform.io":
        return Issuer("HCP Terraform", "any workspace of any HCP Terraform organization",
                      Severity.CRITICAL)
    if host == "gitlab.com":
        return Issuer("GitLab.com", "any project on GitLab.com", Severity.CRITICAL)
    if host.startswith("oidc.circleci.com/org/"):
        return Issuer("CircleCI", "any project of the CircleCI organization", Severity.HIGH)
    if _BITBUCKET.match(host):
        return Issuer("Bitbucket Pipelines", "any repository of the Bitbucket workspace",
                      Severity.HIGH)
    if _EKS.match(host):
        return Issuer("EKS (IRSA)", "any service account in any namespace of the cluster",
                      Severity.HIGH)
    first = host.split("/", 1)[0]
    if "gitlab" in first and "\0" not in first:
        return Issuer("GitLab (self-managed)", "any project on the GitLab instance", Severity.HIGH)
    return None


def _has_wildcard(text: str) -> bool:
    return any(c in _WILDCARDS for c in text)


def _only_wildcards(text: str) -> bool:
    return bool(text) and all(c in _WILDCARDS for c in text)


def _name(what: str, text: str) -> str:
    """`` `acme` ``, or "the owner" when the file interpolates it."""
    return what if "\0" in text else f"{what} `{text}`" if what != "the owner" else f"`{text}`"


def breadth(value: str, issuer: Issuer | None) -> tuple[Severity, str] | None:
    """How far a ``StringLike`` ``sub`` pattern reaches, or None when it names one repository,
    project, workspace or service account (a ref or environment wildcard after it is fine)."""
    open_sev = issuer.open if issuer is not None else Severity.HIGH
    everyone = issuer.everyone if issuer is not None else "any subject of the issuer"
    if not _has_wildcard(value):
        return None
    if _only_wildcards(value) or value[0] in _WILDCARDS:
        return open_sev, everyone
    if value.startswith("repo:"):  # GitHub: repo:OWNER/REPO:ref:refs/heads/main
        named = value[5:].split(":", 1)[0]  # OWNER/REPO, or one interpolation of both
        if not _has_wildcard(named):
            return None  # one repository; a wildcard after it is a ref or an environment
        owner, slash, repo = named.partition("/")
        if not slash or _has_wildcard(owner):
            return open_sev, "repositories of any owner"
        who = _name("the owner", owner)
        if _only_wildcards(repo) or repo.startswith("*"):
            return Severity.HIGH, f"every repository of {who}"
        return Severity.MEDIUM, f"several repositories of {who}"
    if value.startswith("project_path:"):  # GitLab: project_path:GROUP/PROJECT:ref_type:...
        path = value[13:].split(":", 1)[0]
        parts = path.split("/")
        if _has_wildcard(parts[0]) or len(parts) < 2:
            return open_sev, "projects of any group"
        group = _name("the group", parts[0])
        if any(_only_wildcards(p) or p.startswith("*") for p in parts[1:]):
            return Severity.HIGH, f"every project of {group}"
        if _has_wildcard(path):
            return Severity.MEDIUM, f"several projects of {group}"
        return None
    if value.startswith("organization:"):  # HCP Terraform: organization:O:project:P:workspace:W
        fields = value.split(":")
        if len(fields) < 2 or _has_wildcard(fields[1]):
            return open_sev, "workspaces of any organization"
        pairs = dict(zip(fields[2::2], fields[3::2], strict=False))
        workspace = pairs.get("workspace")
        org = _name("the organization", fields[1])
        if workspace is None or _only_wildcards(workspace) or workspace.startswith("*"):
            return Severity.HIGH, f"every workspace of {org}"
        return (Severity.MEDIUM, f"several workspaces of {org}") \
            if _has_wildcard(workspace) else None
    if value.startswith("system:serviceaccount:"):  # EKS: system:serviceaccount:NS:SA
        namespace, _, account = value[22:].partition(":")
        if _has_wildcard(namespace):
            return Severity.HIGH, "service accounts of any namespace"
        where = _name("the namespace", namespace)
        if _only_wildcards(account):
            return Severity.MEDIUM, f"every service account of {where}"
        if _has_wildcard(account):
            return Severity.LOW, f"several service accounts of {where}"
        return None
    if value.startswith("org/"):  # CircleCI: org/ORG/project/PROJECT/user/USER
        fields = value.split("/")
        project = fields[3] if len(fields) > 3 else "*"
        if _has_wildcard(fields[1]) or _has_wildcard(project):
            return Severity.HIGH, "every project of the CircleCI organization"
        return None
    return None


def test_of(condition: iam_policy.Condition) -> str:
    test = (condition.test or "").lower()
    test = test.split(":", 1)[1] if test.startswith(("forallvalues:", "foranyvalue:")) else test
    return test.removesuffix("ifexists")


def claim_of(condition: iam_policy.Condition) -> tuple[str, str] | None:
    """``(issuer prefix, claim)`` of a condition key ``<issuer>:<claim>``."""
    key = condition.variable.masked
    if key is None or ":" not in key:
        return None
    prefix, _, claim = key.rpartition(":")
    return prefix.lower(), claim.lower()


def allows_web_identity(statement: iam_policy.Statement) -> bool:
    """An Allow statement whose actions include ``sts:AssumeRoleWithWebIdentity``."""
    if (statement.effect or "Allow").lower() != "allow" or statement.not_action:
        return False
    for action in statement.actions or ():
        text = (action.text or "").lower()
        if text == _WEB_IDENTITY or (_has_wildcard(text) and re.fullmatch(
                re.escape(text).replace(r"\*", ".*").replace(r"\?", "."), _WEB_IDENTITY)):
            return True
    return False


def deny_on_subject(doc: iam_policy.PolicyDocument) -> bool:
    """A Deny statement testing ``sub`` (``StringNotLike``) narrows every Allow."""
    for statement in doc.statements:
        if (statement.effect or "").lower() != "deny":
            continue
        for condition in statement.conditions or ():
            claim = claim_of(condition)
            if claim is not None and claim[1] == "sub":
                return True
    return False


def narrowest(conditions: Sequence[iam_policy.Condition], issuer: Issuer | None
               ) -> tuple[iam_policy.Text, tuple[Severity, str]] | None:
    """The broadest value of the narrowest subject condition (conditions AND, values OR);
    None when one condition pins the subject or its values are not in the file."""
    best: tuple[iam_policy.Text, tuple[Severity, str]] | None = None
    for condition in conditions:
        if condition.values is None or "like" not in test_of(condition):
            return None  # StringEquals: `*` is a literal star; references: not ours to judge
        worst: tuple[iam_policy.Text, tuple[Severity, str]] | None = None
        for value in condition.values:
            masked = value.masked
            if masked is None:
                return None
            found = breadth(masked, issuer)
            if found is not None and (worst is None or rank(found[0]) > rank(worst[1][0])):
                worst = (value, found)
        if worst is None:
            return None
        if best is None or rank(worst[1][0]) < rank(best[1][0]):
            best = worst
    return best


def rank(severity: Severity) -> int:
    return (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL).index(severity)




def subject_tests(conditions: Sequence[iam_policy.Condition]) -> list[iam_policy.Condition]:
    """Positive string tests on a claim that says who holds the token (``sub``, or a
    repository claim), as opposed to ``aud``, which only says for whom it was minted. A key of
    another issuer counts too: it is absent from the token, so the test denies."""
    return [c for c in conditions if test_of(c) in _POSITIVE_TESTS
            and (claim := claim_of(c)) is not None and claim[1] not in _AUDIENCE_CLAIMS]


def tests_audience(conditions: Sequence[iam_policy.Condition]) -> bool:
    return any((claim := claim_of(c)) is not None and claim[1] == "aud" for c in conditions)


def issuer_from_keys(conditions: Sequence[iam_policy.Condition]) -> Issuer | None:
    """The issuer condition keys name (``token.actions.githubusercontent.com:aud``): a key of
    another issuer could never match, so the keys say whose tokens the statement takes."""
    for condition in conditions:
        claim = claim_of(condition)
        issuer = issuer_of(claim[0]) if claim is not None else None
        if issuer is not None:
            return issuer
    return None


# --- The OIDC providers a file declares ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Provider:
    """An OIDC provider the file itself declares: its issuer, where its URL is, its audiences."""

    issuer: Issuer | None
    node: object
    audiences: int | None


def hcl_providers(doc: HclDocument) -> Iterator[tuple[tuple[bool, str], HclBlock]]:
    for kind in ("resource", "data"):
        for block in doc.iter_blocks(kind):
            if len(block.labels) == 2 and block.labels[0] == "aws_iam_openid_connect_provider":
                yield (kind == "data", block.labels[1]), block


def hcl_provider(doc: HclDocument, block: HclBlock) -> Provider:
    url = block.attribute("url")
    issuer = None
    if url is not None:
        if url.literal is not None:
            issuer = issuer_of(url.literal)
        elif all(word in url.source for word in ("identity", "oidc", "issuer")):
            # aws_eks_cluster.x.identity[0].oidc[0].issuer: the cluster's IRSA issuer.
            issuer = issuer_of("oidc.eks.\0.amazonaws.com/id/\0")
    clients = block.attribute("client_id_list")
    texts = iam_policy.hcl_strings(doc, clients.expression) if clients is not None else None
    return Provider(issuer, url.node if url is not None else block.node,
                    len(texts) if texts is not None else None)


def hcl_resolve(text: iam_policy.Text, providers: dict[tuple[bool, str], Provider]
                 ) -> Provider | None:
    match = _PROVIDER_REF.search(text.text or text.source)
    if match is None:
        return None
    return providers.get((match.group(1) is not None, match.group(2)))


def cfn_providers(resources: yamlnodes.Node) -> dict[str, Provider]:
    out = {}
    for name, key_node, body in yamlnodes.items(resources):
        if yamlnodes.scalar(yamlnodes.get(body, "Type")) != "AWS::IAM::OIDCProvider":
            continue
        props = yamlnodes.get(body, "Properties")
        url = yamlnodes.get(props, "Url")
        clients = yamlnodes.get(props, "ClientIdList")
        audiences = len(clients.value) if isinstance(clients, yamlnodes.SequenceNode) else None
        out[name] = Provider(issuer_of(yamlnodes.scalar(url)), url or key_node, audiences)
    return out


def cfn_resolve(text: iam_policy.Text, providers: dict[str, Provider]) -> Provider | None:
    match = _CFN_REF.match(text.source)
    return providers.get(match.group(1)) if match is not None else None


def cfn_roles(resources: yamlnodes.Node) -> Iterator[yamlnodes.Node]:
    """The ``Properties`` of each ``AWS::IAM::Role`` (the template's OIDC providers are
    needed too, so the rule reads the template rather than one resource at a time)."""
    for _, _, body in yamlnodes.items(resources):
        if yamlnodes.scalar(yamlnodes.get(body, "Type")) == "AWS::IAM::Role":
            props = yamlnodes.get(body, "Properties")
            if props is not None:
                yield props
