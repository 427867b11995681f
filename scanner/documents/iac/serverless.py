"""``serverless.yml`` (Serverless Framework): where its environment variables are declared.

The file is recognised by its shape (``service`` and a ``provider`` mapping with a ``name``),
not its name, so ``serverless.prod.yml`` and includes read the same. Only the environment
maps are a view here: ``provider.environment`` and ``functions.<name>.environment``. The
``resources.Resources`` section is CloudFormation and reads as such. Values written
``${ssm:...}``, ``${env:...}``, ``${self:...}`` are variables resolved at deploy time.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.documents import yaml as yamlnodes


def is_serverless(root: yamlnodes.Node) -> bool:
    provider = yamlnodes.get(root, "provider")
    return yamlnodes.get(root, "service") is not None and (
        yamlnodes.get(provider, "name") is not None or yamlnodes.scalar(provider) is not None
    )


def environments(root: yamlnodes.Node) -> Iterator[tuple[str, yamlnodes.Node]]:
    """``(where, mapping)`` for each environment map: ``provider``, ``function <name>``."""
    if not is_serverless(root):
        return
    env = yamlnodes.get(yamlnodes.get(root, "provider"), "environment")
    if isinstance(env, yamlnodes.MappingNode):
        yield "provider", env
    for name, _, body in yamlnodes.items(yamlnodes.get(root, "functions")):
        env = yamlnodes.get(body, "environment")
        if isinstance(env, yamlnodes.MappingNode):
            yield f"function {name}", env


def resources(root: yamlnodes.Node) -> yamlnodes.Node | None:
    """The CloudFormation ``Resources`` mapping under ``resources``, if any."""
    return yamlnodes.get(yamlnodes.get(root, "resources"), "Resources")
