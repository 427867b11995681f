"""Issuers of JWTs and framework tokens and sessions (rows of ``ISSUERS``)."""

from __future__ import annotations

from scanner.documents.python.libraries.issuers.model import (
    CLAIMS0,
    CONFIG_SITES,
    DAY,
    FALSE,
    HOUR,
    NEVER,
    NONE,
    Issuer,
    SettingSite,
    Slot,
    names,
)

#: The FastAPI tutorial's constants are the application's own, read by its own code from any
#: module (``timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)``), not a framework's setting.
_APP_CONSTANT = CONFIG_SITES | {SettingSite.CONSTANT}
#: simplejwt reads its settings only from ``settings.SIMPLE_JWT``.
_SIMPLE_JWT = "SIMPLE_JWT"

JWT_ROWS = (
    # PyJWT: no `exp` unless the payload has one.
    # https://pyjwt.readthedocs.io/en/stable/usage.html#expiration-time-claim-exp
    Issuer(
        "pyjwt",
        "PyJWT",
        "JWT",
        "LLC-PY-001",
        "jwt",
        names("jwt.encode", "jwt.api_jwt.encode"),
        lifetime=CLAIMS0,
        default=NEVER,
        source="https://pyjwt.readthedocs.io/en/stable/usage.html",
    ),
    Issuer(
        "pyjwt.PyJWT",
        "PyJWT",
        "JWT",
        "LLC-PY-001",
        "jwt",
        methods=names("encode"),
        receivers=names("jwt.PyJWT", "jwt.api_jwt.PyJWT"),
        lifetime=CLAIMS0,
        default=NEVER,
        source="https://pyjwt.readthedocs.io/en/stable/api.html",
    ),
    # python-jose: jwt.encode(claims, key, ...). https://python-jose.readthedocs.io/en/latest/jwt/
    Issuer(
        "python-jose",
        "python-jose",
        "JWT",
        "LLC-PY-001",
        "jwt",
        names("jose.jwt.encode"),
        lifetime=Slot("claims", 0, "claims"),
        default=NEVER,
        source="https://python-jose.readthedocs.io/en/latest/jwt/api.html",
    ),
    # authlib: jwt.encode(header, payload, key). https://docs.authlib.org/en/latest/jose/jwt.html
    Issuer(
        "authlib",
        "authlib.jose",
        "JWT",
        "LLC-PY-001",
        "jwt",
        names("authlib.jose.jwt.encode"),
        lifetime=Slot("payload", 1, "claims"),
        default=NEVER,
        source="https://docs.authlib.org/en/latest/jose/jwt.html",
    ),
    Issuer(
        "authlib.JsonWebToken",
        "authlib.jose",
        "JWT",
        "LLC-PY-001",
        "jwt",
        methods=names("encode"),
        receivers=names("authlib.jose.JsonWebToken"),
        lifetime=Slot("payload", 1, "claims"),
        default=NEVER,
        source="https://docs.authlib.org/en/latest/jose/jwt.html",
    ),
    # jwcrypto: JWT(header=..., claims=...) then make_signed_token(key).
    # https://jwcrypto.readthedocs.io/en/latest/jwt.html
    Issuer(
        "jwcrypto",
        "jwcrypto",
        "JWT",
        "LLC-PY-001",
        "jwt",
        names("jwcrypto.jwt.JWT"),
        lifetime=Slot("claims", 1, "claims"),
        default=NEVER,
        source="https://jwcrypto.readthedocs.io/en/latest/jwt.html",
    ),
    # python_jwt: generate_jwt(claims, key, alg, lifetime=None, expires=None): `exp` only if
    # `lifetime` or `expires` is given. https://github.com/davedoesdev/python-jwt
    Issuer(
        "python_jwt",
        "python_jwt",
        "JWT",
        "LLC-PY-001",
        "jwt",
        names("python_jwt.generate_jwt"),
        lifetime=Slot("claims", 0, "claims"),
        also=(Slot("lifetime", 3), Slot("expires", 4, "deadline")),
        default=NEVER,
        source="https://github.com/davedoesdev/python-jwt/blob/master/python_jwt/__init__.py",
    ),
    # The `jwt` package (GehirnInc): JWT().encode(payload, key, alg).
    # https://github.com/GehirnInc/python-jwt
    Issuer(
        "gehirn-jwt",
        "jwt (GehirnInc)",
        "JWT",
        "LLC-PY-001",
        "jwt",
        methods=names("encode"),
        receivers=names("jwt.JWT", "jwt.jwt.JWT"),
        lifetime=Slot("payload", 0, "claims"),
        default=NEVER,
        source="https://github.com/GehirnInc/python-jwt",
    ),
    # APNs provider tokens carry only `iss` and `iat`; Apple rejects one older than an hour.
    # https://developer.apple.com/documentation/usernotifications/establishing-a-token-based-connection-to-apns
    Issuer(
        "apns",
        "APNs provider token",
        "APNs provider JWT",
        "LLC-PY-001",
        "jwt",
        quiet="no `exp` by design: APNs rejects a provider token whose `iat` is over an hour old",
        source="https://developer.apple.com/documentation/usernotifications/"
        "establishing-a-token-based-connection-to-apns",
    ),
    # Firebase custom tokens: one hour, fixed by the SDK.
    # https://firebase.google.com/docs/auth/admin/create-custom-tokens
    Issuer(
        "firebase",
        "firebase_admin",
        "Firebase custom token",
        "LLC-PY-001",
        "jwt",
        names("firebase_admin.auth.create_custom_token"),
        default=HOUR,
        quiet="the SDK fixes the lifetime at one hour",
        source="https://firebase.google.com/docs/auth/admin/create-custom-tokens",
    ),
)

_FLASK_OPTIONS = "https://flask-jwt-extended.readthedocs.io/en/stable/options.html"
_SIMPLEJWT = "https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html"
_FASTAPI_JWT_AUTH = "https://indominusbyte.github.io/fastapi-jwt-auth/configuration/general/"
_FASTAPI_USERS = (
    "https://fastapi-users.github.io/fastapi-users/latest/configuration/authentication/strategies/"
)
FRAMEWORK_ROWS = (
    # flask-jwt-extended: 15 minutes (access), 30 days (refresh); False disables expiry.
    Issuer(
        "flask-jwt-extended.access",
        "flask-jwt-extended",
        "access tokens",
        "LLC-PY-004",
        "access",
        settings=names("JWT_ACCESS_TOKEN_EXPIRES"),
        never=FALSE,
        default=15 * 60,
        source=_FLASK_OPTIONS,
    ),
    Issuer(
        "flask-jwt-extended.refresh",
        "flask-jwt-extended",
        "refresh tokens",
        "LLC-PY-004",
        "refresh",
        settings=names("JWT_REFRESH_TOKEN_EXPIRES"),
        never=FALSE,
        default=30 * DAY,
        source=_FLASK_OPTIONS,
    ),
    Issuer(
        "flask-jwt-extended.create_access_token",
        "flask-jwt-extended",
        "access tokens",
        "LLC-PY-004",
        "access",
        names(
            "flask_jwt_extended.create_access_token", "flask_jwt_extended.utils.create_access_token"
        ),
        lifetime=Slot("expires_delta"),
        never=FALSE,
        default=15 * 60,
        source="https://flask-jwt-extended.readthedocs.io/en/stable/api.html",
    ),
    Issuer(
        "flask-jwt-extended.create_refresh_token",
        "flask-jwt-extended",
        "refresh tokens",
        "LLC-PY-004",
        "refresh",
        names(
            "flask_jwt_extended.create_refresh_token",
            "flask_jwt_extended.utils.create_refresh_token",
        ),
        lifetime=Slot("expires_delta"),
        never=FALSE,
        default=30 * DAY,
        source="https://flask-jwt-extended.readthedocs.io/en/stable/api.html",
    ),
    # djangorestframework-simplejwt: 5 minutes (access), 1 day (refresh).
    Issuer(
        "simplejwt.access",
        "djangorestframework-simplejwt",
        "access tokens",
        "LLC-PY-004",
        "access",
        settings=names("ACCESS_TOKEN_LIFETIME", "SLIDING_TOKEN_LIFETIME"),
        container=_SIMPLE_JWT,
        default=5 * 60,
        source=_SIMPLEJWT,
    ),
    Issuer(
        "simplejwt.refresh",
        "djangorestframework-simplejwt",
        "refresh tokens",
        "LLC-PY-004",
        "refresh",
        settings=names("REFRESH_TOKEN_LIFETIME", "SLIDING_TOKEN_REFRESH_LIFETIME"),
        container=_SIMPLE_JWT,
        default=DAY,
        source=_SIMPLEJWT,
    ),
    # DRF authtoken: the Token model has no expiry field at all.
    # https://www.django-rest-framework.org/api-guide/authentication/#tokenauthentication
    Issuer(
        "drf-authtoken",
        "djangorestframework",
        "auth tokens",
        "LLC-PY-004",
        "api",
        names(
            "rest_framework.authtoken.models.Token.objects.create",
            "rest_framework.authtoken.models.Token.objects.get_or_create",
        ),
        default=NEVER,
        source="https://www.django-rest-framework.org/api-guide/authentication/"
        "#tokenauthentication",
    ),
    # django-rest-knox: REST_KNOX["TOKEN_TTL"], 10 hours by default; None never expires.
    Issuer(
        "knox",
        "django-rest-knox",
        "Knox tokens",
        "LLC-PY-004",
        "refresh",  # API-client login tokens: judged like refresh tokens
        settings=names("TOKEN_TTL"),
        container="REST_KNOX",
        never=NONE,
        default=10 * HOUR,
        source="https://jazzband.github.io/django-rest-knox/settings",
    ),
    # fastapi-jwt-auth: authjwt_access_token_expires (15 min), refresh (30 days); False: never.
    Issuer(
        "fastapi-jwt-auth.access",
        "fastapi-jwt-auth",
        "access tokens",
        "LLC-PY-004",
        "access",
        settings=names("authjwt_access_token_expires"),
        never=FALSE,
        default=15 * 60,
        source=_FASTAPI_JWT_AUTH,
    ),
    Issuer(
        "fastapi-jwt-auth.refresh",
        "fastapi-jwt-auth",
        "refresh tokens",
        "LLC-PY-004",
        "refresh",
        settings=names("authjwt_refresh_token_expires"),
        never=FALSE,
        default=30 * DAY,
        source=_FASTAPI_JWT_AUTH,
    ),
    Issuer(
        "fastapi-jwt-auth.create",
        "fastapi-jwt-auth",
        "tokens",
        "LLC-PY-004",
        "access",
        methods=names("create_access_token", "create_refresh_token"),
        gate=("fastapi_jwt_auth",),
        lifetime=Slot("expires_time"),
        never=FALSE,
        source="https://indominusbyte.github.io/fastapi-jwt-auth/usage/basic/",
    ),
    # fastapi-users strategies: lifetime_seconds=None gives tokens valid for ever.
    Issuer(
        "fastapi-users.jwt",
        "fastapi-users",
        "JWT strategy tokens",
        "LLC-PY-004",
        "access",
        names(
            "fastapi_users.authentication.JWTStrategy",
            "fastapi_users.authentication.strategy.JWTStrategy",
            "fastapi_users.authentication.JWTAuthentication",  # fastapi-users < 9
        ),
        lifetime=Slot("lifetime_seconds", 1),
        never=NONE,
        source=_FASTAPI_USERS + "jwt/",
    ),
    Issuer(
        "fastapi-users.stored",
        "fastapi-users",
        "stored strategy tokens",
        "LLC-PY-004",
        "access",
        names(
            "fastapi_users.authentication.RedisStrategy",
            "fastapi_users.authentication.strategy.RedisStrategy",
            "fastapi_users.authentication.strategy.db.DatabaseStrategy",
            "fastapi_users.authentication.strategy.DatabaseStrategy",
        ),
        lifetime=Slot("lifetime_seconds", 1),
        never=NONE,
        default=NEVER,
        source=_FASTAPI_USERS + "redis/",
    ),
    # FastAPI's security tutorial and full-stack template constants.
    Issuer(
        "fastapi-template.access",
        "FastAPI template",
        "access tokens",
        "LLC-PY-004",
        "access",
        settings=names("ACCESS_TOKEN_EXPIRE_MINUTES"),
        sites=_APP_CONSTANT,
        lifetime=Slot("ACCESS_TOKEN_EXPIRE_MINUTES", unit=60),
        source=("https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/"),
    ),
    Issuer(
        "fastapi-template.refresh",
        "FastAPI template",
        "refresh tokens",
        "LLC-PY-004",
        "refresh",
        settings=names("REFRESH_TOKEN_EXPIRE_MINUTES"),
        sites=_APP_CONSTANT,
        lifetime=Slot("REFRESH_TOKEN_EXPIRE_MINUTES", unit=60),
        source="https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/",
    ),
    Issuer(
        "fastapi-template.refresh-days",
        "FastAPI template",
        "refresh tokens",
        "LLC-PY-004",
        "refresh",
        settings=names("REFRESH_TOKEN_EXPIRE_DAYS"),
        sites=_APP_CONSTANT,
        lifetime=Slot("REFRESH_TOKEN_EXPIRE_DAYS", unit=DAY),
        source="https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/",
    ),
    # Web sessions that API clients reuse: Flask 31 days, Django two weeks.
    Issuer(
        "flask-session",
        "Flask",
        "permanent sessions",
        "LLC-PY-004",
        "session",
        settings=names("PERMANENT_SESSION_LIFETIME"),
        default=31 * DAY,
        source="https://flask.palletsprojects.com/en/stable/config/#PERMANENT_SESSION_LIFETIME",
    ),
    Issuer(
        "django-session",
        "Django",
        "session cookies",
        "LLC-PY-004",
        "session",
        settings=names("SESSION_COOKIE_AGE"),
        default=14 * DAY,
        source="https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-age",
    ),
    # Closing the browser ends the cookie, not the server-side session: SESSION_COOKIE_AGE does.
    Issuer(
        "django-session.browser-close",
        "Django",
        "browser-length sessions",
        "LLC-PY-004",
        "session",
        settings=names("SESSION_EXPIRE_AT_BROWSER_CLOSE"),
        quiet="the stored session still ends after SESSION_COOKIE_AGE",
        source="https://docs.djangoproject.com/en/stable/ref/settings/"
        "#session-expire-at-browser-close",
    ),
    # python-gitlab: access tokens created without `expires_at` (GitLab < 16.0: no expiry;
    # since 16.0 the server sets at most a year).
    Issuer(
        "gitlab.access_tokens",
        "python-gitlab",
        "GitLab access tokens",
        "LLC-PY-004",
        "api",
        methods=names("create"),
        gate=("gitlab",),
        managers=names(
            "personal_access_tokens", "access_tokens", "impersonationtokens", "impersonation_tokens"
        ),
        lifetime=Slot("expires_at", form="deadline", in_dict=0),
        default=365 * DAY,
        source="https://docs.gitlab.com/api/personal_access_tokens/",
    ),
    # GitHub has no API that mints a PAT; an App's installation token lives one hour.
    Issuer(
        "github.installation",
        "PyGithub",
        "installation tokens",
        "LLC-PY-004",
        "api",
        methods=names("get_access_token"),
        gate=("github",),
        default=HOUR,
        quiet="GitHub fixes installation tokens at one hour",
        source="https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-"
        "github-app/generating-an-installation-access-token-for-a-github-app",
    ),
    # Kubernetes TokenRequest: expiration_seconds, one hour by default, capped by the server.
    Issuer(
        "k8s.token_request",
        "kubernetes",
        "service-account tokens",
        "LLC-PY-004",
        "access",
        names(
            "kubernetes.client.V1TokenRequestSpec", "kubernetes.client.models.V1TokenRequestSpec"
        ),
        lifetime=Slot("expiration_seconds"),
        default=HOUR,
        source="https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/"
        "token-request-v1/",
    ),
)
