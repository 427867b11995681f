"""Ansible module invocations into the model: a task's ``<module>: {args}`` is a resource.

Any mapping key that ``types.py`` lists as an Ansible module is one, wherever it sits (a play's
``tasks``, ``block``, a role's task file, a handler): the module name, not the file layout, is
what marks it, so loose task files and nested blocks need no special case. Modules with no row
are not loaded. Free-form arguments (``module: a=b``) give no attributes. Jinja ``{{ }}`` values
are references; their text is kept, since a templated ``state`` is not known to be ``present``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.documents import yaml as yamlnodes
from scanner.documents.iac._yamlvalues import attrs
from scanner.documents.iac.model import FrontEnd, Resource
from scanner.documents.iac.types import by_native

#: Files that hold only variables: inventory ``group_vars``/``host_vars`` (a file per group or
#: host, or a directory of them) and a role's ``vars``/``defaults``.
_VARS_PATH = re.compile(r"(?:^|/)(?:(?:group|host)_vars/|roles/[^/]+/(?:vars|defaults)/)")


def vars_file(path: str) -> bool:
    """Whether the file at ``path`` is an Ansible variables file by its place in the tree
    (its root is a mapping of variable names, not a play or a task list)."""
    return _VARS_PATH.search(path.replace("\\", "/").lower()) is not None


def is_reference(node: yamlnodes.Node) -> bool:
    text = yamlnodes.scalar(node)
    return text is not None and "{{" in text


def load(root: yamlnodes.Node) -> Iterator[Resource]:
    modules = by_native(FrontEnd.ANSIBLE.value)
    for node in yamlnodes.walk(root):
        for module, key_node, args in yamlnodes.items(node):
            row = modules.get(module)
            if row is None:
                continue
            yield Resource(
                type=row.canonical,
                native_type=module,
                front_end=FrontEnd.ANSIBLE,
                name=yamlnodes.scalar(yamlnodes.get(node, "name")) or "",
                node=key_node,
                attrs=attrs(args, is_reference),
                native=args,
            )
