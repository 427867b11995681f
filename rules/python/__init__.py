"""outlive rules: python."""
