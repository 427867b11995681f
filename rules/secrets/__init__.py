"""outlive rules: secrets."""
