"""outlive rules: bitbucket (Bitbucket Pipelines)."""
