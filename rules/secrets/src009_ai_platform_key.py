"""LLC-SRC-009: AI and agent platform API keys (OpenAI, Anthropic, Hugging Face, ...)."""

from __future__ import annotations

from scanner.api import (
    ALL_KINDS,
    Category,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    catalogue,
    fake_token,
    looks_fake,
    standalone,
)

_URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_HEX = "0123456789abcdef"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


_RULE = "LLC-SRC-009"
# The formats are catalogue rows (scanner/secrets/providers.toml); group 1 is the random part
# checked against filler. Each comes with a literal every match holds (OpenAI's marker, else
# the prefix): a format absent from the file costs one substring search, not a regex pass.
_MARKER = "T3BlbkFJ"

_OPENAI = ("sk-proj-" + fake_token("", 74, _URLSAFE, seed=111) + _MARKER
           + fake_token("", 74, _URLSAFE, seed=112))
_OPENAI_ADMIN = ("sk-admin-" + fake_token("", 58, _URLSAFE, seed=113) + _MARKER
                 + fake_token("", 58, _URLSAFE, seed=114))
_ANTHROPIC = "sk-ant-api03-" + fake_token("", 93, _URLSAFE, seed=115) + "AA"
_ANTHROPIC_ADMIN = "sk-ant-admin01-" + fake_token("", 93, _URLSAFE, seed=116) + "AA"
_HF = "hf_" + fake_token("", 34, _LETTERS, seed=117)
_GROQ = fake_token("gsk_", 52, seed=118)
_OPENROUTER = fake_token("sk-or-v1-", 64, _HEX, seed=119)
_LANGSMITH = (fake_token("lsv2_pt_", 32, _HEX, seed=120) + "_"
              + fake_token("", 10, _HEX, seed=121))
_REPLICATE = fake_token("r8_", 37, seed=122)


class AiPlatformKey(TextRule):
    """## What it does
    Finds API keys of AI and agent platforms in any text file, by prefixes that make them
    unambiguous: OpenAI (`sk-proj-`, `sk-svcacct-`, `sk-admin-` and legacy `sk-` keys, all
    holding the `T3BlbkFJ` marker), Anthropic (`sk-ant-api03-`, `sk-ant-admin01-`, and the
    `sk-ant-oat01-`/`sk-ant-ort01-` OAuth tokens of Claude subscriptions), Hugging Face
    (`hf_`, `api_org_`), Groq (`gsk_`), Replicate (`r8_`), Perplexity (`pplx-`), xAI
    (`xai-`), OpenRouter (`sk-or-v1-`), LangSmith (`lsv2_pt_`, `lsv2_sk_`) and NVIDIA
    (`nvapi-`). A bare `sk-` string without the OpenAI marker (DeepSeek, Mistral-style and
    many made-up keys share it) and keys without any prefix (Cohere, Mistral) are left to the
    generic rule, LLC-SRC-014. Placeholders, filler and identifiers that happen to follow a
    prefix (`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`) are skipped.

    Admin keys, which manage the organisation and its other keys, are critical; the rest are
    high.

    ## Why is this bad?
    These keys do not expire. An agent's key pasted into a config or notebook spends the
    account's money and reads its prompts, files and fine-tuned models for as long as nobody
    revokes it, and AI keys are among the most harvested secrets on public repositories
    (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```python
    client = OpenAI(api_key="sk-proj-...")
    ```

    Use instead:
    ```python
    # Azure OpenAI through Entra ID, or Bedrock/Vertex through the workload's cloud identity
    token_provider = get_bearer_token_provider(
        DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default")
    client = AzureOpenAI(azure_endpoint=ENDPOINT, azure_ad_token_provider=token_provider)
    ```

    ## References
    - OpenAI API key safety: https://help.openai.com/en/articles/5112595-best-practices-for-api-key-safety
    - Anthropic API keys and admin keys: https://docs.anthropic.com/en/api/administration-api
    - Hugging Face user access tokens: https://huggingface.co/docs/hub/security-tokens
    - gitleaks `openai-api-key`, `anthropic-api-key`, `anthropic-admin-api-key`,
      `huggingface-access-token`, `perplexity-api-key`
    """

    META = RuleMeta(
        id=_RULE,
        name="ai-platform-key",
        summary="AI or agent platform API key in a file (OpenAI, Anthropic, Hugging Face, ...)",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Revoke the key; give each agent its own scoped, spend-limited key from a secret "
        "manager, or reach hosted models through workload identity (Bedrock, Vertex, Azure "
        "OpenAI with Entra ID).",
        kinds=ALL_KINDS,
        triggers=catalogue.triggers(_RULE),
    )

    VALID = [
        Valid("client = OpenAI()\n"
              'claude = Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])\n', path="app/llm.py"),
        Valid("OPENAI_API_KEY=sk-proj-...\nANTHROPIC_API_KEY=your-api-key\n"
              "HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
              "GROQ_API_KEY=${GROQ_API_KEY}\n", path=".env.example"),
        # A bare sk- key without OpenAI's marker: not provably OpenAI, left to LLC-SRC-014.
        Valid(f'DEEPSEEK_KEY = "{fake_token("sk-", 48, seed=123)}"\n', path="app/settings.py"),
        # Identifiers after a prefix, and a hex digest after one.
        Valid("model_cls = 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\n"
              "cache = hf_hubdownloadcachedirectorysettings\n"
              f"build = r8_{'0123456789abcdef' * 2}01234\n", path="app/models.py"),
        Valid(f"ANTHROPIC_API_KEY=sk-ant-api03-{'A' * 93}AA\n", path="tests/fixtures/.env"),
    ]
    INVALID = [
        Invalid(f'client = OpenAI(api_key="{_OPENAI}")  # expect: LLC-SRC-009\n',
                path="agent/main.py"),
        Invalid(f"ANTHROPIC_API_KEY={_ANTHROPIC}  # expect: LLC-SRC-009\n"
                f"ANTHROPIC_ADMIN_KEY={_ANTHROPIC_ADMIN}  # expect: LLC-SRC-009\n"
                f"OPENAI_ADMIN_KEY={_OPENAI_ADMIN}  # expect: LLC-SRC-009\n", path=".env"),
        Invalid(
            '{\n  "mcpServers": {\n    "hf": {\n      "command": "hf-mcp",\n'
            f'      "env": {{ "HF_TOKEN": "{_HF}", "GROQ_API_KEY": "{_GROQ}" }}\n'
            "    }\n  }\n}\n",
            path=".mcp.json",
            lines=(5,),
        ),
        Invalid(f"llm:\n  openrouter_key: {_OPENROUTER}  # expect: LLC-SRC-009\n"
                f"  langsmith_key: {_LANGSMITH}  # expect: LLC-SRC-009\n"
                f"  replicate: {_REPLICATE}  # expect: LLC-SRC-009\n", path="config/agents.yml"),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        taken: list[tuple[int, int]] = []
        for compiled in catalogue.formats(_RULE):  # compiled on first use, then cached
            fmt, needle, pattern = compiled.format, compiled.needle, compiled.pattern
            if needle not in text:
                continue
            for match in pattern.finditer(text):
                start, end = match.start(), match.end()
                if any(s <= start < e for s, e in taken) or not standalone(text, start, end):
                    continue
                key = match.group()
                if self.context.is_placeholder(key) or not _random(match.group(1), fmt.mixed):
                    continue
                taken.append((start, end))
                self.report(Span(start, end), f"{fmt.label} committed to a file: {fmt.why}.",
                            lifetime=fmt.lifetime, value=key, severity=fmt.severity)


def _random(body: str, mixed: int) -> bool:
    """Not filler; with ``mixed``, upper and lower case each appear at least that often."""
    parts = body.split(_MARKER) if _MARKER in body else [body]
    if any(looks_fake(part) for part in parts):
        return False
    if mixed:
        upper = sum(c.isupper() for c in body)
        lower = sum(c.islower() for c in body)
        if upper < mixed or lower < mixed:
            return False
    return True
