"""LLC-SRC-023: a literal password in an assignment, connection string, SQL, curl or header."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import PurePosixPath

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    CODE_SUFFIXES,
    ENCRYPTED_CONTEXT,
    PASSWORD_KEYWORDS,
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
    assignment_pattern,
    bare_value_ends,
    code_lines,
    compile_pattern,
    credential_value,
    fake_token,
    is_password_key,
    is_reference_key,
    password_value,
    path_class,
)
from scanner.api.hidden import secret_data_text

_ASSIGNMENT = compile_pattern(assignment_pattern(PASSWORD_KEYWORDS))
# Java/Kotlin/C# setters and builders: setPassword("..."), .password("..."), withPassword("...").
_SETTER = compile_pattern(
    r"(?i)(?:\bset|\bwith|\.)(passw(?:or)?d|pwd)[ \t]*\([ \t]*[\"']([^\"'\n\\]{1,128})[\"'][ \t]*\)"
)
# Groovy/Gradle and Ruby DSLs (`password "..."`), C macros (`#define PASSWORD "..."`), RPM
# spec macros (`%define`, `%global`) and Tcl/batch `SET password "..."`, as the line's statement.
_DSL = compile_pattern(
    r"(?im)^[ \t]*(?:[#%](?:define|global)[ \t]+|set[ \t]+)?([\w.-]{0,40}(?:password|passwd|pwd))"
    r"[ \t]+[\"']([^\"'\n\\]{1,128})[\"'][ \t]*;?[ \t]*$"
)
# Command-line flags: mysql --password X, gpg --passphrase X, PowerShell -Password 'X'.
_FLAG = compile_pattern(
    r"(?i)(?:^|[ \t\"'])--?(?:password|passwd|passphrase|db-password|db_password)(?:[ \t]+|=)"
    r"[\"']?([^-\s\"'$`|;&<>()][^\s\"'$`|;&<>()]{0,127})"
)
# PHP define('DB_PASSWORD', '...'), PowerShell ConvertTo-SecureString "..." -AsPlainText.
_DEFINE = compile_pattern(
    r"(?i)\bdefine[ \t]*\([ \t]*['\"]([\w.-]{0,40}(?:password|passwd|pwd))['\"][ \t]*,[ \t]*"
    r"['\"]([^'\"\n\\]{1,128})['\"]"
)
_SECURE_STRING = compile_pattern(
    r"(?i)\bConvertTo-SecureString\b[^\n]{0,80}?[\"']([^\"'\n$`]{1,128})[\"']"
)
# openssl -passin/-passout/-pass "pass:..." (the password on the command line).
_OPENSSL = compile_pattern(r"(?i)[ \t]-pass(?:in|out)?[ \t]+[\"']?pass:([^\s\"']{1,128})")
# XML elements: <password>...</password>, <db.password>, Maven settings.xml, Spring beans.
_XML_ELEMENT = compile_pattern(
    r"(?i)<([\w.:-]{0,40}(?:password|passwd|pwd))>[ \t]*([^<\s][^<\n]{0,127}?)[ \t]*</[\w.:-]+>"
)
# .NET appSettings: <add key="DbPassword" value="..."/>.
_XML_APPSETTING = compile_pattern(
    r"(?i)<add\s+key\s*=\s*\"([\w.:-]{0,40}(?:password|passwd|pwd))\"\s+value\s*=\s*\"([^\"\n]{1,128})\""
)
# ODBC/ADO.NET/JDBC key=value connection strings: Password=...; Pwd=...; password=... after
# ; ? or & in a jdbc: URL. A connection string names its server or user on the same line.
_CONN_PASSWORD = compile_pattern(
    r"(?i)(?:^|[;?&\"'\s{])(password|pwd)[ \t]*=[ \t]*(\{[^}\n]{1,128}\}|[^;&\"'\s<>]{1,128})"
)
# A connection string: jdbc:, or `key=value;` pairs naming a server, user or database.
_CONN_CONTEXT = re.compile(
    r"(?i)jdbc:|\b(?:server|data source|host|hostname|uid|user id|userid|user|username|"
    r"database|initial catalog|dsn|driver|provider)[ \t]*=[^;\n]{0,200};",
)
# SQL: IDENTIFIED BY '...', CREATE/ALTER USER|ROLE|LOGIN ... PASSWORD '...'.
# A quoted value counts after any IDENTIFIED BY; a bare one only in a CREATE/ALTER USER, ROLE
# or LOGIN statement ("the widget identified by `selector`" is a sentence).
_SQL = compile_pattern(
    r"(?i)\bidentified[ \t]+(?:with[ \t]+['\"]?\w+['\"]?[ \t]+)?by[ \t]+(?:password[ \t]+)?"
    r"['\"]([^'\"\n]{1,128})['\"]|"
    r"\b(?:create|alter)[ \t]+(?:user|role|login)\b[^;\n]{0,200}?(?:\bidentified[ \t]+"
    r"(?:with[ \t]+['\"]?\w+['\"]?[ \t]+)?by|\bpassword)[ \t]*=?[ \t]*"
    r"(?:'([^'\n]{1,128})'|([A-Za-z0-9][^\s;'\"\\()]{0,127}))"
)
# curl -u user:pass, --user user:pass, --user=user:pass.
_CURL = compile_pattern(
    r"(?i)\bcurl\b[^\n]{0,300}?[ \t](?:-u[ \t]*|--user[ \t=]+)[\"']?"
    r"([^\s\"':$]{1,64}):([^\s\"']{1,128})"
)
# Authorization: Basic <base64> / Bearer <token>, in headers, -H flags, dicts and YAML.
_AUTH = compile_pattern(
    r"(?i)\bauthorization[\"']?[ \t]*[:=,][ \t]*[\"']?(basic|bearer)[ \t]+"
    r"([A-Za-z0-9+/._~-]{8,512}={0,2})"
)
#: A Kubernetes Secret manifest (YAML or JSON): LLC-K8S-005 decodes and owns what it reports
#: there; this rule judges the decoded text of the rest (typed passwords).
_K8S_SECRET = re.compile(r"""(?m)(?:^|[{,])[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?Secret\b""")
#: A user name assigned near a password: `user`, `username`, `apiUsername`, `login`.
_USER_KEY = re.compile(
    r"""(?i)(?:^|[\s"'{,;(])[\w.-]*(?:user(?:[_-]?name)?|login)["']?[ \t]*[:=][ \t]*["']?"""
)
_USER_WINDOW = 4  # lines each side of a password to look for its user name
#: What never stands before a key whose value is bare: the punctuation of encoded data.
_NOT_KEY_START = frozenset("]%@^?`\\|~")
_MAX_LINE = 1000  # minified or generated lines: not where people assign secrets by hand

_PASSWORD = fake_token("", 14, ALNUM + "!#%+", seed=2301)
_PASSWORD_2 = fake_token("", 16, ALNUM + "@^*", seed=2302)
_TOKEN = fake_token("", 32, ALNUM, seed=2303)
_BASIC = base64.b64encode(f"deploy:{_PASSWORD}".encode()).decode()
_BASIC_WEAK = base64.b64encode(b"admin:admin").decode()
_HTPASSWD = "$2y$10$" + fake_token("", 53, ALNUM + "./", seed=2304)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class PasswordOrConnectionString(TextRule):
    """## What it does
    Finds a literal password in the places people commit one, in any language or format:
    - assignments and keys named like a password (`password`, `passwd`, `pwd`, `passphrase`,
      `DB_PASS`): Python, JS/TS (`const password = "..."`, object keys), Go (`:=`, struct
      literals), Java/Kotlin (`String password = "..."`, `val`), C# (`Password = "..."`), PHP
      (`$password =`, `'password' => '...'`), Ruby (`password: '...'`, `:password =>`), shell
      (`export DB_PASSWORD=...`), YAML, JSON, TOML, INI, `.properties`, HCL, XML attributes;
    - setters and DSLs: `setPassword("...")`, `.password("...")`, Gradle's `password '...'`;
    - XML elements (`<password>...</password>`, Maven `settings.xml`) and .NET
      `<add key="DbPassword" value="..."/>`;
    - connection strings: ADO.NET/ODBC `Password=...;`/`Pwd=...;`, JDBC `;password=` or
      `&password=` (URIs with `user:password@` are LLC-SRC-013's);
    - SQL: `IDENTIFIED BY '...'`, `CREATE USER ... WITH PASSWORD '...'`, `ALTER ROLE ...
      PASSWORD '...'`, `CREATE LOGIN ... WITH PASSWORD = '...'`;
    - `curl -u user:password` and `Authorization: Basic <base64>` (decoded: the password part
      is judged), and `Authorization: Bearer <token>` literals;
    - command lines: `--password X`, `--passphrase X`, PowerShell `-Password 'X'`,
      `ConvertTo-SecureString "..."`, openssl `-passin pass:...`; PHP `define('DB_PASSWORD', ...)`.

    Documentation-style pairs (`user / password` in a sentence) are not read: only real
    assignments and arguments count.

    Passwords are typed, so the value gate is a password's, not a key's: at least eight
    characters, two kinds of character and some randomness. These never fire: references and
    environment reads (`${DB_PASSWORD}`, `os.environ[...]`, `process.env.X`,
    `System.getenv(...)`, `ENV[...]`), templates (`{{ }}`, `%(x)s`, `<password>`),
    placeholders (`changeme`, `xxx`, `***`, `your_password_here`), common and default
    passwords (`password123`, `admin`, `changeit`, a word wrapped in digits such as
    `Secret123!`), ciphertext (`ENC(...)`, `{cipher}...`, `!vault`, SOPS `ENC[...]`, a value
    under `secure:`), hashes, UUIDs, paths, keyboard and counting runs, comparisons
    (`password == "..."`), keys that name a reference (`password_file`,
    `passwordPolicy`, `password_length`), crypt and htpasswd hashes (`$2y$...`,
    `user:$apr1$...`, `{SSHA}...`), a password equal to the user name beside it, and
    expressions inside template actions (`{{ range $user, $password := .Values.users }}`).
    In code files only quoted values count. In a Kubernetes Secret the base64 `data` values
    are judged decoded; LLC-K8S-005 owns the generated-looking ones (one finding, its), this
    rule the typed passwords it leaves.

    Noise policy: in tests, fixtures, examples and documentation (`tests/`, `*_test.go`,
    `*.spec.ts`, `examples/`, `.env.example`, `docs/`, `*.md`, `*.rst`) a finding is graded
    `info`: hidden unless `--show-info`, never failing a run. In prose files only fenced or
    indented code blocks and whole `key = value` lines count, never a paragraph.

    ## Why is this bad?
    A committed password is shared with everyone who can read the repository, its forks and
    its history, and it works until someone changes it, which for a database or service
    account is rarely (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```java
    String url = "jdbc:sqlserver://db.acme-corp.net;user=app;password=Zx81k...;";
    ```

    Use instead:
    ```java
    // a token minted per connection: Entra ID / IAM database authentication
    String url = "jdbc:sqlserver://db.acme-corp.net;authentication=ActiveDirectoryManagedIdentity";
    ```

    ## References
    - OWASP Secrets Management Cheat Sheet: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    - IAM database authentication for RDS: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
    - Microsoft Entra authentication for Azure SQL: https://learn.microsoft.com/azure/azure-sql/database/authentication-aad-overview
    """

    META = RuleMeta(
        id="LLC-SRC-023",
        name="password-or-connection-string",
        summary="Literal password in an assignment, connection string, SQL, curl -u or "
        "Authorization header",
        category=Category.STATIC_SECRET,
        severity=Severity.MEDIUM,
        precision=Precision.LOW,
        owasp=("NHI2", "NHI7"),
        fix="Remove the password and rotate it; read it at run time from a secret manager, or "
        "better, authenticate with a token minted per connection (IAM database auth, Entra ID, "
        "workload identity).",
        kinds=ALL_KINDS,
        # Not "pass" or "pw" alone: Python's `pass` statement would send every file here.
        triggers=("passw", "pwd", "psw", "pasw", "passphrase", "passcode", "pass=", "pass =",
                  "pass:", 'pass"', "pass'", "pw=", "pw =", "pw:", 'pw"', "pw'", "identified",
                  "curl", "authorization", "-pass", "securestring"),
    )

    VALID = [
        Valid('password = os.environ["DB_PASSWORD"]\nDB_PASSWORD = "changeme"\n'
              'if password == "Zx81kLm2pQ!":\n    pass\n'
              'password_file = "/run/secrets/db"\nPASSWORD_MIN_LENGTH = 12\n',
              path="app/settings.py"),
        Valid('const password = process.env.DB_PASSWORD;\n'
              'const cfg = { password: "<password>", passwordPolicy: "strong-9x" };\n'
              'db.connect({ user: "app", password: `${secret}` });\n', path="src/db.ts"),
        Valid('String password = System.getenv("DB_PASSWORD");\n'
              'ds.setPassword("password123");\n'
              'String cs = "Server=db;Database=app;User Id=sa;Password={0};";\n',
              path="src/main/java/Db.java"),
        Valid("spring.datasource.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)\n"
              "db.password=${DB_PASSWORD}\nmail.password={cipher}a3f1e0\n",
              path="src/main/resources/application.properties"),
        Valid("CREATE USER app WITH PASSWORD :'app_password';\n"
              "ALTER USER 'app'@'%' IDENTIFIED BY 'changeme';\n", path="db/init.sql"),
        Valid('curl -u "$USER:$API_PASSWORD" https://api.acme-corp.net\n'
              'curl -H "Authorization: Bearer ${TOKEN}" https://api.acme-corp.net\n'
              f"curl -H 'Authorization: Basic {_BASIC_WEAK}' http://localhost:8080\n",
              path="scripts/call.sh"),
        Valid("db:\n  password: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n"
              "  admin_password: '{{ vault_admin_password }}'\n"
              "env:\n  global:\n    secure: Zm9vYmFyYmF6cXV4cXV1eA1234abcd\n",
              path="deploy/vars.yml"),
        Valid("To connect, set the password to something like Zx81kLm2pQ!x in the form.\n",
              path="README.md"),
        Valid(f"DB_PASSWORD={_PASSWORD}\n", path="tests/fixtures/app.env"),
        # A Secret's `data` is judged decoded: base64 of `password`, a password that repeats
        # the user name (a sample's default).
        Valid("apiVersion: v1\nkind: Secret\nmetadata:\n  name: chap\ndata:\n"
              f"  node.session.auth.username: {_b64('username')}\n"
              f"  node.session.auth.password: {_b64('password')}\n"
              f"  apiUsername: {_b64('svc_backup7')}\n  apiPassword: {_b64('svc_backup7')}\n",
              path="k8s/chap-secret.yaml"),
        # An htpasswd line holds a hash; a template's range variable is a reference.
        Valid(f"registry:\n  credentials:\n    htpasswd: reg_user:{_HTPASSWD}\n",
              path="chart/values.yaml"),
        Valid("stringData:\n  web.yml: |\n"
              "    {{- range $user, $password := .Values.auth.basicAuthUsers }}\n"
              "    {{ $user }}: {{ htpasswd $user $password }}\n    {{- end }}\n",
              path="chart/templates/web-secret.yaml"),
    ]
    INVALID = [
        Invalid(f'DB_PASSWORD = "{_PASSWORD}"  # expect: LLC-SRC-023\n', path="app/config.py"),
        Invalid(f'const config = {{ user: "svc", password: "{_PASSWORD}" }};'
                "  // expect: LLC-SRC-023\n"
                f"$password = '{_PASSWORD_2}';  // expect: LLC-SRC-023\n", path="src/db.ts"),
        Invalid(f'\tpassword := "{_PASSWORD}" // expect: LLC-SRC-023\n'
                f'\tcfg := Config{{Password: "{_PASSWORD_2}"}} // expect: LLC-SRC-023\n',
                path="internal/db/db.go"),
        Invalid(f'ds.setPassword("{_PASSWORD}"); // expect: LLC-SRC-023\n'
                f'String cs = "Server=db.acme-corp.net;User Id=app;Password={_PASSWORD_2};";'
                " // expect: LLC-SRC-023\n", path="src/main/java/Db.java"),
        Invalid(f'String url = "jdbc:postgresql://db.acme-corp.net/app?user=app&password='
                f'{_PASSWORD}"; // expect: LLC-SRC-023\n', path="src/main/java/Jdbc.java"),
        Invalid(f"CREATE USER reporting WITH PASSWORD '{_PASSWORD}';  -- expect: LLC-SRC-023\n"
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;\n"
                f"CREATE USER 'etl'@'%' IDENTIFIED BY '{_PASSWORD_2}';  -- expect: LLC-SRC-023\n",
                path="db/users.sql"),
        Invalid(f"<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n"
                f"      <password>{_PASSWORD}</password>\n    </server>\n  </servers>\n"
                "</settings>\n", path=".m2/settings.xml", lines=(5,)),
        Invalid(f"curl -u deploy:{_PASSWORD} https://nexus.acme-corp.net/upload"
                "  # expect: LLC-SRC-023\n"
                f"curl -H 'Authorization: Basic {_BASIC}' https://nexus.acme-corp.net"
                "  # expect: LLC-SRC-023\n"
                f'curl -H "Authorization: Bearer {_TOKEN}" https://api.acme-corp.net'
                "  # expect: LLC-SRC-023\n", path="scripts/upload.sh"),
        Invalid(f"[database]\nuser = app\npassword = {_PASSWORD}  ; expect: LLC-SRC-023\n",
                path="config/app.ini"),
        Invalid(f"spring.datasource.password={_PASSWORD}  # expect: LLC-SRC-023\n",
                path="src/main/resources/application.properties"),
        # A typed password, base64 in a Secret (LLC-K8S-005 owns the generated-looking ones).
        Invalid("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n"
                f"  username: {_b64('app')}\n"
                f"  password: {_b64(_PASSWORD)}  # expect: LLC-SRC-023\n",
                path="k8s/db-secret.yaml"),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        path = doc.path
        self._sample = path_class(path) is not None
        # A Kubernetes Secret: its `data` values are base64, judged as the cluster reads them.
        self._secret = (  # the literals first: the pattern's optional quotes make it slow
            "apiVersion" in text and "Secret" in text and _K8S_SECRET.search(text) is not None
        )
        self._seen: set[tuple[int, int]] = set()
        self._counts = code_lines(text, path)
        code = PurePosixPath(path.lower()).suffix in CODE_SUFFIXES
        lower = text.lower()
        for match in _ASSIGNMENT.finditer(text):
            key, op = match.group(1), match.group(2)
            group = next((g for g in (3, 4, 5, 6) if match.group(g) is not None), 0)
            if not group or op == "==" or (group == 6 and code):
                continue
            if group == 6 and not bare_value_ends(text, match.end(6)):
                continue  # the first word of a sentence (a UI string), not a value
            if group == 6 and match.start(1) > 0 and text[match.start(1) - 1] in _NOT_KEY_START:
                continue  # `%]PW:2Z.Q?...`: letters inside encoded data, not a key
            if not is_password_key(key):
                continue  # `bypass = ...`, `npw = ...`: the keyword inside another word
            if match.start(1) > 0 and text[match.start(1) - 1] in "?&" and not self._conn(
                doc, match.start(1)
            ):
                continue  # a URL query parameter, not an assignment
            self._password(doc, key, match.start(group), match.end(group), "assigned to "
                           f"`{key[:60]}`")
        # Each form runs only where its literal is: most files have none of them.
        forms = (
            (_SETTER, "passed to a password setter", ("setp", "withp", ".passw", ".pwd")),
            (_DSL, "set in a build script", ("passw", "pwd")),
            (_XML_ELEMENT, "in an XML element", ("</",)),
            (_XML_APPSETTING, "in an application setting", ("<add",)),
            (_DEFINE, "defined as a constant", ("define",)),
        )
        for pattern, what, needles in forms:
            if not any(n in lower for n in needles):
                continue
            for match in pattern.finditer(text):
                self._password(doc, match.group(1), match.start(2), match.end(2), what)
        for match in _CONN_PASSWORD.finditer(text) if ";" in text else ():
            if self._conn(doc, match.start(1)):
                value = match.group(2).strip("{}")
                start = match.start(2) + (1 if match.group(2).startswith("{") else 0)
                self._password(doc, "password", start, start + len(value),
                               "in a connection string")
        for match in _SQL.finditer(text) if "identified" in lower or " user " in lower or (
            "role" in lower or "login" in lower
        ) else ():
            group = next((g for g in (1, 2, 3) if match.group(g) is not None), 0)
            if group:
                self._password(doc, "password", match.start(group), match.end(group),
                               "set by a SQL statement")
        for match in _FLAG.finditer(text) if "-pass" in lower else ():
            self._password(doc, "password", match.start(1), match.end(1),
                           "passed as a command-line flag")
        for match in _SECURE_STRING.finditer(text) if "convertto-securestring" in lower else ():
            self._password(doc, "password", match.start(1), match.end(1),
                           "turned into a PowerShell SecureString")
        for match in _OPENSSL.finditer(text) if "pass:" in lower else ():
            self._password(doc, "password", match.start(1), match.end(1),
                           "passed to openssl on the command line")
        for match in _CURL.finditer(text) if "curl" in lower else ():
            self._password(doc, "password", match.start(2), match.end(2),
                           "passed to `curl -u`")
        for match in _AUTH.finditer(text) if "authorization" in lower else ():
            self._header(doc, match.group(1), match.start(2), match.end(2))

    def _conn(self, doc: TextDocument, offset: int) -> bool:
        """The line around ``offset`` is a connection string (names a server, user or jdbc:)."""
        line = doc.line_text(doc.position(offset)[0])
        return bool(_CONN_CONTEXT.search(line))

    def _header(self, doc: TextDocument, scheme: str, start: int, end: int) -> None:
        value = doc.text[start:end]
        if scheme.lower() == "bearer":
            if value.startswith("eyJ"):
                return  # a JWT: LLC-SRC-012 reads its claims and grades its lifetime
            if credential_value("token", value, self.context.is_placeholder):
                self._report(doc, start, end, value, "sent as an `Authorization: Bearer` "
                             "token")
            return
        try:
            decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
        except (binascii.Error, ValueError):
            return
        user, sep, password = decoded.partition(":")
        if sep and user and decoded.isprintable() and password_value(
            password, self.context.is_placeholder
        ):
            self._report(doc, start, end, value, "sent as `Authorization: Basic` (base64 of "
                         "user:password, not encryption)")

    def _password(self, doc: TextDocument, key: str, start: int, end: int, what: str) -> None:
        if is_reference_key(key):
            return
        value = doc.text[start:end]
        judged = value
        if self._secret and (decoded := secret_data_text(value)) is not None:
            decoded = decoded.rstrip("\r\n")  # `echo ... | base64` encodes the newline too
            if not decoded.isprintable():
                return  # binary data (a keystore), not a typed password
            judged, what = decoded, f"{what} (base64 in a Secret, which is not encryption)"
        if not password_value(judged, self.context.is_placeholder):
            return
        if _same_as_user(doc, start, value):
            return  # `user: storageos` / `password: storageos`: a sample's default
        self._report(doc, start, end, value, what)

    def _report(self, doc: TextDocument, start: int, end: int, value: str, what: str) -> None:
        if (start, end) in self._seen:
            return  # one span met by two of the forms (a `Password=` in an .ini connection line)
        self._seen.add((start, end))
        line = doc.position(start)[0]
        if not self._counts(line):
            return  # a sentence in prose, not an assignment
        text = doc.line_text(line)
        if len(text) > _MAX_LINE or ENCRYPTED_CONTEXT.search(text):
            return
        if line > 1 and ENCRYPTED_CONTEXT.search(doc.line_text(line - 1)):
            return  # `secure:` / `!vault |` on the line above: ciphertext below
        self.report(
            Span(start, end),
            f"Literal password {what}: it is shared with everyone who reads the file and works "
            "until someone changes it.",
            lifetime=Lifetime.unknown(),
            value=value,
            severity=Severity.INFO if self._sample else None,
        )


def _same_as_user(doc: TextDocument, start: int, value: str) -> bool:
    """A user name within a few lines of the password is the password itself."""
    line = doc.position(start)[0]
    for number in range(max(1, line - _USER_WINDOW), min(doc.line_count, line + _USER_WINDOW) + 1):
        text = doc.line_text(number)
        if value not in text:
            continue
        for user in _USER_KEY.finditer(text):
            if text.startswith(value, user.end()) and not text[
                user.end() + len(value) : user.end() + len(value) + 1
            ].isalnum():
                return True
    return False
