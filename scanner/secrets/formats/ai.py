"""AI and agent platform API keys (LLC-SRC-009). Group 1 is the random part.

Every current OpenAI key holds "T3BlbkFJ" (base64 of "OpenAI") between two random runs, so
that marker, not the prefix, is the cheap guard of the OpenAI rows.
"""

from __future__ import annotations

from scanner.findings import Lifetime, Severity
from scanner.secrets.formats import Format

_FIX = ("Revoke the key; give each agent its own scoped, spend-limited key from a secret "
        "manager, or reach hosted models through workload identity (Bedrock, Vertex, Azure "
        "OpenAI with Entra ID).")
_KEY_WHY = "API keys do not expire; spend, data and models are the holder's until it is revoked"
_ADMIN_WHY = ("admin keys manage the organisation (members, projects, other keys) and do not "
              "expire")
MARKER = "T3BlbkFJ"


def _row(id: str, provider: str, label: str, anchors: tuple[str, ...], pattern: str,
         severity: Severity, lifetime: Lifetime, why: str, source: str, mixed: int = 0,
         needle: str = "") -> Format:
    return Format(id=id, provider=provider, label=label, anchors=anchors, pattern=pattern,
                  lifetime=lifetime, owasp=("NHI2", "NHI7"), severity=severity, fix=_FIX,
                  rule="LLC-SRC-009", why=why, needle=needle, mixed=mixed,
                  validator="not-filler", source=source)


_OPENAI = "https://help.openai.com/en/articles/5112595-best-practices-for-api-key-safety"
_ANTHROPIC = "https://docs.anthropic.com/en/api/administration-api"
_HF = "https://huggingface.co/docs/hub/security-tokens"

FORMATS = (
    _row("openai-admin-key", "OpenAI", "OpenAI admin API key", ("t3blbkfj",),
         r"sk-admin-([A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})", Severity.CRITICAL,
         Lifetime.static(), _ADMIN_WHY, _OPENAI, needle=MARKER),
    _row("openai-api-key", "OpenAI", "OpenAI API key", ("t3blbkfj",),
         r"sk-(?:(?:proj|svcacct|None)-)?([A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})",
         Severity.HIGH, Lifetime.static(), _KEY_WHY, _OPENAI, needle=MARKER),
    _row("anthropic-admin-key", "Anthropic", "Anthropic admin API key", ("sk-ant-",),
         r"sk-ant-admin01-([A-Za-z0-9_-]{93})AA", Severity.CRITICAL, Lifetime.static(),
         _ADMIN_WHY, _ANTHROPIC),
    _row("anthropic-api-key", "Anthropic", "Anthropic API key", ("sk-ant-",),
         r"sk-ant-api03-([A-Za-z0-9_-]{93})AA", Severity.HIGH, Lifetime.static(), _KEY_WHY,
         _ANTHROPIC),
    _row("anthropic-oauth-token", "Anthropic", "Anthropic OAuth token", ("sk-ant-",),
         r"sk-ant-o[ar]t01-([A-Za-z0-9_-]{40,200})", Severity.HIGH, Lifetime.unknown(),
         "it acts as the subscriber; tokens from `claude setup-token` last a year, refresh "
         "tokens mint new ones", ""),
    _row("huggingface-token", "Hugging Face", "Hugging Face access token", ("hf_",),
         r"hf_([A-Za-z0-9]{34})", Severity.HIGH, Lifetime.static(),
         "access tokens do not expire", _HF, mixed=7),
    _row("huggingface-org-token", "Hugging Face", "Hugging Face organization API token",
         ("api_org_",), r"api_org_([A-Za-z0-9]{34})", Severity.HIGH, Lifetime.static(),
         "organization tokens do not expire", _HF, mixed=7),
    _row("groq-api-key", "Groq", "Groq API key", ("gsk_",), r"gsk_([A-Za-z0-9]{52})",
         Severity.HIGH, Lifetime.static(), _KEY_WHY, "",
         mixed=2),
    _row("replicate-token", "Replicate", "Replicate API token", ("r8_",), r"r8_([A-Za-z0-9]{37})",
         Severity.HIGH, Lifetime.static(), _KEY_WHY,
         "", mixed=2),
    _row("perplexity-api-key", "Perplexity", "Perplexity API key", ("pplx-",),
         r"pplx-([A-Za-z0-9]{48})", Severity.HIGH, Lifetime.static(), _KEY_WHY,
         "", mixed=2),
    _row("xai-api-key", "xAI", "xAI API key", ("xai-",), r"xai-([A-Za-z0-9]{80})", Severity.HIGH,
         Lifetime.static(), _KEY_WHY, "", mixed=2),
    _row("openrouter-api-key", "OpenRouter", "OpenRouter API key", ("sk-or-v1-",),
         r"sk-or-v1-([a-f0-9]{64})", Severity.HIGH, Lifetime.static(), _KEY_WHY,
         ""),
    _row("langsmith-api-key", "LangSmith", "LangSmith API key", ("lsv2_",),
         r"lsv2_(?:pt|sk)_([a-f0-9]{32})_[a-f0-9]{10}", Severity.HIGH, Lifetime.static(),
         _KEY_WHY, ""),
    _row("nvidia-api-key", "NVIDIA", "NVIDIA API key", ("nvapi-",), r"nvapi-([A-Za-z0-9_-]{64})",
         Severity.HIGH, Lifetime.static(), _KEY_WHY, "", mixed=2),
)
