"""What the IaC rules read in Pulumi and CDK programs beyond the resource model: the string
constants given to any constructor (``documents/iac/pulumi_cdk``), for LLC-IAC-010."""

from __future__ import annotations

from scanner.documents.iac.pulumi_cdk import PLAIN_SECRET_CALLS, Literal, literal_arguments

__all__ = ["PLAIN_SECRET_CALLS", "Literal", "literal_arguments"]
