"""A value's origin, front-end neutral: what ``Attr.origin`` holds where a loader resolves.

Terraform's resolver is ``hclvalues``; the types live here, apart from it, so the model does
not import the HCL parser to name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Origin(str, Enum):
    """What a value is, as far as one file tells."""

    LITERAL = "literal"  # a constant written here: string, number, bool, heredoc, null
    DEFAULT = "default"  # var.x whose variable block here has a constant default
    INPUT = "input"  # var.x with no default here: set at plan/apply time (tfvars, TF_VAR_x)
    FILE = "file"  # file()/filebase64()/templatefile(): the content of a file on disk
    ENV = "env"  # get_env("X") (Terragrunt), env("X") (Packer): the environment
    DATA = "data"  # data.<type>.<name>...: read from a data source at plan time
    RESOURCE = "resource"  # <type>.<name>.<attr>: another resource's result (random_password)
    EXPRESSION = "expression"  # anything else: interpolation, other calls, conditionals, for


@dataclass(frozen=True, slots=True)
class Resolved:
    """A value's origin and what it resolved to."""

    origin: Origin
    #: The constant (LITERAL, DEFAULT; None for ``null``), the path (FILE, when constant), the
    #: variable name (ENV), the reference's source text (INPUT, DATA, RESOURCE, EXPRESSION).
    text: str | None
    #: Where the constant is written (the string, or the variable's ``default`` attribute).
    node: object = None
    #: The references followed to get here, in order (``("local.creds", "var.key")``).
    via: tuple[str, ...] = ()
    #: The variable followed is declared ``sensitive = true``.
    sensitive: bool = False

    @property
    def constant(self) -> str | None:
        """The value when it is written in this file (directly or as a default), else None."""
        return self.text if self.origin in (Origin.LITERAL, Origin.DEFAULT) else None
