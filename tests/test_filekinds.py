"""classify(path, head): one row per path shape of design.md section 4, every FileKind covered."""

from __future__ import annotations

import pytest

from scanner.filekinds import FileKind, classify

K = FileKind

CFN_YAML = b'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n'
CFN_JSON = b'{\n  "Resources": {\n    "User": {\n      "Type": "AWS::IAM::User"\n    }\n  }\n}\n'
SAM = b"Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Properties: {}\n"
K8S = b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
K8S_JSON = b'{"apiVersion": "apps/v1", "kind": "Deployment"}\n'
KUBECONFIG = b"apiVersion: v1\nkind: Config\nclusters: []\n"
PLAY = b"- hosts: all\n  tasks:\n    - debug: msg=hi\n"
NAMED_PLAY = b"- name: deploy\n  hosts: web\n  tasks: []\n"
PLAIN_YAML = b"name: demo\nitems:\n  - a\n"
PLAIN_JSON = b'{"name": "demo", "version": 1}\n'
AZP = b"trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: make\n"
AZP_TASK = b"pr: none\nstages:\n  - stage: s\n    jobs:\n      - job: j\n        steps:\n" + (
    b"          - task: DotNetCoreCLI@2\n"
)
GHA_LIKE = (
    b"on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: a/b@v1\n"
)
GITLAB_LIKE = (
    b"stages: [deploy]\ndeploy:\n  stage: deploy\n  trigger:\n    project: a/b\n"
    b"  script:\n    - task: x@1\n"
)
AZP_EXTENDS = (
    b"parameters:\n  - name: env\n    default: prod\nextends:\n"
    b"  template: /eng/templates/1es.yml\n  parameters:\n    env: ${{ parameters.env }}\n"
)
GITLAB_INCLUDE = (
    b"variables:\n  A: b\nstages: [test]\ninclude:\n  - template: Security/SAST.gitlab-ci.yml\n"
)
CIRCLE_LIKE = (
    b"version: 2.1\nparameters:\n  p: {type: string, default: x}\njobs:\n  b:\n"
    b"    steps:\n      - run: echo << pipeline.parameters.p >>\n"
)
DRONE = (
    b"kind: pipeline\nname: default\nsteps:\n  - name: t\n    image: golang\n"
    b"trigger:\n  branch: [main]\n"
)
TEKTON = (
    b"apiVersion: tekton.dev/v1\nkind: Pipeline\nspec:\n  tasks:\n    - name: build\n"
    b"      taskRef:\n        name: build@1\n"
)
CONCOURSE = (
    b"jobs:\n  - name: unit\n    plan:\n      - get: repo\n        trigger: true\n"
    b"      - task: unit\n"
)

# (path, head, expected kind, optional gitlab_includes)
CASES: list[tuple[str, bytes, FileKind, tuple[str, ...]]] = [
    # python
    ("app/main.py", b"", K.PYTHON, ()),
    ("stubs/mod.pyi", b"", K.PYTHON, ()),
    ("bin/tool", b"#!/usr/bin/env python3\nprint(1)\n", K.PYTHON, ()),
    ("bin/tool2", b"#!/usr/bin/python3.12\n", K.PYTHON, ()),
    # github-actions
    (".github/workflows/ci.yml", b"on: push\n", K.GITHUB_ACTIONS, ()),
    (".github/workflows/release.yaml", b"", K.GITHUB_ACTIONS, ()),
    ("action.yml", b"runs:\n  using: composite\n", K.GITHUB_ACTIONS, ()),
    ("actions/setup/action.yaml", b"", K.GITHUB_ACTIONS, ()),
    ("sub/project/.github/workflows/ci.yml", b"", K.GITHUB_ACTIONS, ()),
    # gitlab-ci
    (".gitlab-ci.yml", b"stages: [test]\n", K.GITLAB_CI, ()),
    ("ci/deploy.yml", b"deploy:\n  script: [make]\n", K.GITLAB_CI, ("ci/deploy.yml",)),
    ("./ci/deploy.yml", b"", K.GITLAB_CI, ("ci/deploy.yml",)),
    (".gitlab/ci/build.yml", b"", K.GITLAB_CI, ()),
    # other CI systems
    (".circleci/config.yml", b"version: 2.1\n", K.CIRCLECI, ()),
    ("azure-pipelines.yml", b"", K.AZURE_PIPELINES, ()),
    ("azure-pipelines-release.yaml", b"", K.AZURE_PIPELINES, ()),
    ("bitbucket-pipelines.yml", b"", K.BITBUCKET, ()),
    ("Jenkinsfile", b"pipeline {}\n", K.JENKINSFILE, ()),
    ("ci/Jenkinsfile.release", b"", K.JENKINSFILE, ()),
    # Jenkins shared libraries and `.jenkins/` anywhere: scanned from above, or a monorepo part
    ("vars/deploy.groovy", b"", K.JENKINSFILE, ()),
    ("repo/vars/deploy.groovy", b"", K.JENKINSFILE, ()),
    ("services/x/vars/deploy.groovy", b"", K.JENKINSFILE, ()),
    (".jenkins/build.groovy", b"", K.JENKINSFILE, ()),
    ("repo/.jenkins/build.groovy", b"", K.JENKINSFILE, ()),
    ("repo/.jenkins/stages/deploy.groovy", b"", K.JENKINSFILE, ()),
    ("jenkins/release.groovy", b"", K.JENKINSFILE, ()),
    # Azure Pipelines under its other names, and pipelines only the head reveals
    ("azure-pipeline.yml", b"", K.AZURE_PIPELINES, ()),
    ("build/azure-pipeline.pr.yml", b"", K.AZURE_PIPELINES, ()),
    (".azure-pipelines/ci.yml", b"", K.AZURE_PIPELINES, ()),
    (".azure-pipelines/templates/deploy.yml", b"steps: []\n", K.AZURE_PIPELINES, ()),
    ("repo/.vsts-ci.yml", b"", K.AZURE_PIPELINES, ()),
    (".pipelines/ci.yml", AZP, K.AZURE_PIPELINES, ()),
    ("eng/pipelines/pr.yaml", AZP_TASK, K.AZURE_PIPELINES, ()),
    (".pipeline/release.yml", AZP_EXTENDS, K.AZURE_PIPELINES, ()),
    # terraform
    ("infra/main.tf", b"", K.TERRAFORM, ()),
    ("infra/prod.tfvars", b"", K.TERRAFORM, ()),
    ("infra/main.tf.json", b"{}", K.TERRAFORM, ()),
    # cloudformation
    ("stack/template.yaml", CFN_YAML, K.CLOUDFORMATION, ()),
    ("stack/template.json", CFN_JSON, K.CLOUDFORMATION, ()),
    ("sam/template.yml", SAM, K.CLOUDFORMATION, ()),
    ("stack/cfn.template", CFN_YAML, K.CLOUDFORMATION, ()),
    # kubernetes
    ("k8s/secret.yaml", K8S, K.KUBERNETES, ()),
    ("k8s/deploy.json", K8S_JSON, K.KUBERNETES, ()),  # compact JSON, one line
    ("k8s/pretty.json", b'{\n  "apiVersion": "v1",\n  "kind": "Pod"\n}\n', K.KUBERNETES, ()),
    ("k8s/flow.yml", b"{apiVersion: v1, kind: ConfigMap}\n", K.KUBERNETES, ()),
    # kustomize's own names, with or without apiVersion/kind; a manifest after a non-manifest
    ("overlays/prod/kustomization.yaml", b"resources: [../../base]\n", K.KUBERNETES, ()),
    ("base/kustomization.yml", b"", K.KUBERNETES, ()),
    ("k8s/all.yaml", b"# generated\nfoo: 1\n---\napiVersion: v1\nkind: Secret\n", K.KUBERNETES, ()),
    # Skaffold writes `kind: Config` too, without a kubeconfig's users/clusters/contexts
    ("skaffold.yaml", b"apiVersion: skaffold/v4beta6\nkind: Config\nbuild: {}\n", K.KUBERNETES, ()),
    # helm
    ("charts/app/Chart.yaml", b"apiVersion: v2\nname: app\n", K.HELM, ()),
    ("charts/app/values.yaml", b"image: x\n", K.HELM, ()),
    ("charts/app/values-prod.yaml", b"", K.HELM, ()),
    ("charts/app/templates/deployment.yaml", K8S, K.HELM, ()),
    # kubeconfig
    ("deploy/cluster.yaml", KUBECONFIG, K.KUBECONFIG, ()),
    (".kube/config", b"", K.KUBECONFIG, ()),
    ("home/user/.kube/config", KUBECONFIG, K.KUBECONFIG, ()),
    # dockerfile
    ("Dockerfile", b"FROM alpine\n", K.DOCKERFILE, ()),
    ("docker/Dockerfile.prod", b"", K.DOCKERFILE, ()),
    ("build/api.dockerfile", b"", K.DOCKERFILE, ()),
    ("Containerfile", b"", K.DOCKERFILE, ()),
    # compose
    ("docker-compose.yml", b"services: {}\n", K.COMPOSE, ()),
    ("docker-compose.override.yaml", b"", K.COMPOSE, ()),
    ("compose.yaml", b"", K.COMPOSE, ()),
    # devcontainer
    (".devcontainer/devcontainer.json", b"{}", K.DEVCONTAINER, ()),
    (".devcontainer.json", b"{}", K.DEVCONTAINER, ()),
    # ansible
    ("playbooks/site.yml", b"", K.ANSIBLE, ()),
    ("roles/web/tasks/main.yml", b"", K.ANSIBLE, ()),
    ("roles/web/handlers/main.yaml", b"", K.ANSIBLE, ()),
    ("deploy.yml", PLAY, K.ANSIBLE, ()),
    ("site.yaml", NAMED_PLAY, K.ANSIBLE, ()),
    # iam-policy: a standalone web-identity trust policy, by its content
    ("iam/github-trust.json", b'{"Version": "2012-10-17", "Statement": [{"Action": '
     b'"sts:AssumeRoleWithWebIdentity"}]}', K.IAM_POLICY, ()),
    # serverless
    ("serverless.yml", b"service: api\n", K.SERVERLESS, ()),
    ("svc/serverless.yaml", b"", K.SERVERLESS, ()),
    # pulumi: the project file and stack configs, not any YAML under a pulumi/ directory
    ("Pulumi.yaml", b"name: app\n", K.PULUMI, ()),
    ("infra/Pulumi.prod.yaml", b"config:\n", K.PULUMI, ()),
    # mcp
    ("mcp.json", b"{}", K.MCP, ()),
    (".mcp.json", b"{}", K.MCP, ()),
    (".cursor/mcp.json", b"{}", K.MCP, ()),
    (".vscode/mcp.json", b"{}", K.MCP, ()),
    ("claude_desktop_config.json", b"{}", K.MCP, ()),
    # dotenv
    (".env", b"A=1\n", K.DOTENV, ()),
    (".env.production", b"", K.DOTENV, ()),
    ("config/app.env", b"", K.DOTENV, ()),
    # shell
    ("scripts/x.sh", b"", K.SHELL, ()),
    ("Makefile", b"all:\n\ttrue\n", K.SHELL, ()),
    ("bin/deploy", b"#!/bin/bash\nset -e\n", K.SHELL, ()),
    ("bin/run", b"#!/usr/bin/env sh\n", K.SHELL, ()),
    # text
    ("README.md", b"# hi\n", K.TEXT, ()),
    ("config.ini", b"[s]\nk=v\n", K.TEXT, ()),
    ("conf/settings.yaml", PLAIN_YAML, K.TEXT, ()),
    ("conf/settings.json", PLAIN_JSON, K.TEXT, ()),
    ("bin/noext", b"just text\n", K.TEXT, ()),
    # -- negative rows: look-alikes that are not the kind their name suggests --
    ("workflows/ci.yml", b"on: push\n", K.TEXT, ()),  # not under .github
    ("github/workflows/ci.yml", b"", K.TEXT, ()),
    (".github/workflows/README.md", b"", K.TEXT, ()),
    ("ci/deploy.yml", b"deploy:\n  script: [make]\n", K.TEXT, ()),  # not included
    ("docs/python.txt", b"#!/usr/bin/env python3\n", K.TEXT, ()),  # shebang needs no extension
    ("notes/tf.md", b"", K.TEXT, ()),
    ("k8s/only-kind.yaml", b"kind: Secret\n", K.TEXT, ()),  # kind without apiVersion
    ("doc/cfn.md", CFN_YAML, K.TEXT, ()),  # markers only count in YAML/JSON
    ("conf/mcp.yaml", b"", K.TEXT, ()),
    ("environment.txt", b"", K.TEXT, ()),
    ("src/envelope.py", b"", K.PYTHON, ()),
    # Groovy that is not a pipeline: Jenkins core's own sources, below a `vars/` directory
    ("core/src/main/resources/jenkins/install/setup.groovy", b"", K.TEXT, ()),
    ("vars/sub/helper.groovy", b"", K.TEXT, ()),
    ("lib/vars/sub/helper.groovy", b"", K.TEXT, ()),
    ("lib/jenkins/x.groovy", b"", K.TEXT, ()),
    # YAML the Azure sniff must leave alone
    ("ci/workflow.yml", GHA_LIKE, K.TEXT, ()),  # a GitHub workflow outside .github/
    ("ci/gitlab.yml", GITLAB_LIKE, K.TEXT, ()),
    ("ci/.drone.yml", DRONE, K.TEXT, ()),
    ("deploy/tekton.yaml", TEKTON, K.KUBERNETES, ()),
    ("ci/concourse.yml", CONCOURSE, K.TEXT, ()),
    ("eng/pipelines/steps.yml", b"steps:\n  - task: UseDotNet@2\n", K.TEXT, ()),  # no trigger
    ("ci/gitlab-sast.yml", GITLAB_INCLUDE, K.TEXT, ()),
    ("ci/circleci.yml", CIRCLE_LIKE, K.TEXT, ()),
]


def _id(case: tuple[str, bytes, FileKind, tuple[str, ...]]) -> str:
    return f"{case[2].value}:{case[0]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_classify(case: tuple[str, bytes, FileKind, tuple[str, ...]]) -> None:
    path, head, expected, includes = case
    assert classify(path, head, includes) is expected


def test_every_kind_has_a_row() -> None:
    assert {c[2] for c in CASES} == set(FileKind)


def test_windows_separators_and_case() -> None:
    assert classify(".github\\workflows\\CI.YML") is K.GITHUB_ACTIONS
    assert classify("DOCKERFILE") is K.DOCKERFILE


def test_path_beats_content() -> None:
    # A workflow that happens to mention CloudFormation markers is still a workflow.
    assert classify(".github/workflows/ci.yml", CFN_YAML) is K.GITHUB_ACTIONS
    assert classify("app/cfn.py", CFN_YAML) is K.PYTHON


def test_a_cloudformation_stack_in_templates_is_not_helm() -> None:
    """Stacks often live in `templates/`: the CloudFormation sniff overrides Helm's path glob."""
    stack = b'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n'
    assert classify("infra/templates/vpc.yaml", stack) is FileKind.CLOUDFORMATION
    assert classify("chart/templates/deployment.yaml", b"apiVersion: apps/v1\n") is FileKind.HELM
    assert classify("chart/templates/deployment.yaml") is FileKind.HELM
