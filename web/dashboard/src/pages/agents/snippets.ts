// Copy-ready ways to give an agent Linkhub, with this Linkhub's public URL and a token (the one just
// created, else a placeholder): MCP clients through mcp-remote, the OpenAI Agents SDK over
// streamable HTTP, the provider's own SDK on the native paths, and curl (docs/agents.md).

export interface Snippet {
  title: string;
  hint: string;
  code: string;
}

export const TOKEN_PLACEHOLDER = 'lhat_your_agent_token';

export function snippets(publicUrl: string, token: string, accountId: string): Snippet[] {
  const base = publicUrl.replace(/\/+$/, '');
  const mcpUrl = `${base}/mcp`;
  const u = new URL(base);
  const protocol = u.protocol.replace(':', '');
  const port = u.port || (protocol === 'https' ? '443' : '80');
  const mcpRemote = {
    mcpServers: {
      linkhub: {
        command: 'npx',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp-remote expands it from env
        args: ['mcp-remote', mcpUrl, '--header', 'Authorization: Bearer ${LINKHUB_AGENT_TOKEN}'],
        env: { LINKHUB_AGENT_TOKEN: token },
      },
    },
  };
  const json = JSON.stringify(mcpRemote, null, 2);
  return [
    {
      title: 'Claude Desktop',
      hint: 'Settings → Developer → Edit Config (claude_desktop_config.json), then restart Claude Desktop.',
      code: json,
    },
    {
      title: 'Cursor',
      hint: '~/.cursor/mcp.json (or .cursor/mcp.json in a project).',
      code: json,
    },
    {
      title: 'OpenAI Agents SDK (Python)',
      hint: 'pip install openai-agents; the token in LINKHUB_AGENT_TOKEN.',
      code: `import asyncio
import os

from agents import Agent, Runner
from agents.mcp import MCPServerStreamableHttp


async def main():
    async with MCPServerStreamableHttp(
        name="Linkhub",
        params={
            "url": "${mcpUrl}",
            "headers": {"Authorization": f"Bearer {os.environ['LINKHUB_AGENT_TOKEN']}"},
        },
    ) as linkhub:
        agent = Agent(name="Assistant", instructions="Use the Linkhub tools.", mcp_servers=[linkhub])
        result = await Runner.run(agent, "List my three most recent customers.")
        print(result.final_output)


asyncio.run(main())
`,
    },
    {
      title: 'stripe SDK (Node)',
      hint: "The provider's own SDK, unchanged: the agent token is its key and Linkhub its host.",
      code: `import Stripe from 'stripe';

// LINKHUB_AGENT_TOKEN=${token}
const stripe = new Stripe(process.env.LINKHUB_AGENT_TOKEN, { host: '${u.hostname}', port: ${port}, protocol: '${protocol}' });
const customers = await stripe.customers.list({ limit: 3 });
`,
    },
    {
      title: 'curl',
      hint: 'Linkhub-Account names the account; a token on several accounts needs it.',
      code: `curl ${base}/v1/customers?limit=3 \\
  -H "Authorization: Bearer ${token}" \\
  -H "Linkhub-Account: ${accountId}"
`,
    },
  ];
}
