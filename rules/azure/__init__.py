"""outlive rules: azure (Azure Pipelines)."""
