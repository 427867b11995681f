"""outlive rules: github."""
