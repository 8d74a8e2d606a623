import type { ServerResponse } from 'node:http';
import { inlineHash, pageHeaders } from './page-policy.js';

const INDEX_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:48px auto;padding:0 16px;color:#1d2433}a{color:#2f5bea}code{background:#f1f3f8;padding:2px 4px;border-radius:4px}';
/** The index page is links and one inline style: it may load nothing else, that style included. */
const INDEX_POLICY = `default-src 'none'; style-src ${inlineHash(INDEX_STYLE)}; base-uri 'none'; form-action 'none'`;

export interface IndexPageContent {
  demo: boolean;
  /** Demo only: the agents one may open the inbox as. */
  agents: ReadonlyArray<{ id: string; name: string }>;
  /** Whether the React example is mounted at /react/. */
  react: boolean;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function indexPage({ demo, agents, react }: IndexPageContent): string {
  const agentLinks = demo
    ? agents
        .map(
          (agent) => `<li><a href="/inbox/?agent=${encodeURIComponent(agent.id)}">${escapeHtml(agent.name)}</a></li>`,
        )
        .join('')
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Confab</title>
<style>${INDEX_STYLE}</style>
</head><body>
<h1>Confab</h1>
<p>An embeddable conversations inbox. This is the reference server${demo ? ', running with demo data' : ''}.</p>
<ul>
<li><a href="/inbox/">Agent inbox</a>${demo ? ' — signed in as the first demo agent' : ''}</li>
<li><a href="/site/">Demo website with the chat widget</a></li>
${demo ? '<li>A second team in its own workspace: <a href="/site/harbour.html">its website</a> and <a href="/inbox/?workspace=harbour">its inbox</a> (neither sees the other team)</li>' : ''}
${react ? '<li><a href="/react/">The inbox embedded in a React app</a></li>' : ''}
<li><a href="/health">Health</a> (JSON)</li>
</ul>
${agentLinks ? `<h2>Sign in to the inbox as</h2><ul>${agentLinks}</ul><p>Demo only: <code>GET /api/demo/session</code> hands out agent tokens to anyone.</p>` : ''}
</body></html>`;
}

/** The server's front page: where the inbox, the demo site and health are. */
export function serveIndexPage(res: ServerResponse, head: boolean, content: IndexPageContent): void {
  const page = indexPage(content);
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page),
    ...pageHeaders(INDEX_POLICY),
  });
  res.end(head ? undefined : page);
}
