"""outlive rules: iac."""
