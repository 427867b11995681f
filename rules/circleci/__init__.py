"""outlive rules: circleci (CircleCI)."""
