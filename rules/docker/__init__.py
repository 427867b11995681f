"""outlive rules: docker (Dockerfiles, compose files, devcontainers)."""
