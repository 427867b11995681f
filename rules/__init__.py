"""outlive rules."""
