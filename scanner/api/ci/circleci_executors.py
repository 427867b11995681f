"""Where a CircleCI job runs, for LLC-CCI-001's AWS calls with nothing to authenticate them.

CircleCI's hosted executors (docker, machine, macos with a plain resource class) have no
instance role, so an AWS call there can only use keys from a context or the project's
settings. A self-hosted runner (a ``<namespace>/<name>`` resource class) may have one, and a
job testing against LocalStack or MinIO needs no real key.
"""

from __future__ import annotations

from scanner.api import Job, yamlnodes
from scanner.api.ci.aws_script import EMULATORS, LOCAL_ENDPOINT, get_merged


def executor(root: yamlnodes.Node | None, job: yamlnodes.Node | None) -> yamlnodes.Node | None:
    """The job's executor defined in this file (``executor: x`` or ``{name: x}``)."""
    ref = get_merged(job, "executor")
    name = yamlnodes.scalar(ref) or yamlnodes.scalar(yamlnodes.get(ref, "name"))
    return yamlnodes.get(yamlnodes.get(root, "executors"), name) if name else None


def self_hosted(root: yamlnodes.Node | None, job: yamlnodes.Node | None) -> bool:
    """A runner resource class (``<namespace>/<name>``) on the job or its executor."""
    for holder in (job, executor(root, job)):
        resource = yamlnodes.scalar(get_merged(holder, "resource_class")) or ""
        if "/" in resource and "<<" not in resource:
            return True
    return False


def emulated(root: yamlnodes.Node | None, job: Job) -> bool:
    """A job testing against LocalStack or MinIO: any dummy key works there."""
    for holder in (job.node, executor(root, job.node)):
        for image in yamlnodes.elements(get_merged(holder, "docker")):
            name = (yamlnodes.scalar(yamlnodes.get(image, "image")) or "").lower()
            if any(e in name for e in EMULATORS):
                return True
    endpoints = [e for e in job.env.values() if "ENDPOINT" in e.key.upper() and e.value]
    return any(LOCAL_ENDPOINT.search(e.value or "") for e in endpoints)
