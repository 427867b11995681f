"""outlive rules: gitlab (GitLab CI configuration: `.gitlab-ci.yml` and its local includes)."""
