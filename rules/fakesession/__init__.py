"""outlive rules: fake sessions, short-lived tokens re-minted forever from a stored credential."""
