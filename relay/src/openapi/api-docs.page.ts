interface Operation {
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths?: object;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A readable, dependency-free rendering of the OpenAPI document (no scripts: the CSP allows none). */
export function renderApiDocs(document: Document): string {
  // Every path item the generator writes holds operations keyed by method.
  const paths = Object.entries(document.paths ?? {}) as Array<[string, Record<string, Operation>]>;
  const operations = paths.flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const auth = (op.security ?? []).flatMap((s) => Object.keys(s)).join(' or ') || 'none';
      const body = op.requestBody?.content['application/json']?.schema;
      const [status, success] = Object.entries(op.responses).find(([code]) => code !== 'default') ?? ['', undefined];
      const answer = success?.content ? Object.values(success.content)[0]?.schema : undefined;
      return `<section><h3><code>${method.toUpperCase()} ${escape(path)}</code></h3>
<p>${escape(op.summary ?? '')}${op.description ? ` ${escape(op.description)}` : ''}</p><p class="auth">auth: ${escape(auth)} · ${escape(status)}</p>
${body ? `<details><summary>request body</summary><pre>${escape(JSON.stringify(body, null, 2))}</pre></details>` : ''}
${answer ? `<details><summary>response</summary><pre>${escape(JSON.stringify(answer, null, 2))}</pre></details>` : ''}</section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}section{border-top:1px solid #e5e7eb;padding:.4rem 0}h3{margin:.4rem 0;font-size:1rem}.auth{color:#6b7280;font-size:.85rem}pre{background:#f5f6f8;padding:.5rem;overflow:auto}</style></head>
<body><h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1><p>${escape(document.info.description ?? '')}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${operations.join('\n')}</body></html>`;
}
