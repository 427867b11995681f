"""outlive rules: AI-agent and MCP configuration (the AGT family)."""
