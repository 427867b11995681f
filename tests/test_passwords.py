"""Passwords and generic secrets in every language, the shared value filters, the noise policy.

The rules' VALID/INVALID examples (tests/test_rule_examples.py) show each form once; this
table holds the variants in other styles, the filters one by one, and the path policy.
"""

from __future__ import annotations

import base64

import pytest
from outlive_rules.agents.agt001_mcp_server_literal_credential import McpServerLiteralCredential
from outlive_rules.secrets.src013_credentials_in_url import CredentialsInUrl
from outlive_rules.secrets.src014_generic_secret_assignment import GenericSecretAssignment
from outlive_rules.secrets.src023_password_or_connection_string import (
    PasswordOrConnectionString,
)

from scanner.api import ALNUM, Rule, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Finding, Severity
from scanner.secrets import (
    PathClass,
    code_lines,
    credential_value,
    is_encrypted_value,
    is_placeholder,
    is_reference_key,
    is_reference_value,
    password_value,
    path_class,
)
from scanner.testing import run_rule

PW = fake_token("", 14, ALNUM + "!#%", seed=8801)
PW2 = fake_token("", 18, ALNUM + "@^", seed=8802)
TOKEN = fake_token("", 32, ALNUM, seed=8803)

SRC023 = PasswordOrConnectionString


def lines(rule: type[Rule], code: str, path: str) -> tuple[int, ...]:
    return tuple(f.location.line for f in run_rule(rule, code, path))


# -- every language people commit ----------------------------------------------------------

FIRES = [
    ("app/settings.py", f'DATABASES = {{"default": {{"PASSWORD": "{PW}"}}}}'),
    ("app/db.py", f'conn = psycopg2.connect(host="db", password="{PW}")'),
    ("src/db.js", f"const password = '{PW}';"),
    ("src/db.ts", f'export const cfg = {{ "password": "{PW}" }};'),
    ("internal/db.go", f'\tdbPassword := "{PW}"'),
    ("internal/db.go", f'\treturn &Config{{User: "app", Password: "{PW}"}}'),
    ("src/Db.java", f'    private static final String PASSWORD = "{PW}";'),
    ("src/Db.kt", f'    val dbPassword = "{PW}"'),
    ("src/Db.cs", f'        Password = "{PW}",'),
    ("src/Db.cs", f'var cs = "Data Source=sql01;Initial Catalog=app;User ID=app;Pwd={PW};";'),
    ("src/db.php", f"$password = '{PW}';"),
    ("config/database.php", f"    'password' => '{PW}',"),
    ("config/db.rb", f"  password: '{PW}',"),
    ("config/db.rb", f"  :password => '{PW}',"),
    ("deploy/env.sh", f"export DB_PASSWORD={PW}"),
    ("deploy/env.sh", f"export DB_PASS='{PW}'"),
    ("db/001.sql", f"ALTER ROLE app WITH LOGIN PASSWORD '{PW}';"),
    ("db/001.sql", f"CREATE LOGIN app WITH PASSWORD = '{PW}';"),
    ("db/001.sql", f"GRANT ALL ON app.* TO 'app'@'%' IDENTIFIED BY '{PW}';"),
    ("conf/context.xml", f'<Resource name="jdbc/app" username="app" password="{PW}"/>'),
    ("conf/app.config", f'<add key="DbPassword" value="{PW}" />'),
    ("conf/pom.xml", f"<db.password>{PW}</db.password>"),
    ("conf/app.properties", f"db.password = {PW}"),
    ("conf/app.ini", f"password={PW}"),
    ("conf/app.yaml", f"database:\n  password: {PW}"),
    ("conf/app.json", f'{{"db": {{"password": "{PW}"}}}}'),
    ("conf/app.toml", f'[db]\npassword = "{PW}"'),
    ("build.gradle", f"    password '{PW}'"),
    ("main.tf", f'  password = "{PW}"'),
    ("src/Jdbc.java", f'String u = "jdbc:mysql://db.acme-corp.net/app?user=app&password={PW}";'),
    ("scripts/up.sh", f"curl --user deploy:{PW} https://repo.acme-corp.net/upload"),
    ("src/client.py", f'headers = {{"Authorization": "Bearer {TOKEN}"}}'),
    ("src/client.py", "headers = {'Authorization': 'Basic "
     + base64.b64encode(f"svc:{PW}".encode()).decode() + "'}"),
]


@pytest.mark.parametrize(("path", "code"), FIRES)
def test_password_forms_fire(path: str, code: str) -> None:
    assert lines(SRC023, code + "\n", path), (path, code)


QUIET = [
    ("app/settings.py", 'PASSWORD = os.environ.get("DB_PASSWORD")'),
    ("app/settings.py", 'PASSWORD = os.getenv("DB_PASSWORD", "")'),
    ("src/db.ts", "const password = process.env.DB_PASSWORD;"),
    ("src/Db.java", 'String password = System.getenv("DB_PASSWORD");'),
    ("config/db.rb", "  password: ENV['DB_PASSWORD'],"),
    ("config/db.rb", "  password: ENV.fetch('DB_PASSWORD'),"),
    ("src/db.go", 'password := os.Getenv("DB_PASSWORD")'),
    ("conf/app.yaml", "password: ${DB_PASSWORD}"),
    ("conf/app.yaml", "password: '{{ db_password }}'"),
    ("app/db.py", 'DSN = "password=%(password)s host=%(host)s"'),
    ("conf/app.yaml", "password: changeme"),
    ("conf/app.yaml", "password: <password>"),
    ("conf/app.yaml", "password: xxx"),
    ("conf/app.yaml", "password: '***'"),
    ("conf/app.yaml", "password: your_password_here"),
    ("conf/app.yaml", "password: password123"),
    ("conf/app.yaml", "password: Secret123!"),
    ("conf/app.yaml", "password: admin"),
    ("conf/app.yaml", "password: qwerty123"),
    ("conf/app.yaml", "password: abcd1234"),
    ("conf/app.yaml", "password: aaaaaaaaaaaa"),
    ("conf/app.yaml", "password: 12345678901"),
    ("conf/app.yaml", "password: 5f4dcc3b5aa765d61d8327deb882cf99"),
    ("conf/app.yaml", "password: 3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
    ("conf/app.yaml", "password: /etc/app/db-password.txt"),
    ("conf/app.yaml", "password: ENC[AES256_GCM,data:Zm9vYmFy,iv:abc,tag:def,type:str]"),
    ("conf/app.properties", "db.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)"),
    ("conf/app.yaml", "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231336439"),
    (".travis.yml", f"env:\n  global:\n    - secure: {TOKEN}"),
    ("conf/app.yaml", f"password_file: {PW}"),
    ("conf/app.yaml", "passwordPolicy: Strong-9x7!"),
    ("conf/app.yaml", "password_min_length: 12"),
    ("src/auth.py", f'if password == "{PW}":'),
    ("src/auth.ts", "const password = await prompt();"),
    ("src/Db.cs", 'var cs = $"Server={host};User Id={user};Password={password};";'),
    ("scripts/call.sh", 'curl -u "$USER:$PASS" https://api.acme-corp.net'),
    ("scripts/call.sh", 'curl -H "Authorization: Bearer $TOKEN" https://api.acme-corp.net'),
    ("scripts/call.sh", "curl -H 'Authorization: Basic "
     + base64.b64encode(b"user:password").decode() + "' https://api.acme-corp.net"),
    # Digests of passwords and secrets are not the secret.
    ("app/models.py", 'password_hash = "9a0364b9e99bb480dd25e1f0284c8555b2a3c1f7"'),
    ("conf/users.yaml", 'hashed_password: "$2b$12$KIXQJd0bHk2rVgF1k1mZ0eYw4kq0VxkH5w6q9tZr3n"'),
    ("conf/users.yaml", 'admin_password: "$6$rounds=5000$saltsalt$Qw3rTy9uIoPaSd"'),
    (".secrets.baseline", '"hashed_secret": "3f786850e387550fdab836ed7e6dc881de23001b",'),
]


@pytest.mark.parametrize(("path", "code"), QUIET)
def test_password_lookalikes_stay_quiet(path: str, code: str) -> None:
    for rule in (SRC023, GenericSecretAssignment):
        assert not lines(rule, code + "\n", path), (rule.META.id, path, code)


# -- the shared filters, one by one ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["${DB}", "$DB_PASSWORD", "{{ pw }}", "%(pw)s", "os.environ['X']", "process.env.X",
     'System.getenv("X")', "ENV['X']", "getenv('X')", "op://vault/item/field",
     "vault://secret/db", "arn:aws:secretsmanager:eu-west-1:1:secret:db"],
)
def test_references(value: str) -> None:
    assert is_reference_value(value)
    assert not password_value(value, is_placeholder)


@pytest.mark.parametrize(
    "value",
    ["ENC[AES256_GCM,data:x]", "ENC(abcdef)", "$ANSIBLE_VAULT;1.1;AES256", "{cipher}a1b2",
     "vault:v1:abcdef", "AQICAHhZ" + "x" * 20, "encrypted:Zm9vYmFy", "Ag" + "B" * 300],
)
def test_ciphertext(value: str) -> None:
    assert is_encrypted_value(value)


@pytest.mark.parametrize(
    "key", ["password_file", "passwordFile", "token_url", "secret_name", "passwordPolicy",
            "api_key_header", "secret_ref", "PASSWORD_LENGTH", "password_hash"],
)
def test_reference_keys(key: str) -> None:
    assert is_reference_key(key)
    assert not credential_value(key, PW2, is_placeholder)


@pytest.mark.parametrize("key", ["password", "DB_PASSWORD", "client_secret", "api_token"])
def test_credential_keys(key: str) -> None:
    assert not is_reference_key(key)
    assert credential_value(key, TOKEN, is_placeholder)


def test_password_gate_is_a_passwords_gate() -> None:
    assert password_value(PW, is_placeholder)
    assert password_value("Tr0ub4dor&3", is_placeholder)
    assert not credential_value("api_key", "Tr0ub4dor&3", is_placeholder)  # too short a key
    assert credential_value("db_password", "Tr0ub4dor&3", is_placeholder)


# -- the noise policy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cls"),
    [
        ("tests/test_db.py", PathClass.TEST),
        ("pkg/db_test.go", PathClass.TEST),
        ("src/db.spec.ts", PathClass.TEST),
        ("src/DbTests.cs", PathClass.TEST),
        ("spec/models/user_spec.rb", PathClass.TEST),
        ("src/test/java/DbTest.java", PathClass.TEST),
        ("testdata/config.yaml", PathClass.FIXTURE),
        ("src/__mocks__/api.ts", PathClass.FIXTURE),
        ("examples/app/config.py", PathClass.EXAMPLE),
        (".env.example", PathClass.EXAMPLE),
        ("config/settings.sample.yaml", PathClass.EXAMPLE),
        ("docs/howto/db.txt", PathClass.DOCS),
        ("README.md", PathClass.DOCS),
        ("guide.rst", PathClass.DOCS),
        ("app/settings.py", None),
        ("deploy/prod.env", None),
        ("fixtures/demo-repo/deploy/app.service", None),
        ("fixtures/demo-repo/tests/test_app.py", PathClass.TEST),
        ("src/main/resources/application.yml", None),
    ],
)
def test_path_classes(path: str, cls: PathClass | None) -> None:
    assert path_class(path) is cls


def _scan(path: str, code: str, rules: list[type[Rule]]) -> list[Finding]:
    engine = Engine(rules, Config())
    return list(engine.scan_bytes(path, code.encode()).findings)


@pytest.mark.parametrize("rule", [SRC023, GenericSecretAssignment, CredentialsInUrl])
@pytest.mark.parametrize("path", ["tests/settings.py", "examples/settings.py",
                                  "docs/settings.py", "src/db.spec.ts"])
def test_generic_findings_in_samples_are_info(rule: type[Rule], path: str) -> None:
    code = (f'DB_PASSWORD = "{PW}"\nAPI_TOKEN = "{TOKEN}"\n'
            f'URL = "postgres://app:{PW2}@db.acme-corp.net/app"\n')
    findings = [f for f in _scan(path, code, [rule]) if f.rule_id == rule.META.id]
    assert findings, "the finding is kept, at info (shown with --show-info)"
    assert {f.severity for f in findings} == {Severity.INFO}
    real = [f for f in _scan("app/settings.py", code, [rule]) if f.rule_id == rule.META.id]
    assert real
    assert all(f.severity is not Severity.INFO for f in real)


def test_provider_format_keeps_full_severity_in_tests() -> None:
    from outlive_rules.secrets.src002_github_token import _PAT, GithubToken

    code = f'GITHUB_TOKEN = "{_PAT}"\n'
    findings = _scan("tests/test_api.py", code, [GithubToken, GenericSecretAssignment])
    assert [f.rule_id for f in findings] == ["LLC-SRC-002"]  # the generic copy merged away
    assert findings[0].severity is not Severity.INFO


def test_prose_counts_only_code() -> None:
    text = (
        "Pick a strong password, for instance Zx81kLm2pQ!x, and keep it safe.\n"
        "\n"
        "```ini\n"
        f"password = {PW}\n"
        "```\n"
        "\n"
        f"    db_password: {PW2}\n"
        f"API_TOKEN={TOKEN}\n"
    )
    counts = code_lines(text, "README.md")
    assert [n for n in range(1, 9) if counts(n)] == [4, 7, 8]
    assert code_lines(text, "app/settings.py")(1)
    found = _scan("guide.md", text, [SRC023, GenericSecretAssignment])
    assert sorted(f.location.line for f in found) == [4, 7, 8]


def test_agt001_shares_the_value_gate() -> None:
    import json

    quiet = json.dumps({"mcpServers": {"db": {"command": "x", "env": {
        "DB_PASSWORD": "password123", "API_TOKEN": "ENC(abcdefabcdefabcdef)",
        "PASSWORD_FILE": PW2}}}}, indent=2)
    assert not run_rule(McpServerLiteralCredential, quiet + "\n", "mcp.json")
    loud = json.dumps({"mcpServers": {"db": {"command": "x", "env": {"DB_PASSWORD": PW}}}},
                      indent=2)
    assert run_rule(McpServerLiteralCredential, loud + "\n", "mcp.json")


def test_sql_bare_values_only_in_user_statements() -> None:
    sentence = '    """Assert that the <SELECT> widget identified by `selector` has them."""\n'
    assert not lines(SRC023, sentence, "app/admin.py")
    assert lines(SRC023, f"CREATE USER etl IDENTIFIED BY {PW};\n", "db/users.sql")
    assert lines(SRC023, f"CREATE ROLE etl WITH LOGIN PASSWORD {PW};\n", "db/users.sql")
    assert lines(SRC023, f"ALTER USER 'etl'@'%' IDENTIFIED WITH mysql_native_password BY '{PW}';\n",
                 "db/users.sql")


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("roles/web/defaults/main.yml", "proxy_pass: 'http://127.0.0.1:8080'"),
        ("pyproject.toml", '[project.scripts]\nkolla-genpwd = "kolla_ansible.cmd.genpwd:main"'),
        ("roles/ldap/defaults/main.yml", "bind_password: 'lookup..@TODO'"),
        ("query_runner/arango.py",
         'c = connect(url=u, username=self.cfg["user"], password=self.cfg["password"])'),
    ],
)
def test_found_on_real_code_and_quiet_now(path: str, code: str) -> None:
    assert not lines(SRC023, code + "\n", path)


def test_compose_service_password_is_low() -> None:
    code = f'DATABASE_URL: "postgresql://postgres:{PW2}@postgres/postgres"\n'
    findings = run_rule(CredentialsInUrl, code, "ci/compose.yaml")
    assert [f.severity for f in findings] == [Severity.LOW]


def test_sample_password_for_localhost_in_url_is_quiet() -> None:
    code = "value: 'postgres://mailman3:mmpass@localhost/mailman3'\n"
    assert not run_rule(CredentialsInUrl, code, "roles/mailman/defaults/main.yml")


@pytest.mark.parametrize(
    "code",
    [
        f"mysql -u root --password {PW} app < dump.sql",
        f"gpg --batch --passphrase {PW} --decrypt secrets.gpg",
        f"New-LocalUser -Name svc -Password '{PW}'",
        f'$s = ConvertTo-SecureString "{PW}" -AsPlainText -Force',
        f'openssl pkcs12 -export -passout "pass:{PW}" -out cert.p12',
        f"define('DB_PASSWORD', '{PW}');",
    ],
)
def test_command_lines_and_constants(code: str) -> None:
    assert lines(SRC023, code + "\n", "deploy/setup.ps1")


@pytest.mark.parametrize(
    "code",
    [
        'mysql -u root --password "$MYSQL_PASSWORD" app',
        "gpg --batch --passphrase-file /run/secrets/gpg --decrypt x.gpg",
        "mysql -u root --password app",
        '$s = ConvertTo-SecureString $env:SVC_PASSWORD -AsPlainText -Force',
    ],
)
def test_command_line_references_are_quiet(code: str) -> None:
    assert not lines(SRC023, code + "\n", "deploy/setup.ps1")


def test_hex_numbers_and_encoded_data_are_not_passwords() -> None:
    assert not lines(SRC023, 'password = "0xAb19D82E7f546cC3"\n', "src/consts.py")
    assert not lines(SRC023, 'M[@%]PW:2Z.Q?2M^S;`4G?E0C.@V&?0KY]]"H3Y@6\n', "data/blob.txt")
