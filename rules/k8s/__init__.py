"""outlive rules: k8s."""
