"""GitLab tokens (LLC-SRC-003), by their documented prefixes.

Prefixes: https://docs.gitlab.com/security/tokens/#token-prefixes. Access tokens expire at most
a year after creation on GitLab 16.0 and later, and never on older instances:
https://docs.gitlab.com/user/profile/personal_access_tokens/#access-token-expiration
"""

from __future__ import annotations

from scanner.findings import Lifetime, Severity
from scanner.secrets.formats import Format

_SOURCE = "https://docs.gitlab.com/security/tokens/#token-prefixes"
_FIX = ("Revoke the token; in GitLab CI use CI_JOB_TOKEN or id_tokens (OIDC), and where a "
        "token is unavoidable an expiring project access token with minimal scopes.")
# Routable tokens (GitLab 17.x+): base64url payload, "." then a 2-character version and a
# 7-character CRC, both base36 (Authn::TokenField::Generator::RoutableToken).
_ROUTABLE = r"[A-Za-z0-9_-]{27,300}\.[0-9a-z]{2}\.?[0-9a-z]{7}"


def _row(id: str, label: str, anchors: tuple[str, ...], pattern: str, severity: Severity,
         lifetime: Lifetime, why: str) -> Format:
    return Format(id=id, provider="GitLab", label=label, anchors=anchors, pattern=pattern,
                  lifetime=lifetime, owasp=("NHI2", "NHI7"), severity=severity, fix=_FIX,
                  rule="LLC-SRC-003", why=why, validator="random-body", source=_SOURCE)


FORMATS = (
    _row("gitlab-access-token", "GitLab personal, project or group access token", ("glpat-",),
         r"glpat-(?:" + _ROUTABLE + r"|[A-Za-z0-9_-]{20})", Severity.CRITICAL,
         Lifetime.unknown(),
         "it lives until its expiry date, up to a year on GitLab 16.0 and later, and "
         "never expires on older instances"),
    _row("gitlab-oauth-secret", "GitLab OAuth application secret", ("gloas-",),
         r"gloas-[A-Za-z0-9_-]{64}", Severity.CRITICAL, Lifetime.static(),
         "it does not expire until the secret is renewed"),
    _row("gitlab-deploy-token", "GitLab deploy token", ("gldt-",),
         r"gldt-(?:" + _ROUTABLE + r"|[A-Za-z0-9_-]{20})", Severity.CRITICAL, Lifetime.unknown(),
         "deploy tokens expire only when an expiry date was set at creation"),
    _row("gitlab-runner-token", "GitLab runner authentication token", ("glrt-",),
         r"glrt-(?:" + _ROUTABLE + r"|(?:t\d_)?[A-Za-z0-9_-]{20})", Severity.CRITICAL,
         Lifetime.unknown(),
         "it lets anyone register a runner and receive jobs, with their secrets, until it "
         "is reset or the instance's runner token expiry rotates it"),
    _row("gitlab-runner-registration-token", "GitLab runner registration token",
         ("glrtr-", "gr1348941"), r"(?:GR1348941|glrtr-)[A-Za-z0-9_-]{20}", Severity.HIGH,
         Lifetime.static(), "registration tokens do not expire"),
    _row("gitlab-trigger-token", "GitLab pipeline trigger token", ("glptt-",),
         r"glptt-[0-9a-f]{40}", Severity.HIGH, Lifetime.unknown(),
         "it starts pipelines until it is revoked or its optional expiry date passes"),
    _row("gitlab-job-token", "GitLab CI/CD job token", ("glcbt-",),
         r"glcbt-(?:" + _ROUTABLE + r"|[0-9a-zA-Z]{1,5}_[A-Za-z0-9_-]{20})", Severity.LOW,
         Lifetime.unknown(), "it is valid only while its job runs"),
    _row("gitlab-feed-token", "GitLab feed token", ("glft-",),
         r"glft-(?:" + _ROUTABLE + r"|[A-Za-z0-9_-]{20})", Severity.HIGH, Lifetime.static(),
         "it does not expire until it is reset"),
    _row("gitlab-incoming-mail-token", "GitLab incoming mail token", ("glimt-",),
         r"glimt-[A-Za-z0-9_-]{25}", Severity.HIGH, Lifetime.static(),
         "it does not expire until it is reset"),
    _row("gitlab-agent-token", "GitLab agent for Kubernetes token", ("glagent-",),
         r"glagent-[A-Za-z0-9_-]{50,1000}", Severity.HIGH, Lifetime.static(),
         "agent tokens do not expire until revoked"),
    _row("gitlab-workspace-token", "GitLab workspace token", ("glwt-",),
         r"glwt-[A-Za-z0-9_-]{20,64}", Severity.HIGH, Lifetime.unknown(),
         "it works as long as its workspace does"),
    _row("gitlab-scim-token", "GitLab SCIM token", ("glsoat-",), r"glsoat-[A-Za-z0-9_-]{20}",
         Severity.HIGH, Lifetime.static(), "it provisions users until it is reset"),
    _row("gitlab-feature-flags-token", "GitLab feature flags client token", ("glffct-",),
         r"glffct-[A-Za-z0-9_-]{20}", Severity.HIGH, Lifetime.static(),
         "it does not expire until it is reset"),
)
