"""The Azure Pipelines loader: three shapes, variables in both forms with inheritance, script
steps and script tasks, value kinds, and templates the pre-pass classifies."""

from __future__ import annotations

from pathlib import Path

from scanner.api import ValueKind
from scanner.api.ci_examples import Stored, render
from scanner.documents.ci import LOADERS, Pipeline, load_pipeline
from scanner.documents.ci.azure import DEFAULT_JOB, EXPRESSION, AzurePipeline, load
from scanner.documents.yaml import YamlDocument
from scanner.filekinds import FileKind, classify
from scanner.findings import Location
from scanner.project import azure_templates, survey

STAGES = """\
trigger:
  - main
pr: none
variables:
  - group: prod-secrets
  - name: REGION
    value: westeurope
  - name: ALIAS
    value: $(SP_SECRET)
  - template: vars/common.yml
stages:
  - stage: Build
    variables:
      REGION: northeurope
      CONFIG: Release
    jobs:
      - job: compile
        variables:
          - group: build-keys
          - name: CONFIG
            value: Debug
        steps:
          - script: |
              echo $(CONFIG)
              make build
            displayName: build
          - bash: ./test.sh $(Build.BuildId)
            env:
              TOKEN: $(SP_SECRET)
              ALIASED: $(ALIAS)
              LOCAL: $(REGION)
              JOB: $(System.AccessToken)
              PARAM: ${{ parameters.level }}
              RUNTIME: $[ variables['REGION'] ]
              PLAIN: literal
  - stage: Deploy
    jobs:
      - deployment: web
        environment: production
        strategy:
          runOnce:
            deploy:
              steps:
                - task: AzureCLI@2
                  inputs:
                    azureSubscription: prod-connection
                    scriptType: pscore
                    scriptLocation: inlineScript
                    inlineScript: |
                      az webapp list
                      Write-Output `
                        done
            on:
              failure:
                steps:
                  - pwsh: Write-Output rollback
      - template: jobs/extra.yml
"""


def doc(text: str, path: str = "azure-pipelines.yml") -> YamlDocument:
    return YamlDocument(path, text)


def pipe(text: str, path: str = "azure-pipelines.yml") -> Pipeline:
    pipeline = load(doc(text, path))
    assert pipeline is not None
    return pipeline


def where(pipeline: Pipeline, node: object) -> tuple[int, int, int, int]:
    loc: Location = pipeline.doc.locate(node)
    return loc.line, loc.column, loc.end_line, loc.end_column


def test_registered_for_azure_files() -> None:
    assert LOADERS[FileKind.AZURE_PIPELINES].document == "yaml"
    assert classify("azure-pipelines.yml") is FileKind.AZURE_PIPELINES
    p = load_pipeline(FileKind.AZURE_PIPELINES, doc(STAGES))
    assert isinstance(p, AzurePipeline)
    assert (p.system, p.kind) == ("azure", "pipeline")
    assert pipe("steps: []\n", "ci/templates/steps.yml").kind == "template"
    assert load(doc("- a\n- b\n")) is None


def test_stages_jobs_and_deployment_hooks() -> None:
    p = pipe(STAGES)
    assert list(p.triggers) == ["trigger"]
    assert [j.job_id for j in p.jobs] == ["Build.compile", "Deploy.web"]
    assert all(s.job is j for j in p.jobs for s in j.steps)
    build, deploy = p.jobs
    assert [s.name for s in build.steps] == ["build", None]
    assert [(s.index, s.uses, s.script.shell if s.script else "-") for s in deploy.steps] == [
        (0, "AzureCLI@2", "pwsh"),
        (1, None, "pwsh"),
    ]
    assert (deploy.environment, where(p, deploy.environment_node)) == (
        "production",
        (39, 22, 39, 32),
    )


def test_variables_inherit_pipeline_stage_job() -> None:
    p = pipe(STAGES)
    assert list(p.env) == ["REGION", "ALIAS"]
    build = p.jobs[0]
    assert build.env["CONFIG"].value == "Debug"  # the job's win over the stage's
    assert build.env["REGION"].value == "northeurope"
    scoped = build.steps[1].scoped_env()
    assert scoped["REGION"].value == "northeurope"
    assert scoped["ALIAS"].value == "$(SP_SECRET)"
    assert "CONFIG" not in p.jobs[1].env
    assert where(p, p.env["REGION"].key_node) == (6, 11, 6, 17)
    assert where(p, p.env["REGION"].value_node) == (7, 12, 7, 22)
    assert isinstance(p, AzurePipeline)
    assert [(g.name, g.scope) for g in p.groups[""]] == [("prod-secrets", "pipeline")]
    assert [g.name for g in p.groups["Build.compile"]] == ["prod-secrets", "build-keys"]
    assert [g.name for g in p.groups["Deploy.web"]] == ["prod-secrets"]
    assert where(p, p.groups["Build.compile"][1].node) == (19, 20, 19, 30)
    assert build.contexts == ("prod-secrets", "build-keys")


def test_value_kinds_follow_where_the_variable_is_defined() -> None:
    env = pipe(STAGES).jobs[0].steps[1].env
    self_named = pipe("variables:\n  X: $(X)\n  Y: $(Z)\n  Z: $(Y)\n").env
    assert [self_named[k].kind for k in "XYZ"] == [ValueKind.SECRET] * 3
    kinds = {k: (e.kind, e.refs) for k, e in env.items()}
    assert kinds == {
        "TOKEN": (ValueKind.SECRET, ("secrets.SP_SECRET",)),
        "ALIASED": (ValueKind.SECRET, ("variables.ALIAS", "secrets.SP_SECRET")),
        "LOCAL": (ValueKind.EXPRESSION, ("variables.REGION",)),
        "JOB": (ValueKind.EXPRESSION, ("variables.System.AccessToken",)),
        "PARAM": (ValueKind.EXPRESSION, ("parameters.level",)),
        "RUNTIME": (ValueKind.EXPRESSION, ("variables.REGION",)),
        "PLAIN": (ValueKind.LITERAL, ()),
    }
    assert env["TOKEN"].secrets == env["ALIASED"].secrets == ("SP_SECRET",)


def test_names_are_case_insensitive_and_runtime_variables_are_not_stored() -> None:
    p = pipe(
        "variables:\n  region: x\nsteps:\n"
        "  - bash: echo '##vso[task.setvariable variable=TOKEN;issecret=true]abc'\n"
        "    name: setter\n"
        "  - script: ./run\n"
        "    env:\n      A: $(REGION)\n      B: $(token)\n      C: $(setter.out)\n"
        "      D: $(pwd)\n      E: $(Other)\n"
    )
    env = p.jobs[0].steps[1].env
    assert [env[k].kind for k in "ABCDE"] == [
        ValueKind.EXPRESSION,
        ValueKind.EXPRESSION,
        ValueKind.EXPRESSION,
        ValueKind.LITERAL,  # a shell substitution Azure leaves as written
        ValueKind.SECRET,
    ]


def test_root_steps_are_one_implicit_job_with_exact_command_positions() -> None:
    p = pipe(render("azure", "echo start\naz login --service-principal \\\n  -u $(SP_ID)\n"))
    (job,) = p.jobs
    assert job.job_id == DEFAULT_JOB
    assert job.federation.oidc is None
    assert "workload identity federation" in job.federation.reason
    assert job.federation.how == "convert the service connection to workload identity federation"
    commands = job.steps[0].commands()
    assert [c.text for c in commands] == ["echo start", "az login --service-principal -u $(SP_ID)"]
    assert where(p, commands[1].node) == (8, 7, 9, 20)
    start = commands[1].text.index("$(SP_ID)")
    assert where(p, commands[1].target(start, start + 8)) == (9, 12, 9, 20)
    assert job.steps[0].script is not None
    assert job.steps[0].script.expression is EXPRESSION


def test_render_examples_load_in_every_form() -> None:
    env = {"REGION": "westeurope", "ARM_CLIENT_SECRET": Stored("SP_SECRET")}
    p = pipe(render("azure", "terraform apply", env, federated=True))
    step = p.jobs[0].steps[0]
    assert step.run == "terraform apply\n"
    assert step.env["REGION"].kind is ValueKind.LITERAL
    assert step.env["ARM_CLIENT_SECRET"].kind is ValueKind.SECRET


def test_script_tasks_and_service_connection() -> None:
    p = pipe(STAGES)
    task = p.jobs[1].steps[0]
    assert task.action() == "azurecli"
    assert task.with_["azureSubscription"].value == "prod-connection"
    assert [c.text for c in task.commands()] == ["az webapp list", "Write-Output done"]
    federation = p.jobs[1].federation
    assert federation.oidc is None
    assert "prod-connection" in federation.reason
    assert federation.node is task.with_["azureSubscription"].value_node
    assert where(p, task.uses_node) == (44, 25, 44, 35)

    tasks = pipe(
        "jobs:\n  - job: a\n    steps:\n"
        "      - task: Bash@3\n        inputs: {targetType: inline, script: echo one}\n"
        "      - task: PowerShell@2\n"
        "        inputs: {targetType: inline, script: dir, pwsh: true}\n"
        "      - task: AzurePowerShell@5\n        inputs: {ScriptType: InlineScript, inline: ls}\n"
        "      - task: Bash@3\n        inputs: {targetType: filePath, filePath: x.sh}\n"
        "      - task: AzureCLI@2\n"
        "        inputs: {scriptLocation: scriptPath, scriptPath: a.sh, inlineScript: x}\n"
        "      - task: Docker@2\n        inputs: {command: login}\n"
        "      - powershell: Get-ChildItem\n"
        "      - checkout: self\n"
        "      - template: steps.yml\n"
    ).jobs[0]
    assert [(s.uses, s.run, s.script.shell if s.script else None) for s in tasks.steps] == [
        ("Bash@3", "echo one", "bash"),
        ("PowerShell@2", "dir", "pwsh"),
        ("AzurePowerShell@5", "ls", "powershell"),
        ("Bash@3", None, None),
        ("AzureCLI@2", None, None),
        ("Docker@2", None, None),
        (None, "Get-ChildItem", "powershell"),
        (None, None, None),
    ]


def test_conditional_insertion_is_read_through() -> None:
    p = pipe(
        "variables:\n"
        "  ${{ if eq(variables['Build.SourceBranchName'], 'main') }}:\n"
        "    STAGE: prod\n"
        "  OTHER: x\n"
        "jobs:\n"
        "  - ${{ if true }}:\n"
        "    - job: inserted\n"
        "      steps:\n"
        "        - ${{ each s in parameters.list }}:\n"
        "          - script: echo ${{ s }}\n"
    )
    assert list(p.env) == ["STAGE", "OTHER"]
    assert [j.job_id for j in p.jobs] == ["inserted"]
    assert p.jobs[0].steps[0].run == "echo ${{ s }}"


def test_expression_regex_reads_all_three_forms() -> None:
    text = "a $(X.y) b ${{ parameters.p }} c $[ dependencies.A.outputs['s.v'] ] $(pwd) $(cmd arg)"
    assert [m.group(0) for m in EXPRESSION.finditer(text)] == [
        "$(X.y)",
        "${{ parameters.p }}",
        "$[ dependencies.A.outputs['s.v'] ]",
    ]


def test_prepass_classifies_local_templates(tmp_path: Path) -> None:
    (tmp_path / "azure-pipelines.yml").write_text(
        "stages:\n"
        "  - template: stages/build.yml\n"
        "  - template: /shared/deploy.yaml  # root-relative\n"
        "  - template: 'other.yml@templates'\n"
        "  - template: /eng/self.yml@self\n"
        "  - template: ${{ parameters.t }}.yml\n"
        "  - template: ../outside.yml\n"
    )
    (tmp_path / "stages").mkdir()
    (tmp_path / "stages" / "build.yml").write_text(
        "jobs:\n  - template: ../jobs/compile.yml\n    parameters: {a: 1}\n"
    )
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "azure-pipelines-release.yml").write_text(
        "extends:\n  template: templates/release.yml\n"
    )
    found = azure_templates(tmp_path, ["ci/azure-pipelines-release.yml", "a.py"])
    assert found == {
        "stages/build.yml",
        "shared/deploy.yaml",
        "eng/self.yml",
        "jobs/compile.yml",
        "ci/templates/release.yml",
    }
    facts = survey(tmp_path, ["ci/azure-pipelines-release.yml"])
    assert classify("jobs/compile.yml", b"", facts.kinds) is FileKind.AZURE_PIPELINES
    assert azure_templates(tmp_path / "stages") == frozenset()


_LOGIN = "az login --service-principal -u x -p $(SECRET) --tenant t"
_TEMPLATES = (
    ".azure-pipelines/templates/deploy.yml",
    "eng/pipelines/x.yml",
    "templates/deploy.yml",
)


def _checkout(repo: Path, pipeline: str = "azure-pipelines.yml") -> None:
    """A repository whose pipeline reaches a login through four forms of template path."""
    (repo / ".azure-pipelines" / "templates").mkdir(parents=True)
    (repo / "templates").mkdir()
    (repo / "eng" / "pipelines").mkdir(parents=True)
    (repo / pipeline).parent.mkdir(parents=True, exist_ok=True)
    (repo / pipeline).write_text(
        "trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nsteps:\n"
        "  - template: /.azure-pipelines/templates/deploy.yml\n"
        "  - template: /templates/deploy.yml@self\n"
        "  - template: /eng/pipelines/x.yml\n"
    )
    for rel in _TEMPLATES:
        (repo / rel).write_text(f"steps:\n  - script: {_LOGIN}\n")


def _ci006(root: Path, paths: list[Path]) -> list[str]:
    from scanner.config import Config
    from scanner.pipeline import scan
    from scanner.registry import get_rule

    rule = get_rule("LLC-CI-006")
    assert rule is not None
    result = scan(paths, Config(root=root), [rule], jobs=1)
    return sorted(f.location.path for f in result.findings)


def test_templates_are_found_when_the_scan_root_is_above_the_repository(tmp_path: Path) -> None:
    # Triage scanned a directory of checkouts: the pre-pass's file list was a generator the
    # GitLab pass had already used up, and root-relative paths resolved from the scan root.
    repo = tmp_path / "azure" / "r"
    _checkout(repo)
    expected = [f"azure/r/{rel}" for rel in _TEMPLATES]
    assert _ci006(tmp_path, [tmp_path]) == expected
    assert _ci006(repo, [repo]) == [p.removeprefix("azure/r/") for p in expected]
    # The files handed over as a generator, as the scan does.
    facts = survey(tmp_path, (p for p in ["azure/r/azure-pipelines.yml", "azure/r/x.py"]))
    assert classify("azure/r/templates/deploy.yml", b"", facts.kinds) is FileKind.AZURE_PIPELINES


def test_root_relative_template_falls_back_to_the_scan_root(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "t.yml").write_text("steps: []\n")
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "azure-pipelines.yml").write_text(
        "steps:\n  - template: /shared/t.yml\n  - template: /missing/m.yml\n"
    )
    found = azure_templates(tmp_path, ["ci/azure-pipelines.yml", "shared/t.yml"])
    assert found == {"shared/t.yml", "missing/m.yml"}


def test_pipelines_the_sniff_finds_have_their_templates_followed(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    (repo / "eng" / "pipelines" / "templates").mkdir(parents=True)
    (repo / "eng" / "pipelines" / "ci.yml").write_text(
        "trigger: none\npool:\n  vmImage: windows-latest\nstages:\n  - stage: s\n    jobs:\n"
        "      - job: j\n        steps:\n          - task: UseDotNet@2\n"
        "          - template: templates/login.yml\n"
    )
    (repo / "eng" / "pipelines" / "templates" / "login.yml").write_text(
        f"steps:\n  - script: {_LOGIN}\n"
    )
    assert _ci006(tmp_path, [tmp_path]) == ["r/eng/pipelines/templates/login.yml"]


def test_pipelines_under_other_azure_names(tmp_path: Path) -> None:
    for name in ("azure-pipeline.yml", "build/azure-pipeline.pr.yml", ".vsts-ci.yml",
                 ".azure-pipelines/ci.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"steps:\n  - script: {_LOGIN}\n")
    assert _ci006(tmp_path, [tmp_path]) == [
        ".azure-pipelines/ci.yml", ".vsts-ci.yml", "azure-pipeline.yml",
        "build/azure-pipeline.pr.yml",
    ]
