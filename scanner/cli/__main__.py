"""``python -m scanner.cli``: the same command as the ``outlive`` entry point."""

from scanner.cli import main

main()
