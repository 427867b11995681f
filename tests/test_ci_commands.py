"""LLC-CI-001 and LLC-CI-002 on shell commands: spellings, sources, systems, positions, dedupe.

The rules' own examples (``tests/test_rule_examples.py``) prove each CI system fires on the
marked lines; these tests pin what the examples do not: the severity each source of a value
gets, the ``=`` / attached / wrapped / piped spellings, the exact column of a finding, the
system and registry gates, and that a literal also matched by a secret rule is reported once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import ALNUM, Stored, crc32_base62, fake_token
from scanner.api.ci_examples import PATHS, render
from scanner.cli import main
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Finding, Severity
from scanner.registry import all_rules, get_rule
from scanner.testing import run_rule

CI001 = "LLC-CI-001"
CI002 = "LLC-CI-002"
_PW = fake_token("", 24, ALNUM, seed=301)
_DOCKER_PAT = fake_token("dckr_pat_", 27, seed=302)
_RUBYGEMS = fake_token("rubygems_", 48, "0123456789abcdef", seed=303)
_NPM_BODY = fake_token("", 30, seed=304)
_NPM = "npm_" + _NPM_BODY + crc32_base62(_NPM_BODY)


def findings(
    rule_id: str,
    script: str,
    system: str = "github",
    env: dict[str, str | Stored] | None = None,
    *,
    federated: bool = False,
) -> tuple[Finding, ...]:
    rule = get_rule(rule_id)
    assert rule is not None
    return run_rule(rule, render(system, script, env, federated=federated), PATHS[system])


def severities(found: tuple[Finding, ...]) -> list[str]:
    return [f.severity.value for f in found]


# -- LLC-CI-001: where the password comes from decides the severity ---------------------------


@pytest.mark.parametrize(
    ("script", "env", "expected"),
    [
        (f"docker login -u ci -p {_PW} registry.example.com", None, "critical"),
        ('docker login -u ci -p "$PW" registry.example.com', {"PW": Stored("PW")}, "medium"),
        ('docker login -u ci -p "$PW" registry.example.com', {"PW": _PW}, "critical"),
        ('docker login -u ci -p "$UNSET_ELSEWHERE" registry.example.com', None, "medium"),
        ('docker login -u ci -p "$(cat ~/.registry-pw)" registry.example.com', None, "medium"),
        ("docker login -u x -p ${{ secrets.GITHUB_TOKEN }} ghcr.io", None, "low"),
        ("docker login -u x -p ${{ github.token }} ghcr.io", None, "low"),
        ('docker login -u gitlab-ci-token -p "$CI_JOB_TOKEN" "$CI_REGISTRY"', None, "low"),
        (
            'docker login -u AWS -p "$(aws ecr get-login-password)" '
            "1.dkr.ecr.eu-west-1.amazonaws.com",
            None,
            "low",
        ),
        (
            'TOKEN="$(gcloud auth print-access-token)"\n'
            'docker login -u oauth2accesstoken -p "$TOKEN" https://gcr.io',
            None,
            "low",
        ),
        (
            'docker login -u 00000000-0000-0000-0000-000000000000 -p "$(az acr login -n r '
            '--expose-token --output tsv --query accessToken)" r.azurecr.io',
            None,
            "low",
        ),
        ('sudo docker login -u dev -p "$(oc whoami -t)" 172.30.1.1:5000', None, "low"),
        ('docker login -u AWS -p "$(aws ecr get-login-password | tr -d x)" r.io', None, "low"),
    ],
)
def test_ci001_severity_by_source(
    script: str, env: dict[str, str | Stored] | None, expected: str
) -> None:
    assert severities(findings(CI001, script, env=env)) == [expected]


def test_ci001_azure_macros() -> None:
    assert severities(findings(CI001, "docker login -u x -p $(REG_PW) r.io", "azure")) == ["medium"]
    assert severities(
        findings(CI001, "docker login -u x -p $(System.AccessToken) r.io", "azure")
    ) == ["low"]


@pytest.mark.parametrize(
    "script",
    [
        'docker login -u ci --password="$PW" registry.example.com',
        "docker login -u ci -p${PW} registry.example.com",
        'sudo -E docker login -u ci --password "$PW" registry.example.com',
        'docker --config /tmp/cfg login -u ci -p "$PW" registry.example.com',
        'true && podman login -u ci -p "$PW" quay.io || exit 1',
        'buildah login -u ci -p "$PW" quay.io',
        'nerdctl login -u ci -p "$PW" quay.io',
        'skopeo login -u ci -p "$PW" quay.io',
        'oras login -u ci -p "$PW" registry.example.com',
        'crane auth login registry.example.com -u ci -p "$PW"',
        'helm registry login registry.example.com -u ci --password="$PW"',
    ],
)
def test_ci001_spellings(script: str) -> None:
    found = findings(CI001, script, "shell")
    assert severities(found) == ["medium"], script


def test_ci001_reports_the_password_word() -> None:
    found = findings(CI001, 'docker login -u ci --password="$PW" r.example.com', "shell")
    (finding,) = found
    line = render("shell", 'docker login -u ci --password="$PW" r.example.com').splitlines()[
        finding.location.line - 1
    ]
    assert line[finding.location.column - 1 :].startswith('"$PW"')


@pytest.mark.parametrize(
    ("script", "env"),
    [
        (
            "aws ecr get-login-password"
            " | docker login -u AWS --password-stdin 1.dkr.ecr.x.amazonaws.com",
            None,
        ),
        (
            'echo "$DOCKERHUB_TOKEN" | docker login -u octo --password-stdin',
            {"DOCKERHUB_TOKEN": Stored("D")},
        ),
        ("cat ~/pw.txt | docker login -u ci --password-stdin registry.example.com", None),
        (
            'printf %s "$PW" | docker login -u ci --password-stdin r.example.com',
            {"PW": Stored("P")},
        ),
        (
            'echo "$CI_REGISTRY_PASSWORD"'
            ' | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
            None,
        ),
        ("# docker login -u ci -p hunter2hunter2 registry.example.com", None),
        ("docker login -u ci -p '<your-password>' registry.example.com", None),
        ("docker login -u ci -p changeme registry.example.com", None),
        ("docker login -u testuser -p testpassword localhost:5000", None),
        ('docker login -u ci -p "$PW" 127.0.0.1:5000', {"PW": Stored("P")}),
        ("docker run -p 8080:80 nginx login", None),
        ("echo docker login -p", None),
        ("docker login", None),
    ],
)
def test_ci001_quiet(script: str, env: dict[str, str | Stored] | None) -> None:
    for system in ("github", "gitlab", "shell"):
        assert findings(CI001, script, system, env) == (), (system, script)


def test_ci001_stored_password_on_stdin_of_a_federating_registry() -> None:
    script = 'echo "$ACR_PW" | docker login r.azurecr.io -u "$SP_ID" --password-stdin'
    assert severities(findings(CI001, script, env={"ACR_PW": Stored("ACR_PW")})) == ["medium"]
    key = 'echo "$KEY" | docker login -u _json_key --password-stdin https://eu.gcr.io'
    (finding,) = findings(CI001, key, env={"KEY": Stored("GCP_KEY")})
    assert "service-account key" in finding.message
    # GHCR and the GitLab registry take the job token: a stored token there is left to the
    # PAT rules (and is a negative of tests/corpus/negatives).
    pat = 'echo "$CR_PAT" | docker login ghcr.io -u me --password-stdin'
    assert findings(CI001, pat, env={"CR_PAT": Stored("CR_PAT")}) == ()
    deploy = 'echo "$DEPLOY_PW" | docker login -u deployer --password-stdin "$CI_REGISTRY"'
    assert findings(CI001, deploy, "gitlab", {"DEPLOY_PW": Stored("DEPLOY_PW")}) == ()


@pytest.mark.parametrize("user", ["_json_key", "_json_key_base64"])
def test_ci001_google_key_file_as_argv_password(user: str) -> None:
    script = f'docker login -u {user} -p "$GCP_KEY" https://europe-docker.pkg.dev'
    (finding,) = findings(CI001, script, env={"GCP_KEY": Stored("GCP_KEY")})
    assert finding.severity is Severity.MEDIUM
    assert "a service-account key that never expires" in finding.message
    for part in ("Artifact Registry", "Workload Identity Federation", "oauth2accesstoken"):
        assert part in finding.fix
    literal = f"docker login -u {user} -p {_PW} gcr.io"
    (finding,) = findings(CI001, literal, "gitlab")
    assert finding.severity is Severity.CRITICAL
    assert "service-account key" in finding.message
    # The minted token with the key-file user name is still only the argv exposure.
    minted = f'docker login -u {user} -p "$(gcloud auth print-access-token)" gcr.io'
    assert severities(findings(CI001, minted)) == ["low"]


def test_ci001_literal_on_stdin_is_critical() -> None:
    script = f"echo {_PW} | docker login -u ci --password-stdin registry.example.com"
    assert severities(findings(CI001, script, "shell")) == ["critical"]
    here = f"docker login -u ci --password-stdin registry.example.com <<< {_PW}"
    assert severities(findings(CI001, here, "shell")) == ["critical"]


def test_ci001_literal_in_env_is_reported_on_its_line() -> None:
    code = render("github", 'docker login -u ci -p "$PW" r.example.com', {"PW": _PW})
    (finding,) = findings(CI001, 'docker login -u ci -p "$PW" r.example.com', env={"PW": _PW})
    assert _PW in code.splitlines()[finding.location.line - 1]
    assert finding.severity is Severity.CRITICAL


def test_ci001_stored_password_names_the_env_entry() -> None:
    (finding,) = findings(CI001, 'docker login -u ci -p "$PW" r.io', env={"PW": Stored("REG")})
    assert "secrets.REG" in finding.message
    assert [r.message for r in finding.related] == ["`PW` is set here"]


# -- LLC-CI-002: which systems, which registries, which tokens ---------------------------------

_TWINE_ENV: dict[str, str | Stored] = {
    "TWINE_USERNAME": "__token__",
    "TWINE_PASSWORD": Stored("PYPI"),
}


@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_ci002_fires_where_pypi_trusted_publishing_exists(system: str) -> None:
    (finding,) = findings(CI002, "twine upload dist/*", system, _TWINE_ENV)
    assert finding.severity is Severity.HIGH
    assert "trusted publishing" in finding.message


@pytest.mark.parametrize("system", ["azure", "bitbucket", "jenkins", "shell", "make", "circleci"])
def test_ci002_quiet_without_trusted_publishing(system: str) -> None:
    script = 'twine upload -u __token__ -p "$PYPI_TOKEN" dist/*\ncargo publish --token "$CT"\n'
    assert findings(CI002, script, system, {"PYPI_TOKEN": Stored("PYPI"), "CT": Stored("C")}) == ()


def test_ci002_npm_on_circleci() -> None:
    script = 'echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc\nnpm publish\n'
    assert severities(findings(CI002, script, "circleci")) == ["high"]
    assert findings(CI002, script, "azure") == ()


@pytest.mark.parametrize(
    "script",
    [
        'twine upload --password="$T" dist/*',
        'python3 -m twine upload -u __token__ -p "$T" dist/*',
        'uvx twine upload -p "$T" dist/*',
        'pipx run twine upload -p "$T" dist/*',
        'uv publish --token="$T"',
        'uv publish -t "$T"',
        'poetry publish --build -u __token__ -p "$T"',
        'hatch publish -u __token__ -a "$T"',
        'pdm publish -P "$T"',
        'cargo publish --token "$T"',
        'dotnet nuget push a.nupkg -k "$T" -s https://api.nuget.org/v3/index.json',
        'dotnet nuget push a.nupkg --api-key "$T"',
        'poetry config pypi-token.pypi "$T"\npoetry publish --build',
        'cargo login "$T"\ncargo publish',
        'echo ":rubygems_api_key: $T" > ~/.gem/credentials\ngem push a.gem',
        'sudo twine upload -p "$T" dist/*',
        'maturin publish -u __token__ -p "$T"',
    ],
)
def test_ci002_token_arguments(script: str) -> None:
    assert severities(findings(CI002, script, env={"T": Stored("TOKEN")})) == ["high"], script


@pytest.mark.parametrize(
    "script",
    [
        'npm publish --//registry.npmjs.org/:_authToken="$T"',
        'npm config set //registry.npmjs.org/:_authToken "$T"\nnpm publish',
        'pn config set "//registry.npmjs.org/:_authToken" "$T"\npn publish --filter=!a',
    ],
)
@pytest.mark.parametrize("system", ["gitlab", "circleci"])
def test_ci002_npm_token_arguments(script: str, system: str) -> None:
    found = findings(CI002, script, system, {"T": Stored("TOKEN")})
    assert severities(found) == ["high"], (system, script)


@pytest.mark.parametrize(
    ("script", "env"),
    [
        ("twine upload dist/*", {"TWINE_PASSWORD": Stored("P")}),
        ("poetry publish", {"POETRY_PYPI_TOKEN_PYPI": Stored("P")}),
        ("uv publish", {"UV_PUBLISH_TOKEN": Stored("P")}),
        ("flit publish", {"FLIT_PASSWORD": Stored("P")}),
        ("hatch publish", {"HATCH_INDEX_AUTH": Stored("P")}),
        ("gem push a.gem", {"GEM_HOST_API_KEY": Stored("RUBYGEMS")}),
        ("cargo publish", {"CARGO_REGISTRY_TOKEN": Stored("CRATES")}),
        ('export TWINE_PASSWORD="$P"\ntwine upload dist/*', {"P": Stored("P")}),
        ('TWINE_PASSWORD="$P" twine upload dist/*', {"P": Stored("P")}),
        ('env TWINE_PASSWORD="$P" twine upload dist/*', {"P": Stored("P")}),
        ('declare -x TWINE_PASSWORD="$P"\ntwine upload dist/*', {"P": Stored("P")}),
        ("maturin upload --skip-existing dist/*", {"MATURIN_PYPI_TOKEN": Stored("P")}),
    ],
)
def test_ci002_token_env_in_scope(script: str, env: dict[str, str | Stored]) -> None:
    assert severities(findings(CI002, script, env=env)) == ["high"], script


@pytest.mark.parametrize(
    ("script", "env"),
    [
        ("npm publish", {"NODE_AUTH_TOKEN": Stored("NPM_TOKEN")}),
        ("pnpm publish -r", {"NODE_AUTH_TOKEN": Stored("NPM_TOKEN")}),
        ("yarn publish", {"NPM_TOKEN": Stored("NPM_TOKEN")}),
        ("yarn npm publish", {"YARN_NPM_AUTH_TOKEN": Stored("NPM_TOKEN")}),
    ],
)
def test_ci002_npm_token_env_on_gitlab(script: str, env: dict[str, str | Stored]) -> None:
    assert severities(findings(CI002, script, "gitlab", env)) == ["high"], script


@pytest.mark.parametrize(
    ("script", "env"),
    [
        # Trusted publishing: OIDC and no token.
        ("uv publish\nnpm publish --provenance\ncargo publish", None),
        # Other indexes.
        ("twine upload -r internal dist/*", {"TWINE_PASSWORD": Stored("P")}),
        (
            "twine upload --repository-url https://pkgs.example.com/simple/ d/*",
            {"TWINE_PASSWORD": Stored("P")},
        ),
        ('twine upload --repository-url "$INDEX_URL" dist/*', {"TWINE_PASSWORD": Stored("P")}),
        ("poetry publish -r internal", {"POETRY_PYPI_TOKEN_PYPI": Stored("P")}),
        ("poetry publish", {"POETRY_PYPI_TOKEN_INTERNAL": Stored("P")}),
        ("npm publish --registry https://npm.pkg.github.com", {"NODE_AUTH_TOKEN": Stored("P")}),
        (
            "gem push --host https://rubygems.pkg.github.com/acme a.gem",
            {"GEM_HOST_API_KEY": Stored("G")},
        ),
        ('cargo publish --registry internal --token "$T"', {"T": Stored("T")}),
        (
            'dotnet nuget push a.nupkg -k "$T" -s https://nuget.pkg.github.com/acme/index.json',
            {"T": Stored("T")},
        ),
        ('echo "//npm.pkg.github.com/:_authToken=${T}" > .npmrc\nnpm publish', {"T": Stored("T")}),
        # Tokens minted in the job.
        ('t=$(python -m id PYPI)\ntwine upload -u __token__ -p "$t" dist/*', None),
        ("cargo publish", {"CARGO_REGISTRY_TOKEN": "${{ steps.auth.outputs.token }}"}),
        (
            "dotnet nuget push a.nupkg -k ${{ steps.login.outputs.NUGET_API_KEY }} -s nuget.org",
            None,
        ),
        ("npm publish", {"NODE_AUTH_TOKEN": Stored("GITHUB_TOKEN")}),
        # A read-only install token, placeholders, a dry run, a comment.
        ("npm ci\nnpm publish", {"NODE_AUTH_TOKEN": Stored("NPM_READ_TOKEN")}),
        ("gem push a.gem", {"GEM_HOST_API_KEY": "<your-api-key>"}),
        ("npm publish --dry-run", {"NODE_AUTH_TOKEN": Stored("NPM_TOKEN")}),
        ('# twine upload -p "$T" dist/*', {"T": Stored("T")}),
        # Emulators and local registries.
        ("npm publish --registry http://localhost:4873", {"NODE_AUTH_TOKEN": Stored("V")}),
        ('twine upload --repository-url http://127.0.0.1:8080/ -p "$T" d/*', {"T": Stored("T")}),
        # A bare assignment is not in the publisher's environment.
        ('TWINE_PASSWORD="$T"\ntwine upload dist/*', {"T": Stored("T")}),
        # A token stored for `npm dist-tag`, which trusted publishing does not cover.
        (
            'npm config set //registry.npmjs.org/:_authToken "$T"\nnpm dist-tag add a@1 latest',
            {"T": Stored("T")},
        ),
        ('echo "run twine upload -p $T"', {"T": Stored("T")}),
    ],
)
def test_ci002_quiet(script: str, env: dict[str, str | Stored] | None) -> None:
    for system in ("github", "gitlab"):
        assert findings(CI002, script, system, env, federated=True) == (), (system, script)


def test_ci002_leaves_github_npm_to_gha006() -> None:
    """On GitHub Actions, npm publishing is LLC-GHA-006's: one finding, not two."""
    code = (
        "on: push\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-node@v4\n"
        "        with: { registry-url: 'https://registry.npmjs.org' }\n"
        "      - run: npm publish\n"
        "        env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' }\n"
    )
    engine = Engine(all_rules(), Config())
    result = engine.scan_bytes(".github/workflows/p.yml", code.encode())
    assert [f.rule_id for f in result.findings] == ["LLC-GHA-006"]


def test_ci002_one_finding_for_a_token_written_then_used() -> None:
    script = 'echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc\nnpm publish\n'
    found = findings(CI002, script, "gitlab", {"NPM_TOKEN": Stored("NPM_TOKEN")})
    assert len(found) == 1
    assert "`.npmrc` stores" in found[0].message


def test_ci002_mentions_an_existing_oidc_grant() -> None:
    (finding,) = findings(CI002, "twine upload dist/*", env=_TWINE_ENV, federated=True)
    assert "already mint an OIDC token" in finding.message


# -- one finding per literal, whichever rules match it ----------------------------------------


def _all_rules_on(
    system: str, script: str, env: dict[str, str | Stored] | None = None
) -> list[Finding]:
    engine = Engine(all_rules(), Config())
    result = engine.scan_bytes(PATHS[system], render(system, script, env).encode())
    return [f for f in result.findings if f.suppression is None and f.severity is not Severity.INFO]


def test_literal_registry_password_reported_once() -> None:
    script = f"docker login -u octo -p {_DOCKER_PAT}\n"
    for system in ("github", "gitlab", "shell"):
        found = _all_rules_on(system, script)
        assert [f.rule_id for f in found] == [CI001], (
            system,
            [(f.rule_id, f.message) for f in found],
        )
        assert found[0].severity is Severity.CRITICAL


def test_literal_publish_token_in_env_reported_once() -> None:
    found = _all_rules_on("github", "gem push a.gem\n", {"GEM_HOST_API_KEY": _RUBYGEMS})
    assert [f.rule_id for f in found] == [CI002], [(f.rule_id, f.message) for f in found]
    assert found[0].severity is Severity.CRITICAL


def test_literal_npmrc_token_reported_once() -> None:
    script = f'echo "//registry.npmjs.org/:_authToken={_NPM}" > ~/.npmrc\nnpm publish\n'
    found = _all_rules_on("gitlab", script)
    assert [f.rule_id for f in found] == [CI002], [(f.rule_id, f.message) for f in found]


# -- LLC-CI-002: a publish token wired into a step that publishes through a wrapper -----------


@pytest.mark.parametrize(
    ("system", "script", "name"),
    [
        ("github", "scripts/publish", "TWINE_PASSWORD"),
        ("gitlab", "make release publish", "UV_PUBLISH_TOKEN"),
        ("github", "./release.sh", "CARGO_REGISTRY_TOKEN"),
        ("gitlab", "nox -s publish", "POETRY_PYPI_TOKEN_PYPI"),
        ("github", "tox -e release", "GEM_HOST_API_KEY"),
        ("gitlab", "npx semantic-release", "NPM_TOKEN"),
        ("github", "python scripts/upload.py --repository testpypi", "TWINE_PASSWORD"),
    ],
)
def test_ci002_wrapped_publish_reports_the_env_entry(system: str, script: str, name: str) -> None:
    env: dict[str, str | Stored] = {name: Stored("PUBLISH_TOKEN")}
    if name == "TWINE_PASSWORD":
        env["TWINE_USERNAME"] = "__token__"
    text = render(system, script + "\n", env)
    (finding,) = findings(CI002, script + "\n", system, env)
    assert finding.severity is Severity.MEDIUM
    line = text.splitlines()[finding.location.line - 1]
    assert line[finding.location.column - 1 :].startswith(name)
    assert "trusted publishing" in finding.message
    assert len(finding.related) == 1


def test_ci002_wrapped_publish_with_a_literal_is_critical() -> None:
    token = "pypi-" + fake_token("", 60, ALNUM, seed=305)
    (finding,) = findings(CI002, "make publish\n", "gitlab", {"TWINE_PASSWORD": token})
    assert finding.severity is Severity.CRITICAL
    assert token not in finding.snippet


_PYPI: dict[str, str | Stored] = {"TWINE_PASSWORD": Stored("PYPI_TOKEN")}


@pytest.mark.parametrize(
    ("system", "script", "env"),
    [
        # The publisher is visible: the command check decides (here: another index).
        ("github", "twine upload --repository-url https://nexus.example.com/ dist/*", _PYPI),
        # A dry run; another index visible in the step; a job token or a placeholder.
        ("github", "scripts/publish --dry-run", _PYPI),
        ("github", "scripts/publish --repository-url https://nexus.example.com/pypi", _PYPI),
        ("github", "scripts/publish", {**_PYPI, "TWINE_REPOSITORY_URL": "https://n.example/"}),
        ("github", "scripts/publish", {**_PYPI, "TWINE_USERNAME": "deploy"}),
        ("github", "scripts/publish", {"TWINE_PASSWORD": Stored("NEXUS_PASSWORD")}),
        ("github", "scripts/publish", {"TWINE_PASSWORD": "${{ secrets.GITHUB_TOKEN }}"}),
        ("github", "scripts/publish", {"TWINE_PASSWORD": "<your-token>"}),
        # npm on GitHub is LLC-GHA-006's; an npm token for installs only; systems without
        # trusted publishing; another registry's cargo token.
        ("github", "npx semantic-release", {"NODE_AUTH_TOKEN": Stored("NPM_TOKEN")}),
        ("gitlab", "npm ci\nnpm test", {"NPM_TOKEN": Stored("NPM_TOKEN")}),
        ("azure", "scripts/publish", _PYPI),
        ("bitbucket", "scripts/publish", _PYPI),
        ("shell", "scripts/publish", _PYPI),
        ("github", "./release.sh", {"CARGO_REGISTRIES_INTERNAL_TOKEN": Stored("T")}),
    ],
)
def test_ci002_wrapped_publish_quiet(
    system: str, script: str, env: dict[str, str | Stored]
) -> None:
    found = findings(CI002, script + "\n", system, env)
    assert [f.message for f in found if "hands" in f.message] == [], (system, script)


@pytest.mark.parametrize(
    "write",
    [
        'echo "password = $PYPI_TOKEN" >> ~/.pypirc',
        "cat > ~/.pypirc <<EOF\n[pypi]\nusername = __token__\npassword = ${PYPI_TOKEN}\nEOF",
        "printf '[pypi]\\npassword = %s\\n' \"$PYPI_TOKEN\" > ~/.pypirc",
        'echo "password = $PYPI_TOKEN" | tee -a ~/.pypirc',
    ],
)
def test_ci002_pypirc_write_before_twine_upload(write: str) -> None:
    env: dict[str, str | Stored] = {"PYPI_TOKEN": Stored("PYPI_TOKEN")}
    (finding,) = findings(CI002, write + "\ntwine upload dist/*\n", "gitlab", env)
    assert finding.severity is Severity.HIGH
    assert "`.pypirc` stores" in finding.message
    # No publish to PyPI in the job, another index, or the job token: quiet.
    assert findings(CI002, write + "\n", "gitlab", env) == ()
    assert findings(CI002, write + "\ntwine upload -r corp dist/*\n", "gitlab", env) == ()
    ci = write.replace("$PYPI_TOKEN", "$CI_JOB_TOKEN").replace("${PYPI_TOKEN}", "$CI_JOB_TOKEN")
    assert findings(CI002, ci + "\ntwine upload dist/*\n", "gitlab") == ()


_JOB_ENV = """\
name: release
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    env:
      TWINE_USERNAME: __token__
      TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}
    steps:
      - uses: actions/checkout@v4
      - run: make release
"""


def test_ci002_wrapped_publish_from_the_env_of_a_single_step_job() -> None:
    rule = get_rule(CI002)
    assert rule is not None
    (finding,) = run_rule(rule, _JOB_ENV, ".github/workflows/release.yml")
    assert finding.location.line == 8
    assert finding.severity is Severity.MEDIUM
    two = _JOB_ENV + "      - run: make docs\n"
    assert run_rule(rule, two, ".github/workflows/release.yml") == ()


_GITLAB = """\
variables:
  TWINE_PASSWORD: $PYPI_TOKEN
test:
  script: [pytest]
release:
  variables:
    UV_PUBLISH_TOKEN: $PYPI_TOKEN
  before_script: [pip install nox]
  script: [nox -s release]
"""


def test_ci002_wrapped_publish_gitlab_job_variables_not_globals() -> None:
    rule = get_rule(CI002)
    assert rule is not None
    found = run_rule(rule, _GITLAB, ".gitlab-ci.yml")
    assert [(f.location.line, f.severity) for f in found] == [(7, Severity.MEDIUM)]


def test_cli_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both rules through discovery, the engine and the JSON report, in three file kinds."""
    files = {
        ".github/workflows/release.yml": render(
            "github",
            'docker login -u ci -p "$PW" registry.example.com\ntwine upload dist/*\n',
            {"PW": Stored("REGISTRY_PW"), "TWINE_PASSWORD": Stored("PYPI_TOKEN")},
        ),
        ".gitlab-ci.yml": render("gitlab", 'cargo publish --token "$CRATES_TOKEN"\n'),
        "scripts/release.sh": render("shell", 'docker login -u ci -p "$PW" r.example.com\n'),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", "--select", "LLC-CI", "--format", "json", "."], catch_exceptions=False
    )
    found = sorted(
        (f["location"]["path"], f["rule"]) for f in json.loads(result.stdout)["findings"]
    )
    assert found == [
        (".github/workflows/release.yml", CI001),
        (".github/workflows/release.yml", CI002),
        (".gitlab-ci.yml", CI002),
        ("scripts/release.sh", CI001),
    ]
