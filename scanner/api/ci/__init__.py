"""Analysis the CI rules share, over the CI model and the shell document.

Rules import only ``scanner.api``; what several of them need (where a value comes from, which
command publishes, how a minting command reads its flags, which lines another rule owns) lives
here, so ``rules/`` holds rules only. Nothing here reports: the rules decide.
"""
