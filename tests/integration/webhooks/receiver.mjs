// receiver.mjs - a webhook receiver for tests/integration/test_level5_hub.py.
//
// Listens on 127.0.0.1 (port 0 = any; the first stdout line is {"port": N}).
// Every POST is checked with the official Standard Webhooks library
// (npm standardwebhooks) against each secret configured for its path; what
// came in and whether it verified is kept for GET /_log. How a path answers
// is set with POST /_config {path, secrets, fail, status, retry_after}:
// the first `fail` deliveries get `status` (500 by default; 429/503 with
// Retry-After `retry_after`), later ones 204; status 410 answers 410 always.
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const config = new Map();   // path -> {secrets, fail, status, retry_after, seen}
const log = [];

function verify(secret, body, headers) {
  try {
    new Webhook(secret).verify(body, {
      'webhook-id': headers['webhook-id'] ?? '',
      'webhook-timestamp': headers['webhook-timestamp'] ?? '',
      'webhook-signature': headers['webhook-signature'] ?? '',
    });
    return null;
  } catch (e) {
    return String(e.message || e);
  }
}

function answer(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url;
    if (path === '/_config' && req.method === 'POST') {
      const c = JSON.parse(raw);
      config.set(c.path, { secrets: c.secrets || [], fail: c.fail || 0, status: c.status || 500,
        retry_after: c.retry_after, seen: 0 });
      return answer(res, 200, { ok: true });
    }
    if (path === '/_log') return answer(res, 200, log);
    const c = config.get(path) || { secrets: [], fail: 0, status: 500, seen: 0 };
    c.seen += 1;
    const errors = c.secrets.map((s) => verify(s, raw, req.headers));
    let body = null;
    try { body = JSON.parse(raw); } catch { /* recorded as null */ }
    log.push({ path, at: Date.now(), id: req.headers['webhook-id'], timestamp: req.headers['webhook-timestamp'],
      signature: req.headers['webhook-signature'], errors, verified: errors.length > 0 && errors.every((e) => e === null),
      body, n: c.seen });
    if (c.status === 410) return answer(res, 410, { gone: true });
    if (c.seen <= c.fail) {
      const h = c.retry_after !== undefined ? { 'retry-after': String(c.retry_after) } : {};
      return answer(res, c.status, { failing: c.seen }, h);
    }
    return answer(res, 204);
  });
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
