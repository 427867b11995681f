"""outlive rules: ci (shell commands in every CI system, shell scripts and Makefiles)."""
