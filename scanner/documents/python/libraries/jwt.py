"""JWT libraries: which calls mint a token and where their claims argument sits."""

from __future__ import annotations

# JWT encode functions and where their claims argument sits: (position, keyword).
JWT_ENCODERS: dict[str, tuple[int, str]] = {
    "jwt.encode": (0, "payload"),  # PyJWT
    "jwt.api_jwt.encode": (0, "payload"),
    "jose.jwt.encode": (0, "claims"),  # python-jose
    "authlib.jose.jwt.encode": (1, "payload"),  # authlib: encode(header, payload, key)
}
AUTHLIB_JWT = "authlib.jose.JsonWebToken"
