"""LLC-SRC-013: a password or token embedded in a URL (scheme://user:password@host)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    WEAK_PASSWORDS,
    Category,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    catalogue,
    code_lines,
    compile_pattern,
    fake_token,
    is_encrypted_value,
    path_class,
)

_SCHEMES = (
    "https?|wss?|ftps?|sftp|ssh|git|svn|rsync|socks[45]h?|"
    "postgres(?:ql)?|pgsql|mysql|mysqlx|mariadb|mssql|sqlserver|oracle|db2|cockroachdb|"
    "mongodb|redis|rediss|valkey|memcached|amqps?|mqtts?|stomp|kafka|nats|"
    "cassandra|couchdb|couchbase|neo4j|bolt|clickhouse|elasticsearch|opensearch|influxdb|"
    "snowflake|ldaps?|smtps?|imaps?|pop3s?|s3"
)
# scheme (with an optional +driver, as in postgresql+asyncpg or mongodb+srv), user, password,
# host. User and password stop at the characters a URL cannot hold unencoded.
_URL = compile_pattern(
    r"(?i)(?:^|[^A-Za-z0-9+.-])((?:jdbc:)?(?:" + _SCHEMES + r")(?:\+[a-z0-9]+)*)://"
    r"([^\s/:@'\"`<>\\]{0,64}):([^\s/@'\"`<>\\]{1,256})@([A-Za-z0-9\[_][^\s/'\"`<>\\?#]*)"
)
# A reference or template stands where the secret will be: ${X}, $X, $(cmd), {x}, {{ x }},
# %s, %(x)s, %X%, #{x}, <password>.
_REFERENCE = re.compile(
    r"\$[{(A-Za-z_]|[{}<>]|%[sr(]|%d(?![0-9A-Fa-f])|%[A-Za-z_][A-Za-z0-9_]*%|#\{|\[[A-Za-z_ -]+\]"
)
# Defaults of dev containers and tutorials (postgres/postgres, guest/guest, scott/tiger):
# reported only for a host that is not local, a compose service or a documentation domain.
_DEV_DEFAULTS = frozenset(
    {
        "admin", "administrator", "root", "toor", "guest", "default", "demo", "dev", "development",
        "local", "localhost", "docker", "postgres", "postgresql", "mysql", "mariadb", "redis",
        "mongo", "mongodb", "rabbitmq", "rabbit", "minio", "minioadmin", "sa", "tiger", "scott",
        "letmein", "qwerty", "1234", "12345", "123456", "12345678", "123456789", "abc123",
        "welcome", "passw0rd!", "password!", "changeit",
    }
)
# Every other common or sample password (the shared list) is quiet on any host.
_PLACEHOLDER_WORDS = WEAK_PASSWORDS - _DEV_DEFAULTS
_DOC_HOSTS = re.compile(
    r"(?i)^(?:host|hostname|server|myserver|your[-_]?\w*|my[-_]?host|dbhost|db-host|"
    r"domain|mydomain|yourdomain|[\w.-]*\.(?:example|test|invalid)|"
    r"(?:[\w-]+\.)*example\.(?:com|org|net)|"
    r"(?:[\w-]+\.)*(?:domain|server|host|(?:my|your)?company|foo|bar|bogus|fake)\.(?:com|net|org))$"
)
_LOCAL_HOSTS = re.compile(
    r"(?i)^(?:localhost|[\w.-]+\.(?:local|localhost|internal|lan|home\.arpa)|0\.0\.0\.0)$"
)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]+$")
_WORDS = re.compile(r"^[a-z]+(?:[_-][a-z]+)+$")
_MASKED = re.compile(r"^[*x•.#_-]+$", re.I)
# "p#ssword!", "s3cr3t", "a secret": a password word with its letters swapped is a sample.
_SAMPLE_WORD = re.compile(r"(?i)ssw[o0]rd|passw|s[e3]cr[e3]t|t[o0]ken|^tiger")
_WEAK_PART = re.compile(r"(?i)pass|pwd|secret")
_SAMPLE_USERS = frozenset({"scott", "jschmoe", "jdoe", "johndoe", "janedoe"})
# The database a URL names (`/shopdb` after the host), and the parts of a user name.
_DB_NAME = re.compile(r"/([A-Za-z0-9_.-]{1,64})")
_NAME_PARTS = re.compile(r"[_.-]")
# Token prefixes that make the password a provider credential. GitHub's kinds and lifetimes
# come from the catalogue (scanner/secrets/formats/github.py); the other prefixes still carry
# this rule's own grading ("static" or "unknown") until their rows are graded the same way.
_CATALOGUE_PROVIDERS = frozenset({"GitHub"})
_LONG_LIVED = ("glpat-", "gldt-", "xoxb-", "xoxp-", "sk_live_", "rk_live_", "npm_", "pypi-",
               "hvs.", "sk-", "hf_", "dop_v1_")
_SHORT_LIVED = ("glcbt-",)


def _host(raw: str) -> str:
    """The host name or address, without port, userinfo leftovers or path."""
    host = raw.split(",", 1)[0]
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_local(host: str) -> bool:
    if _LOCAL_HOSTS.match(host) or ("." not in host and ":" not in host):
        return True  # localhost, *.local, or a single label: a compose or cluster service
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_TOKEN = fake_token("ghp_", 36, ALNUM, seed=401)
_PASSWORD = fake_token("", 20, ALNUM + "!%^~", seed=402)
_AMQP_PASSWORD = fake_token("", 24, ALNUM, seed=403)
_MONGO_PASSWORD = fake_token("", 24, ALNUM, seed=404)


class CredentialsInUrl(TextRule):
    """## What it does
    Finds a password or token embedded in a URL, `scheme://user:password@host`, for web,
    git, FTP and SSH URLs, database and cache URLs (`postgres`, `mysql`, `mongodb+srv`,
    `redis`, `jdbc:...`, SQLAlchemy `dialect+driver`), message brokers (`amqp`, `mqtt`,
    `kafka`) and directories (`ldap`). It stays quiet when the password is a reference or a
    template (`${DB_PASSWORD}`, `$PASS`, `$(gh auth token)`, `{password}`, `%s`, `<password>`),
    a placeholder (`user:password@`, `:***@`, `changeme`, `ACCESS_TOKEN`, `your-password`), or
    when the host is a documentation host (`example.com`, `host`, `your-server`). Well-known
    defaults of development containers and tutorials (`postgres:postgres`, `guest:guest`,
    `scott:tiger`, a password equal to the user, to a part of it or to the database name,
    as in `shop_ro:shop@localhost/shop`, five characters or fewer) are reported only
    for a real, non-local host: on `localhost`, a private address, a `.local`/`.internal`
    name or a single-label compose service they are dev setups, not leaked credentials. Any
    other password for `localhost`, a loopback address or a single-label compose or CI
    service is low: it most likely belongs to a development or CI database, though it may be
    reused elsewhere. Documentation samples are quiet
    too: a password word with swapped letters (`p#ssword!`, `a secret`), `scott`/`tiger`,
    and so are common passwords (the list LLC-SRC-023 shares) and ciphertext.

    Noise policy: in tests, fixtures, examples and documentation (`tests/`, `examples/`,
    `docs/`, `*.md`, `*.rst`) a finding is graded `info`, hidden unless `--show-info`; a
    provider token in the URL is still reported at full severity by its own format rule. In
    prose files only code blocks and `key = value` lines count.

    ## Why is this bad?
    A URL travels: into logs, error messages, shell history, process lists and proxies. The
    password inside it is a static credential that works until someone changes it, often for
    a database or a repository that many systems share (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets).

    ## Example
    ```bash
    git clone https://x-access-token:ghp_...@github.com/org/repo
    DATABASE_URL=postgres://app:Zx81kLm2pQ@db.prod.internal.example.net:5432/app
    ```

    Use instead:
    ```bash
    # short-lived credentials fetched at run time, kept out of the URL
    gh auth setup-git   # or a GitHub App installation token via a credential helper
    export PGPASSWORD="$(aws rds generate-db-auth-token --hostname "$HOST" --port 5432 \\
        --username app)"
    ```

    ## References
    - RFC 3986 section 3.2.1, "Use of the format user:password in the userinfo field is
      deprecated": https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1
    - IAM database authentication for RDS: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
    - Git credential helpers: https://git-scm.com/docs/gitcredentials
    """

    META = RuleMeta(
        id="LLC-SRC-013",
        name="credentials-in-url",
        summary="Password or token embedded in a URL (scheme://user:password@host)",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.MEDIUM,
        owasp=("NHI2", "NHI7"),
        fix="Remove the credential from the URL and rotate it; use a credential helper or "
        "short-lived tokens fetched at run time (IAM database auth, Cloud SQL IAM, Entra tokens, "
        "GitHub App installation tokens).",
        kinds=ALL_KINDS,
        triggers=("://",),
    )

    VALID = [
        # Development defaults: the password repeats a part of the user or the database name.
        Valid("    # default=\"postgres://shopdb_ro:shopdb@localhost:5432/shopdb\",\n"
              'METRICS_DB = "mysql://reporter:metrics@127.0.0.1:3306/metrics"\n',
              path="shop/settings.py"),
        Valid("DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app\n"
              "REDIS_URL=redis://:$REDIS_PASSWORD@cache:6379/0\n", path=".env.example"),
        Valid("git clone https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/o/r\n"
              'git push "https://x-access-token:$(gh auth token)@github.com/o/r"\n',
              path="scripts/release.sh"),
        Valid('engine = create_engine(f"postgresql+psycopg://{user}:{password}@{host}/app")\n'
              'URL = "mysql://%s:%s@%s/%s" % (user, pw, host, db)\n'
              "# e.g. https://user:password@proxy.example.com:3128 or mongodb://<user>:<pass>@h\n",
              path="app/db.py"),
        Valid("services:\n  api:\n    environment:\n"
              "      DATABASE_URL: postgres://postgres:postgres@db:5432/app\n"
              "      AMQP_URL: amqp://guest:guest@localhost:5672//\n"
              "      PROXY: http://proxy:***@10.0.0.2:3128\n", path="docker-compose.yml"),
        Valid('e = create_engine("postgresql://scott:tiger@localhost/test")\n'
              'redirect = "http://trusted.com:80@evil.com/"\n'
              "    postgres://user:p%23ssword!@localhost/foobar\n"
              '    "mssql+pyodbc://scott:tiger^5HHH@mssql2017:1433/test"\n'
              "    https://jo%40email.com:a%20secret@xn--mller-kva.de:1234/\n",
              path="docs/tutorial.rst"),
    ]
    INVALID = [
        Invalid(f"git clone https://x-access-token:{_TOKEN}@github.com/org/repo"
                "  # expect: LLC-SRC-013\n", path="scripts/clone.sh"),
        Invalid(f'DATABASE_URL = "postgres://app:{_PASSWORD}@db.prod.acme-corp.net:5432/app"'
                "  # expect: LLC-SRC-013\n", path="app/settings.py"),
        Invalid(f"celery:\n  broker: amqps://svc-worker:{_AMQP_PASSWORD}@mq.acme-corp.net/prod"
                "  # expect: LLC-SRC-013\n"
                f"  mongo: mongodb+srv://reporter:{_MONGO_PASSWORD}@cluster0.ab1cd.mongodb.net/r"
                "  # expect: LLC-SRC-013\n", path="config/worker.yaml"),
        # A strong password for a loopback host: low, most likely a development database.
        Invalid(f"REDIS_URL=redis://:{_AMQP_PASSWORD}@127.0.0.1:6379/0  # expect: LLC-SRC-013\n",
                path=".env"),
        # A default password is still a credential on a public host.
        Invalid("lftp ftp://admin:" + "admin@ftp.acme-corp.net/exports  # expect: LLC-SRC-013\n",
                path="ops/sync-exports.sh"),
    ]

    def check(self, doc: TextDocument) -> None:
        # Noise policy: sample paths graded info, prose counts only in its code.
        sample = path_class(doc.path) is not None
        counts = code_lines(doc.text, doc.path)
        for match in _URL.finditer(doc.text):
            user, password, host = match.group(2), match.group(3), _host(match.group(4))
            path = _DB_NAME.match(doc.text, match.end(4))
            if not self._credential(user, password, host, path.group(1) if path else ""):
                continue
            if not counts(doc.position(match.start(3))[0]):
                continue  # a URL in a sentence of prose, not in configuration or code
            row = catalogue.prefixed(password)
            if row is not None and row.provider in _CATALOGUE_PROVIDERS:
                short = row.seconds is not None  # the provider fixes an end of hours
                severity = Severity.MEDIUM if short else Severity.CRITICAL
                lifetime = row.lifetime
                what = f"a {'short' if short else 'long'}-lived provider token"
            elif password.startswith(_LONG_LIVED):
                severity, lifetime = Severity.CRITICAL, Lifetime.static()
                what = "a long-lived provider token"
            elif password.startswith(_SHORT_LIVED):
                severity, lifetime = Severity.MEDIUM, Lifetime.unknown()
                what = "a short-lived provider token"
            elif _is_loopback(host):
                severity, lifetime = Severity.LOW, Lifetime.static()
                what = "a password (for a loopback host, so most likely a development setup)"
            elif "." not in host and ":" not in host:
                severity, lifetime = Severity.LOW, Lifetime.static()
                what = ("a password (for a single-label host, a compose or CI service, so most "
                        "likely a development or CI database)")
            else:
                severity, lifetime = Severity.HIGH, Lifetime.static()
                what = "a password"
            self.report(
                Span(match.start(3), match.end(3)),
                f"{match.group(1).lower()} URL to {host[:80]} embeds {what}: it travels with the "
                "URL into logs and history and works until it is rotated.",
                lifetime=lifetime,
                value=password,
                severity=Severity.INFO if sample else severity,
            )

    def _credential(self, user: str, password: str, host: str, database: str = "") -> bool:
        """A literal secret: not a reference, placeholder, port, or documentation sample.

        For a local host, a password that repeats the user (``saleor:saleor``), a part of it
        (``saleor_read_only:saleor``) or the database (``/saleor``) is a development default.
        """
        if _REFERENCE.search(password) or _REFERENCE.search(host):
            return False
        plain = unquote(password)
        lowered = plain.lower()
        if (
            len(plain) < 4
            or self.context.is_placeholder(plain)
            or lowered in _PLACEHOLDER_WORDS
            or _ENV_NAME.match(plain)
            or _WORDS.match(plain)
            or _MASKED.match(plain)
            or is_encrypted_value(plain)
            or (plain.isdigit() and len(plain) <= 5)  # host:port@ in an SSRF test string
        ):
            return False
        if " " in plain or _SAMPLE_WORD.search(plain) or unquote(user).lower() in _SAMPLE_USERS:
            return False
        if _DOC_HOSTS.match(host) or self.context.is_placeholder(host):
            return False
        weak = (
            lowered in _DEV_DEFAULTS
            or plain == unquote(user)
            or plain.lower() in _NAME_PARTS.split(unquote(user).lower())
            or plain.lower() == unquote(database).lower()
            or len(plain) <= 5
            or _WEAK_PART.search(plain) is not None  # `mmpass`, `dbpwd1` for localhost
        )
        return not (weak and _is_local(host))
