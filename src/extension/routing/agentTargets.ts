import { API_TOKEN_HEADER } from '../../proxy/apiToken';
import type { ProxyStatus } from '../proxySupervisor';
/** The agents whose own configuration "Route Agents Through Headroom" can change, each with consent. */
export type AgentTarget = 'claudeCodeExtension' | 'claudeCodeCli' | 'codex';

export const AGENT_LABELS: Record<AgentTarget, string> = {
  claudeCodeExtension: 'Claude Code extension (setting claudeCode.environmentVariables)',
  claudeCodeCli: 'Claude Code CLI (~/.claude/settings.json "env")',
  codex: 'Codex (~/.codex/config.toml model provider)',
};

/** Where agents are sent: the proxy's URL, and on a team's proxy the user's token, which every request carries in a header. */
export interface ProxyRoute {
  url: string;
  teamToken?: string;
}

/** Where a running proxy takes agents; none while it does not run. */
export function routeOf(status: ProxyStatus): ProxyRoute | undefined {
  if (status.state !== 'running') return undefined;
  return status.team ? { url: status.url, teamToken: status.apiToken } : { url: status.url };
}

/** The headers a routed agent adds to each request. */
export function routeHeaders(route: ProxyRoute): Record<string, string> {
  return route.teamToken ? { [API_TOKEN_HEADER]: route.teamToken } : {};
}

/**
 * The variables that point agents at the proxy. Besides the official SDK names, LiteLLM-based
 * tools (Aider among them) read the *_API_BASE forms. Claude Code turns its on-demand tool
 * loading off behind any base URL that is not Anthropic's unless ENABLE_TOOL_SEARCH says
 * otherwise, which would cost about 25K tokens of tool definitions on every request. A team
 * token reaches Claude Code as ANTHROPIC_CUSTOM_HEADERS; the OpenAI SDKs read no header from
 * the environment, so an OpenAI client in a terminal needs its own way to send it.
 */
export function agentEnvironment(route: ProxyRoute): Record<string, string> {
  const headers = Object.entries(routeHeaders(route)).map(([name, value]) => `${name}: ${value}`);
  return {
    ANTHROPIC_BASE_URL: route.url,
    ANTHROPIC_API_BASE: route.url,
    OPENAI_BASE_URL: `${route.url}/v1`,
    OPENAI_API_BASE: `${route.url}/v1`,
    ENABLE_TOOL_SEARCH: 'true',
    ...(headers.length ? { ANTHROPIC_CUSTOM_HEADERS: headers.join('\n') } : {}),
  };
}

/** The subset Claude Code reads. */
export function claudeCodeEnvironment(route: ProxyRoute): Record<string, string> {
  const { ANTHROPIC_BASE_URL, ENABLE_TOOL_SEARCH, ANTHROPIC_CUSTOM_HEADERS } = agentEnvironment(route);
  return {
    ANTHROPIC_BASE_URL,
    ENABLE_TOOL_SEARCH,
    ...(ANTHROPIC_CUSTOM_HEADERS ? { ANTHROPIC_CUSTOM_HEADERS } : {}),
  };
}
