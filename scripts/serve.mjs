// `npm run serve`: a static server on 127.0.0.1 for the pages in web/.
// Everything is served with COOP/COEP (cross-origin isolation: SharedArrayBuffer, threads);
// the same files under /plain/ come without them (the single-thread fallback).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.params': 'application/octet-stream', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.map': 'application/json',
};

/** Starts the server; resolves to {server, url}. */
export function serve(port = 8080, host = '127.0.0.1') {
  const server = createServer(async (req, res) => {
    try {
      let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const plain = path.startsWith('/plain/');
      if (plain) path = path.slice('/plain'.length);
      // The landing page is /web/index.html: redirect (not serve it at /) so its relative links and assets resolve.
      if (path === '/' || path === '' || path === '/web' || path === '/web/') {
        res.writeHead(302, { location: `${plain ? '/plain' : ''}/web/index.html` }).end(); return;
      }
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(root, path));
      if (!file.startsWith(root) || /[\\/]\.(git|ci)[\\/]/.test(file)) { res.writeHead(403).end('forbidden'); return; }
      const st = await stat(file).catch(() => undefined);
      if ((!st || !st.isFile()) && path.startsWith('/docs/api/')) {
        // `npm run serve` builds it first; `node scripts/serve.mjs` alone may not have.
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
          .end('<!doctype html><title>API reference</title><p>The API reference is not built yet: run <code>npm run docs</code> (or start the server with <code>npm run serve</code>), then reload.</p>');
        return;
      }
      if (!st || !st.isFile()) { res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`); return; }
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (!plain) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' });
      res.writeHead(200, headers).end(await readFile(file));
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => {
    const a = server.address();
    resolve({ server, url: `http://${host}:${typeof a === 'object' && a ? a.port : port}` });
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.env.PORT ?? process.argv[2] ?? 8080);
  const { url } = await serve(port);
  console.log(`mxwasm pages (cross-origin isolated, threads): ${url}/web/index.html`);
  console.log(`single-thread fallback (no COOP/COEP):       ${url}/plain/web/index.html`);
  console.log(`API reference (npm run docs):                 ${url}/docs/api/index.html`);
}
