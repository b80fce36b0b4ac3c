/**
 * GET /api/v1/openapi.json and GET /api/v1/docs: the OpenAPI document, and a plain page that reads it
 * out (one section per operation: access, parameters, body and answers as JSON Schema). Server-rendered,
 * no script and nothing from elsewhere, so it holds under the self-only CSP. Public: it holds no data.
 */
import { Router } from 'express';
import { openApiDocument } from './openapi';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** focusable: a long schema scrolls, and a keyboard user must be able to scroll it (axe: scrollable-region-focusable) */
const pre = (v: unknown) => `<pre tabindex="0">${esc(JSON.stringify(v, null, 2))}</pre>`;

type Op = { summary: string; description: string; parameters?: Array<{ in: string; name: string; required: boolean; schema: unknown }>; requestBody?: { content: Record<string, { schema?: unknown }> }; responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }> };

function section(method: string, path: string, op: Op): string {
  const params = op.parameters?.length
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${op.parameters.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`).join('')}</table>`
    : '';
  const body = op.requestBody ? Object.entries(op.requestBody.content).map(([media, c]) => `<h4>body: ${esc(media)}</h4>${c.schema ? pre(c.schema) : ''}`).join('') : '';
  const answers = Object.entries(op.responses).map(([status, r]) => `<details><summary>${status} ${esc(r.description)}${r.content ? ` — ${esc(Object.keys(r.content).join(', '))}` : ''}</summary>${Object.values(r.content ?? {}).map((c) => (c.schema ? pre(c.schema) : '')).join('')}</details>`).join('');
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  return `<section id="${id}"><h2><span class="m">${method.toUpperCase()}</span> <code>${esc(path)}</code></h2><p>${esc(op.summary)}. ${esc(op.description)}</p>${params}${body}<h4>answers</h4>${answers}</section>`;
}

function page(doc: ReturnType<typeof openApiDocument>): string {
  const info = doc.info as { title: string; version: string };
  const ops = Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => [m, path, op] as const));
  const toc = ops.map(([m, p]) => `<li><a href="#${`${m}-${p}`.replace(/[^a-z0-9]+/gi, '-')}">${m.toUpperCase()} ${esc(p)}</a></li>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#111}h2{font-size:1.1rem;border-top:1px solid #ccc;padding-top:1rem}.m{background:#1f3a5f;color:#fff;padding:0 .4rem;border-radius:3px}pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;font-size:13px}</style></head>
<body><main><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>OpenAPI 3.1: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. Credentials: <code>Authorization: Bearer hz_…</code> or the <code>hz_session</code> cookie.</p><nav><ul>${toc}</ul></nav>${ops.map(([m, p, op]) => section(m, p, op)).join('')}</main></body></html>`;
}

export function openApiRouter(version: string): Router {
  const doc = openApiDocument(version);
  const html = page(doc);
  const r = Router();
  r.get('/api/v1/openapi.json', (_req, res) => void res.json(doc));
  r.get('/api/v1/docs', (_req, res) => void res.type('html').send(html));
  return r;
}
