"""LLC-GHA-005: the PyPI publish action given a password or API token."""

from __future__ import annotations

from scanner.api import (
    Category,
    CiRule,
    FileKind,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    credentials,
    fake_token,
)
from scanner.api.ci.github_actions import STANDING, Origin, entry, given, lifetime, origin, where

_ACTION = "pypa/gh-action-pypi-publish"
_KIND = credentials.by_id("pypi-token")
#: Upload endpoints of the indices that accept trusted publishing from GitHub.
_TRUSTED_INDICES = ("https://upload.pypi.org/legacy", "https://test.pypi.org/legacy")
_TOKEN = "pypi-" + fake_token("AgEIcHlwaS5vcmc", 60, seed=51)

_TRUSTED = """\
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


class PypiPublishWithToken(CiRule):
    """## What it does
    Flags `pypa/gh-action-pypi-publish` given a `password` (a PyPI API token, or a legacy
    account password) when it uploads to PyPI or TestPyPI: `repository-url` (or the older
    `repository_url`) absent or one of their upload endpoints. A literal token is critical.
    Mirrors zizmor's `use-trusted-publishing`.

    It stays quiet on trusted publishing (no `password`, with `id-token: write`), on a
    password computed during the run (a token the job minted itself from its OIDC token), on
    the job's own `GITHUB_TOKEN`, on private indices, which may not support trusted
    publishing, and on commented-out steps. A job with `if: false` is still reported.

    ## Why is this bad?
    A PyPI API token never expires: anyone who reads it from the secret store, a log or a
    compromised action can publish releases of the project until someone revokes it. With a
    Trusted Publisher, PyPI exchanges the job's GitHub OIDC token for an upload token that
    expires after 15 minutes and is bound to one repository, workflow and environment (OWASP
    NHI7 Long-Lived Secrets, NHI6 Insecure Cloud Deployment Configurations).

    ## Example
    ```yaml
    - uses: pypa/gh-action-pypi-publish@release/v1
      with:
        password: ${{ secrets.PYPI_API_TOKEN }}
    ```

    Use instead:
    ```yaml
    jobs:
      publish:
        environment: pypi
        permissions:
          id-token: write
        steps:
          - uses: pypa/gh-action-pypi-publish@release/v1
    ```

    ## Fix
    `outlive fix` removes `password` (and `user`, and `with:` when nothing else is left) and
    grants the job `permissions: id-token: write`; add the Trusted Publisher on PyPI before
    the next release. For `twine upload` with `TWINE_PASSWORD` in a step's or job's `env:`
    (LLC-CI-002) it removes `TWINE_PASSWORD`/`TWINE_USERNAME` the same way (twine 6.1 and
    later publish through the Trusted Publisher by themselves).

    ## References
    - PyPI, publishing with a Trusted Publisher: https://docs.pypi.org/trusted-publishers/using-a-publisher/
    - pypa/gh-action-pypi-publish: https://github.com/pypa/gh-action-pypi-publish
    - zizmor `use-trusted-publishing`: https://docs.zizmor.sh/audits/#use-trusted-publishing
    """

    META = RuleMeta(
        id="LLC-GHA-005",
        name="pypi-publish-with-token",
        summary="PyPI publish action with a password or API token",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI7", "NHI6"),
        fix="Add a Trusted Publisher (owner, repository, workflow file, environment) to the "
        "project on PyPI, give only the publish job `permissions: id-token: write` and a "
        "protected `environment:`, remove `password`, and delete the token.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=(_ACTION,),
    )

    VALID = [
        Valid(_TRUSTED),
        # A private index, and the token minted from the job's OIDC token in an earlier step.
        Valid(
            "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    permissions: { id-token: write }\n"
            "    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
            "          repository-url: https://pypi.internal.example.com/legacy/\n"
            "          password: ${{ secrets.INTERNAL_INDEX_TOKEN }}\n"
            "      - id: mint\n        run: python -m mint_pypi_token\n"
            "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
            "        with:\n          password: ${{ steps.mint.outputs.token }}\n"
        ),
        # Trusted publishing to TestPyPI, with the old token commented out.
        Valid(
            "jobs:\n  test-publish:\n    runs-on: ubuntu-latest\n    environment: testpypi\n"
            "    permissions:\n      id-token: write\n    steps:\n"
            "      - uses: pypa/gh-action-pypi-publish@v1.12.4\n        with:\n"
            "          repository-url: https://test.pypi.org/legacy/\n"
            "          # password: ${{ secrets.TEST_PYPI_API_TOKEN }}\n"
        ),
    ]
    INVALID = [
        Invalid(
            "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
            "          user: __token__\n"
            "          password: ${{ secrets.PYPI_API_TOKEN }}  # expect: LLC-GHA-005\n"
        ),
        # TestPyPI by its old input name, in a job that could already publish without it.
        Invalid(
            "jobs:\n  publish:\n    if: false\n    runs-on: ubuntu-latest\n"
            "    permissions:\n      id-token: write\n    steps:\n"
            "      - uses: pypa/gh-action-pypi-publish@master\n        with:\n"
            "          repository_url: https://test.pypi.org/legacy/\n"
            "          password: ${{ secrets.TEST_PYPI_TOKEN }}  # expect: LLC-GHA-005\n"
        ),
        Invalid(
            "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: PyPA/GH-Action-PyPI-Publish@release/v1\n"
            f"        with: {{ password: {_TOKEN} }}  # expect: LLC-GHA-005\n"
        ),
    ]

    def check_step(self, step: Step) -> None:
        if step.action() != _ACTION or not given(step, "password"):
            return
        password = entry(step, "password")
        if password is None or not self._public_index(step):
            return
        found = origin(password, self.context)
        if found is None or found not in STANDING:
            return
        already = (
            " The job already has `id-token: write`: without `password` the action "
            "publishes through a Trusted Publisher."
            if step.job.federation.oidc
            else ""
        )
        self.report(
            password.key_node,
            f"pypa/gh-action-pypi-publish uploads with a PyPI API token from {where(found)}, "
            f"which lives until someone revokes it, instead of trusted publishing.{already}",
            lifetime=lifetime(_KIND),
            value=password.value if found is Origin.LITERAL else None,
            severity=Severity.CRITICAL if found is Origin.LITERAL else None,
        )

    @staticmethod
    def _public_index(step: Step) -> bool:
        """Whether the upload goes to PyPI or TestPyPI (the default is PyPI)."""
        for name in ("repository-url", "repository_url"):
            url = entry(step, name)
            if url is None or not (url.value or "").strip():
                continue
            text = (url.value or "").strip().rstrip("/").lower()
            return text in _TRUSTED_INDICES
        return True
