"""GitHub Actions fixes: static AWS keys become an OIDC role (LLC-GHA-001), a PyPI token
becomes trusted publishing (LLC-GHA-005).

Both drop the stored credential from the step and grant the job ``id-token: write``, the
permission that lets it ask GitHub for an OIDC token. Job permissions replace the workflow's,
so a job that had none gets the workflow's entries copied beside ``id-token: write``, or
``contents: read`` when permissions were implicit (what checkout needs). Edits are spans on
the original text (``edits``), so comments and layout survive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scanner.config import Config
from scanner.documents import yaml as y
from scanner.documents.ci.github import GithubWorkflow
from scanner.documents.ci.model import Job, Step
from scanner.documents.yaml import Node, YamlDocument, YamlError
from scanner.filekinds import FileKind, classify
from scanner.findings import Finding
from scanner.fixes.edits import (
    Edit,
    FixRefusedError,
    Lines,
    apply,
    entry_span,
    insert_entries,
    is_flow,
)
from scanner.fixes.model import FileFix, at

AWS_ACTION = "aws-actions/configure-aws-credentials"
PYPI_ACTION = "pypa/gh-action-pypi-publish"
#: The role the user must fill in: an IAM role whose trust policy admits this repository's
#: GitHub OIDC tokens. A placeholder, never a guess: a wrong ARN fails the job loudly.
ROLE_PLACEHOLDER = "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME"
_AWS_KEYS = ("aws-access-key-id", "aws-secret-access-key", "aws-session-token")
_PYPI_INPUTS = ("password", "user")
_TWINE_ENV = ("TWINE_PASSWORD", "TWINE_USERNAME")


def fix_github(fix: FileFix, findings: Sequence[Finding], config: Config) -> None:
    """Fix every LLC-GHA-001/005 finding (and LLC-CI-002 on twine) of one workflow or action
    file it can."""
    head = fix.text[:4096].encode("utf-8", "replace")
    if classify(fix.path, head) is not FileKind.GITHUB_ACTIONS:
        fix.refused.extend((f, "only GitHub Actions files are fixed") for f in findings)
        return
    try:
        pipeline = GithubWorkflow(YamlDocument(fix.path, fix.text))
    except YamlError as exc:
        fix.refused.extend((f, f"the file is not YAML outlive can read ({exc})") for f in findings)
        return
    lines = Lines(fix.text)
    edits: list[Edit] = []
    stored: set[str] = set()  # the secrets the fixed steps no longer read
    oidc_jobs: dict[int, Job] = {}
    for finding in findings:
        twine = finding.rule_id == "LLC-CI-002"
        step = _twine_step(pipeline, finding) if twine else _step_of(pipeline, finding)
        if step is None:
            why = (
                "the token is passed on the command line; fix it by hand"
                if twine and "passed as `" in finding.message
                else "only `twine upload` with `TWINE_PASSWORD` in a GitHub Actions env is fixed"
                if twine
                else "lower `role-duration-seconds` to the job's length by hand"
                if "role-duration-seconds" in finding.fix
                else "only the static key or token input itself is fixed"
            )
            fix.refused.append((finding, why))
            continue
        try:
            if twine:
                step_edits = _twine_env(lines, step)
            elif finding.rule_id == "LLC-GHA-001":
                step_edits = _aws_step(lines, step)
            else:
                step_edits = _pypi_step(lines, step)
            if not step.job.federation.oidc:
                _permissions(lines, step.job, pipeline.permissions)  # refuses early
                if id(step.job) not in oidc_jobs and implicit(step.job, pipeline.permissions):
                    users = token_users(step.job)
                    where = (
                        f"; the job's token is used at line {', '.join(map(str, users))}"
                        if users
                        else ""
                    )
                    fix.notes.append(
                        f"{fix.path}: job `{step.job.job_id}` had the default token "
                        "permissions; it now has `id-token: write` and `contents: "
                        f"{'write' if writes_contents(step.job) else 'read'}` only: add any "
                        f"scope its other steps need (actions, packages, pull-requests...){where}"
                    )
                oidc_jobs[id(step.job)] = step.job
        except FixRefusedError as exc:
            fix.refused.append((finding, str(exc)))
            continue
        edits.extend(step_edits)
        removed = _AWS_KEYS if finding.rule_id == "LLC-GHA-001" else _PYPI_INPUTS
        entries = step.scoped_env() if twine else step.with_
        for name in _TWINE_ENV if twine else removed:
            if name in entries:
                stored.update(s.lower() for s in entries[name].secrets)
        fix.fixed.append(finding)
        if finding.rule_id == "LLC-GHA-001":
            role = (
                "make the `role-to-assume` role trust"
                if "role-to-assume" in step.with_
                else f"replace {ROLE_PLACEHOLDER} with an IAM role that trusts"
            )
            fix.notes.append(
                f"{fix.path}:{finding.location.line}: {role} token.actions."
                "githubusercontent.com for this repository (aud sts.amazonaws.com, sub "
                "pinned), then delete the IAM user's access key"
            )
        if finding.rule_id != "LLC-GHA-001":
            needs = " (twine 6.1 or later publishes through it by itself)" if twine else ""
            fix.notes.append(
                f"{fix.path}:{finding.location.line}: add this workflow as a Trusted Publisher "
                f"of the project on PyPI{needs} (https://docs.pypi.org/trusted-publishers/), "
                "preferably with a protected `environment:`, then revoke the API token"
            )
    for job in oidc_jobs.values():
        edits.extend(_permissions(lines, job, pipeline.permissions))
    if not edits:
        return
    if "\r\n" in fix.text:  # a file with Windows line ends gets them in what is added too
        edits = [Edit(e.start, e.end, e.new.replace("\n", "\r\n")) for e in edits]
    new_text = apply(fix.text, edits)
    if _shape(pipeline) != _shape_of(fix.path, new_text):
        # A span edit that reached past its entry (a layout the edits do not know) would
        # change another step; refuse rather than offer it.
        fix.refused.extend((f, "the edit would change other steps; fix it by hand") for f in
                           fix.fixed)  # fmt: skip
        fix.fixed.clear()
        fix.notes.clear()
        return
    fix.new_text = new_text
    fix.notes.extend(_still_read(fix.path, new_text, stored))


def _still_read(path: str, text: str, names: set[str]) -> list[str]:
    """Notes for the removed secrets the file still reads elsewhere (a "has secrets" gate, a
    second step): deleting the key, as the fix asks, would change what those lines do."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        for name in sorted(names):
            if re.search(rf"secrets\.{re.escape(name)}\b", line, re.IGNORECASE):
                out.append(
                    f"{path}:{number}: `secrets.{name.upper()}` is still read here; change "
                    "this line before you delete the secret"
                )
    return out


#: What a fix must leave alone: each job's steps, with what they run and how they are named.
_Shape = list[tuple[str, list[tuple[str | None, str | None, str | None]]]]


def _shape(pipeline: GithubWorkflow) -> _Shape:
    return [
        (job.job_id, [(s.name, s.uses, s.run) for s in job.steps]) for job in pipeline.jobs
    ]


def _shape_of(path: str, text: str) -> _Shape | None:
    try:
        return _shape(GithubWorkflow(YamlDocument(path, text)))
    except YamlError:
        return None


def _step_of(pipeline: GithubWorkflow, finding: Finding) -> Step | None:
    """The step whose credential input the finding reports (the key node it starts at)."""
    aws = finding.rule_id == "LLC-GHA-001"
    action, names = (AWS_ACTION, _AWS_KEYS[:2]) if aws else (PYPI_ACTION, ("password",))
    for step in pipeline.steps():
        if step.action() != action:
            continue
        for name in names:
            entry = step.with_.get(name)
            if entry is not None and at(finding, entry.key_node.start_mark.line,
                                        entry.key_node.start_mark.column):
                return step
    return None


def _twine_step(pipeline: GithubWorkflow, finding: Finding) -> Step | None:
    """The ``run:`` step of an LLC-CI-002 finding on ``twine upload`` whose token comes from
    ``TWINE_PASSWORD`` in an ``env:`` (a ``-p`` flag or a written ``.pypirc`` is left)."""
    if pipeline.system != "github" or "`twine upload`" not in finding.message:
        return None
    if "in `TWINE_PASSWORD`" not in finding.message:
        return None
    line0 = finding.location.line - 1
    for step in pipeline.steps():
        if step.script is None or not (
            step.node.start_mark.line <= line0 <= step.node.end_mark.line
        ):
            continue
        if "TWINE_PASSWORD" in step.scoped_env():
            return step
    return None


def _twine_env(lines: Lines, step: Step) -> list[Edit]:
    """``TWINE_PASSWORD`` and ``TWINE_USERNAME`` out of the step's or the job's ``env:``
    (the whole ``env:`` when nothing else is left); a workflow-level one is refused, since
    other jobs read it too."""
    for owner, env in ((step.node, step.env), (step.job.node, step.job.env)):
        if "TWINE_PASSWORD" not in env:
            continue
        key, value = y.get_key(owner, "env"), y.get(owner, "env")
        if key is None or value is None:
            break
        present = [n for n in _TWINE_ENV if n in env]
        if all(k in present for k in env):
            begin, end = entry_span(lines, owner, key, value)
            return [Edit(begin, end, "")]
        out = []
        for name in present:
            begin, end = entry_span(lines, value, env[name].key_node, env[name].value_node)
            out.append(Edit(begin, end, ""))
        return out
    raise FixRefusedError(
        "`TWINE_PASSWORD` is set in the workflow's `env:`, which every job reads; move it "
        "or fix it by hand"
    )


def _with_node(step: Step) -> tuple[Node, Node]:
    key, value = y.get_key(step.node, "with"), y.get(step.node, "with")
    if key is None or value is None:
        raise FixRefusedError("the step has no `with:` mapping")
    return key, value


def _remove_inputs(lines: Lines, step: Step, names: Sequence[str]) -> list[Edit]:
    """Edits removing ``names`` from the step's ``with:``; the whole ``with:`` when nothing
    else would be left in it (an empty ``with:`` is a workflow error)."""
    with_key, with_value = _with_node(step)
    present = [n for n in names if n in step.with_]
    if all(k in present for k in step.with_):
        begin, end = entry_span(lines, step.node, with_key, with_value)
        return [Edit(begin, end, "")]
    edits = []
    for name in present:
        entry = step.with_[name]
        begin, end = entry_span(lines, with_value, entry.key_node, entry.value_node)
        edits.append(Edit(begin, end, ""))
    return edits


def _aws_step(lines: Lines, step: Step) -> list[Edit]:
    """Key inputs out, ``role-to-assume`` in where the first key input was."""
    _, with_value = _with_node(step)
    present = [k for k in _AWS_KEYS if k in step.with_]
    if "role-to-assume" in step.with_:
        # Role chaining from a static key: the role is there, only the key goes.
        return _remove_inputs(lines, step, present)
    first = min((step.with_[k] for k in present), key=lambda e: lines.start_of(e.key_node))
    rest = [k for k in present if step.with_[k] is not first]
    start, end = lines.start_of(first.key_node), lines.end_of(first.value_node)
    replacement = f"role-to-assume: {ROLE_PLACEHOLDER}"
    if not is_flow(with_value) and not lines.text[end : lines.line_end(end)].strip():
        replacement += "  # outlive fix: the IAM role GitHub OIDC may assume"
    edits = [Edit(start, end, replacement)]
    for name in rest:
        entry = step.with_[name]
        begin, finish = entry_span(lines, with_value, entry.key_node, entry.value_node)
        edits.append(Edit(begin, finish, ""))
    return edits


#: ``@v1.7.4`` and older: releases of the publish action from before trusted publishing.
_OLD_RELEASE = re.compile(r"^v?1\.([0-7])(\.\d+)*$")


def _pypi_step(lines: Lines, step: Step) -> list[Edit]:
    """``password`` (and the ``user`` it goes with) out: the action then publishes through
    the Trusted Publisher, with the job's OIDC token. Releases before v1.8 (and the frozen
    ``master`` branch) cannot, so they are refused rather than broken."""
    ref = (step.uses or "").partition("@")[2].strip()
    if _OLD_RELEASE.match(ref) or ref == "master":
        raise FixRefusedError(
            f"pypa/gh-action-pypi-publish@{ref} predates trusted publishing (v1.8); "
            "move to `release/v1` or a v1.8+ release first"
        )
    return _remove_inputs(lines, step, _PYPI_INPUTS)


#: Steps that push to the repository or publish a GitHub release with the job's token, which
#: the implicit permissions may allow and ``contents: read`` would not.
_WRITING_ACTIONS = ("release", "git-auto-commit", "create-pull-request", "gh-pages", "push")
_WRITING_COMMANDS = re.compile(r"\bgit\s+push\b|\bgh\s+(release|pr)\b")


def writes_contents(job: Job) -> bool:
    """Whether a step of the job seems to write to the repository (a release, a push)."""
    for step in job.steps:
        action = step.action() or ""
        if any(word in action.rsplit("/", 1)[-1] for word in _WRITING_ACTIONS):
            return True
        if step.run is not None and _WRITING_COMMANDS.search(step.run):
            return True
    return False


def token_users(job: Job) -> list[int]:
    """Lines of the job's steps that call GitHub with the job's token (``github-script``,
    ``github.token``, ``secrets.GITHUB_TOKEN``): the scopes they need are not known here."""
    out = []
    for step in job.steps:
        reads = [e for e in (*step.with_.values(), *step.env.values())
                 if {"github.token", "secrets.GITHUB_TOKEN"} & set(e.refs)]  # fmt: skip
        if (step.action() or "").endswith("/github-script") or reads:
            out.append(int(step.node.start_mark.line) + 1)
    return out


def implicit(job: Job, workflow: Node | None) -> bool:
    return job.permissions is None and workflow is None


def _id_column(job: Job) -> int:
    """The column of the job's id in ``jobs:``."""
    for _, key, value in y.items(y.get(job.pipeline.root, "jobs")):
        if value is job.node:
            return int(key.start_mark.column)
    return 0


def _permissions(lines: Lines, job: Job, workflow: Node | None) -> list[Edit]:
    """Edits granting ``job`` ``id-token: write`` at job level."""
    if job.job_id == "(composite action)":
        raise FixRefusedError(
            "a composite action runs with its caller's permissions: fix the workflows that "
            "call it (`permissions: id-token: write`) by hand"
        )
    current = job.permissions
    if current is not None:
        text = y.scalar(current)
        if text is not None:
            raise FixRefusedError(
                f"the job's `permissions: {text.strip()}` cannot gain `id-token: write` "
                "mechanically; list the scopes it needs and add `id-token: write`"
            )
        granted = y.get(current, "id-token")
        if granted is not None:
            start, end = lines.start_of(granted), lines.end_of(granted)
            return [Edit(start, end, "write")]
        return [insert_entries(lines, current, [("id-token", "write")])]
    entries: list[tuple[str, str]] = [("id-token", "write")]
    if workflow is not None:
        text = y.scalar(workflow)
        if text is not None:
            raise FixRefusedError(
                f"the workflow's `permissions: {text.strip()}` cannot gain `id-token: write` "
                "mechanically; give the job the scopes it needs and `id-token: write`"
            )
        for key, _, value in y.items(workflow):
            scope = y.scalar(value)
            if scope is None:
                raise FixRefusedError("the workflow's permissions are not plain scopes")
            if key != "id-token":
                entries.append((key, scope))
    else:
        entries.append(("contents", "write" if writes_contents(job) else "read"))
    if is_flow(job.node):
        raise FixRefusedError("the job is a flow mapping; add `permissions:` by hand")
    anchor = y.get_key(job.node, "steps") or y.get_key(job.node, "uses")
    if anchor is None:
        raise FixRefusedError("the job has no `steps:` to place `permissions:` before")
    indent = lines.indent_of(anchor)
    # One level deeper, by the file's own step: the job's keys against its id.
    width = anchor.start_mark.column - _id_column(job)
    inner = indent + " " * (width if width > 0 else 2)
    block = f"{indent}permissions:\n" + "".join(f"{inner}{k}: {v}\n" for k, v in entries)
    where = lines.line_start(lines.start_of(anchor))
    return [Edit(where, where, block)]
