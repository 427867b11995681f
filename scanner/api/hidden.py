"""Credentials hidden by an encoding (base64 under base64 keys, JSON escapes, shell line
continuations), for LLC-SRC-024: the decoders live with the secret formats
(``scanner/secrets/encodings.py``); rules see them through the API."""

from __future__ import annotations

from scanner.secrets.encodings import Credential, Hidden, hidden_credentials, secret_data_text

__all__ = ["Credential", "Hidden", "hidden_credentials", "secret_data_text"]
