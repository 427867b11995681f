"""outlive rules: jenkins (Jenkinsfiles and pipeline ``.groovy`` files)."""
