/** The agents whose own configuration "Route Agents Through Headroom" can change, each with consent. */
export type AgentTarget = 'claudeCodeExtension' | 'claudeCodeCli' | 'codex';

export const AGENT_LABELS: Record<AgentTarget, string> = {
  claudeCodeExtension: 'Claude Code extension (setting claudeCode.environmentVariables)',
  claudeCodeCli: 'Claude Code CLI (~/.claude/settings.json "env")',
  codex: 'Codex (~/.codex/config.toml model provider)',
};

/**
 * The variables that point agents at the proxy. Besides the official SDK names, LiteLLM-based
 * tools (Aider among them) read the *_API_BASE forms. Claude Code turns its on-demand tool
 * loading off behind any base URL that is not Anthropic's unless ENABLE_TOOL_SEARCH says
 * otherwise, which would cost about 25K tokens of tool definitions on every request.
 */
export function agentEnvironment(proxyUrl: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: proxyUrl,
    ANTHROPIC_API_BASE: proxyUrl,
    OPENAI_BASE_URL: `${proxyUrl}/v1`,
    OPENAI_API_BASE: `${proxyUrl}/v1`,
    ENABLE_TOOL_SEARCH: 'true',
  };
}

/** The subset Claude Code reads. */
export function claudeCodeEnvironment(proxyUrl: string): Record<string, string> {
  const all = agentEnvironment(proxyUrl);
  return { ANTHROPIC_BASE_URL: all.ANTHROPIC_BASE_URL, ENABLE_TOOL_SEARCH: all.ENABLE_TOOL_SEARCH };
}
