// contract.test.mjs - the OpenAPI description against the running stack.
//
// Fetches /api/openapi.json, then for every operation sends its documented
// example request and validates the actual reply against the documented
// schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), for success and for
// every error class the description lists and a client can provoke: 400,
// 401, 403, 413, 415, 422, 501. Environment: ZOE_URL, ZOE_VAR, ZOE_BIN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const URL_ = process.env.ZOE_URL || 'http://127.0.0.1:8080';
const VAR = process.env.ZOE_VAR || join(here, '..', '..', 'var');
const BIN = process.env.ZOE_BIN || join(here, '..', '..', 'build', 'zoe');
const SITE = { 'X-Site-Key': 'site_demo_zoe_solar', Origin: 'https://zoe-solar.de' };
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

let doc, ajv, admin, viewer;
let hub = { id: 1, event: 1 };  // the hub routes' webhook endpoint and an event (before())
const covered = new Map();      // "GET /path" -> Set of statuses checked
const compiled = new Map();     // schema reference -> ajv validator

async function call(method, path, { token, headers = {}, body, raw, ctype } = {}) {
  const h = { 'User-Agent': BROWSER, ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let data;
  if (raw !== undefined) data = raw;
  else if (body !== undefined) data = JSON.stringify(body);
  if (data !== undefined) h['Content-Type'] = ctype || 'application/json';
  const res = await fetch(URL_ + path, { method, headers: h, body: data });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.status, ctype: res.headers.get('content-type') || '', text, json };
}

async function login(email, password) {
  const r = await call('POST', '/api/auth/login', { body: { email, password } });
  assert.equal(r.status, 200, `login of ${email}: ${r.text}`);
  return r.json;
}

function addUser(role) {
  const email = `contract-${role}-${randomBytes(3).toString('hex')}@example.org`;
  const password = 'pw-' + randomBytes(8).toString('hex');
  const script = '. "$ZOE_VAR/stack.env"; export DATABASE_URL; exec "$ZOE_BIN" user add --email "$1" --role "$2" --password "$3" --update';
  execFileSync('bash', ['-c', script, 'bash', email, role, password],
    { env: { ...process.env, ZOE_VAR: VAR, ZOE_BIN: BIN }, stdio: 'pipe' });
  return { email, password };
}

const pointer = (...parts) => parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

// Validates `reply` against the response the description documents for it.
function conforms(op, reply) {
  const key = `${op.method.toUpperCase()} ${op.path}`;
  const responses = op.op.responses;
  const documented = responses[String(reply.status)];
  assert.ok(documented, `${key}: status ${reply.status} is not documented (${reply.text.slice(0, 200)})`);
  if (!covered.has(key)) covered.set(key, new Set());
  covered.get(key).add(reply.status);
  const resolved = documented.$ref ? doc.components.responses[documented.$ref.split('/').pop()] : documented;
  const media = Object.keys(resolved.content || {});
  if (media.length === 0) {
    assert.equal(reply.text, '', `${key}: ${reply.status} documents no body`);
    return;
  }
  const type = reply.ctype.split(';')[0].trim();
  assert.ok(media.includes(type), `${key} ${reply.status}: content type ${type} not in ${media}`);
  if (!type.endsWith('json')) return;
  const base = documented.$ref
    ? `openapi#/${pointer('components', 'responses', documented.$ref.split('/').pop())}`
    : `openapi#/${pointer('paths', op.path, op.method, 'responses', reply.status)}`;
  const ref = `${base}/${pointer('content', type, 'schema')}`;
  if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: ref }));
  const validate = compiled.get(ref);
  assert.ok(validate(reply.json), `${key} ${reply.status}: ${ajv.errorsText(validate.errors)}\n${reply.text.slice(0, 300)}`);
}

function operations() {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) out.push({ path, method, op });
  return out;
}

const has = (op, status) => Object.hasOwn(op.op.responses, String(status));
const schemes = (op) => (op.op.security || []).flatMap((s) => Object.keys(s));
const concrete = (path) => path.replace(/\{[^}]+\}/g, path.startsWith('/api/level5/hub/') ? String(hub.id) : '1');
const example = (op) => op.op.requestBody?.content?.['application/json']?.example;

// The credentials a caller of this operation needs.
function creds(op) {
  const s = schemes(op);
  if (s.includes('bearer')) return { token: admin.access_token };
  if (s.includes('siteKey')) return { headers: SITE };
  return {};
}

// The example request, with what an example cannot know filled in.
function exampleRequest(op) {
  const key = `${op.method.toUpperCase()} ${op.path}`;
  const special = {
    'POST /api/auth/login': () => ({ body: { email: 'admin@zoe-solar.de', password: readFileSync(join(VAR, 'admin.password'), 'utf8').trim() } }),
    'POST /api/auth/refresh': () => ({ body: { refresh_token: admin.refresh_token } }),
    'GET /api/level5/analytics/funnel': () => ({ query: { steps: '/,/produkte/*,goal:lead' } }),
    // the demo site's days with a forecast: the chosen models and their holdout errors
    'GET /api/level5/analytics/timeseries': () => ({ query: { site: 'zoe-solar.de', forecast: '7' } }),
    // a receiver the stack may reach (ZOE_OUTBOUND_ALLOW of scripts/dev test); nothing listens
    'POST /api/level5/hub/webhooks': () => ({ body: { url: 'http://127.0.0.1:9/contract', types: ['hub.test'] } }),
    'POST /api/level5/hub/webhooks/{id}/replay': () => ({ body: { from_event: hub.event } }),
    // any version of draft 1 (the one the generate example made), its text whole, approved
    'PATCH /api/level5/content/drafts/{id}': () => ({ headers: { 'If-Match': '*' }, body: {
      title: 'Photovoltaik in Köln', meta: 'Photovoltaik in Köln: Planung und Montage.',
      body: 'Photovoltaik in Köln: Planung und Montage.\n## Beratung\nWir beraten Sie gern.',
      status: 'approved' } }),
  };
  const req = { ...creds(op), ...(special[key] ? special[key]() : {}) };
  if (req.body === undefined && example(op) !== undefined) req.body = example(op);
  if (req.body === undefined && op.method !== 'get' && op.method !== 'delete') req.body = {};
  return req;
}

// A body that breaks every documented field's type.
function invalidBody(op) {
  let schema = op.op.requestBody.content['application/json'].schema;
  if (schema.oneOf) schema = schema.oneOf[0];
  if (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
  if (schema.oneOf) schema = schema.oneOf[0];
  const wrong = { string: 12345, integer: 'x', number: 'x', boolean: 'x', array: 'x', object: 'x' };
  const body = {};
  for (const [name, s] of Object.entries(schema.properties || {})) body[name] = wrong[s.type] ?? 12345;
  return body;
}

before(async () => {
  const r = await call('GET', '/api/openapi.json');
  assert.equal(r.status, 200);
  doc = r.json;
  writeFileSync(join(here, 'openapi.json'), JSON.stringify(doc, null, 1));
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');
  admin = await login('admin@zoe-solar.de', readFileSync(join(VAR, 'admin.password'), 'utf8').trim());
  const v = addUser('viewer');
  viewer = await login(v.email, v.password);
  const ep = await call('POST', '/api/level5/hub/webhooks', { token: admin.access_token,
    body: { url: 'http://127.0.0.1:9/contract', types: ['hub.test'] } });
  const ev = await call('POST', '/api/level5/hub/test-event', { token: admin.access_token, body: {} });
  assert.equal(ep.status, 201, `the hub routes' webhook endpoint: ${ep.text}`);
  assert.equal(ev.status, 202, `the hub routes' event: ${ev.text}`);
  hub = { id: ep.json.id, event: ev.json.event_id };
});

after(() => {
  const ops = operations().length;
  const checks = [...covered.values()].reduce((n, s) => n + s.size, 0);
  console.log(`# contract: ${covered.size} of ${ops} operations called, ${checks} (operation, status) pairs validated`);
});

test('every operation has an operationId, a tag and a 4xx or 5xx problem response', () => {
  const ids = new Set();
  for (const op of operations()) {
    assert.ok(op.op.operationId && !ids.has(op.op.operationId), `${op.path}: operationId`);
    ids.add(op.op.operationId);
    assert.ok(op.op.tags?.length, `${op.path}: tags`);
    assert.ok(Object.keys(op.op.responses).some((s) => s >= '400'), `${op.path}: no error response`);
  }
  assert.ok(doc.servers?.[0]?.url && doc.info.license && doc.info.contact);
});

test('every built operation documents its success body with a schema of its own', () => {
  for (const op of operations()) {
    if (has(op, 501)) continue;
    const ok = Object.entries(op.op.responses).find(([s]) => s < '300');
    assert.ok(ok, `${op.path}: no 2xx`);
    const content = ok[1].content;
    if (ok[0] === '204') continue;
    const schema = Object.values(content)[0].schema;
    assert.ok(schema.description, `${op.method} ${op.path}: reply schema missing in handlers/schemas/`);
  }
});

test('the documented example request of every operation gets a documented reply', async () => {
  const logout = operations().find((o) => o.path === '/api/auth/logout');
  let created;                          // the endpoint the subscribe example made
  for (const op of operations()) {
    if (op === logout) continue;        // revokes the session: last
    const req = exampleRequest(op);
    const qs = req.query ? '?' + new URLSearchParams(req.query) : '';
    // the delete example removes the endpoint the subscribe example made, not the
    // one the rotate and replay examples still need
    const path = op.method === 'delete' && op.path === '/api/level5/hub/webhooks/{id}' && created
      ? `/api/level5/hub/webhooks/${created}` : concrete(op.path);
    const r = await call(op.method.toUpperCase(), path + qs, req);
    if (op.method === 'post' && op.path === '/api/level5/hub/webhooks' && r.status === 201) created = r.json.id;
    conforms(op, r);
    assert.equal(r.status, has(op, 501) ? 501 : Number(Object.keys(op.op.responses).find((s) => s < '300')),
      `${op.method} ${op.path}: ${r.text.slice(0, 300)}`);
  }
  const fresh = await login('admin@zoe-solar.de', readFileSync(join(VAR, 'admin.password'), 'utf8').trim());
  conforms(logout, await call('POST', '/api/auth/logout', { token: fresh.access_token }));
});

test('a bad token or key (none for the tracker): 401 wherever the description says so', async () => {
  for (const op of operations().filter((o) => has(o, 401))) {
    const s = schemes(op);
    const bad = s.includes('bearer') ? { token: 'not-a-jwt' }
      : s.includes('apiKey') ? { headers: { 'X-Api-Key': 'zk_not_a_key' } } : {};
    const r = await call(op.method.toUpperCase(), concrete(op.path), { ...bad, body: op.method === 'get' ? undefined : example(op) ?? {} });
    assert.equal(r.status, 401, `${op.method} ${op.path}`);
    conforms(op, r);
  }
});

test('a role too low or a foreign Origin: 403 wherever the description says so', async () => {
  for (const op of operations().filter((o) => has(o, 403))) {
    const s = schemes(op);
    const req = s.includes('bearer') ? { token: viewer.access_token }
      : { headers: { ...SITE, Origin: 'https://evil.example' } };
    const r = await call(op.method.toUpperCase(), concrete(op.path), { ...req, body: op.method === 'get' ? undefined : example(op) ?? {} });
    assert.equal(r.status, 403, `${op.method} ${op.path}: ${r.text}`);
    conforms(op, r);
  }
});

test('malformed JSON 400, wrong Content-Type 415, wrong types 422 on every JSON body', async () => {
  for (const op of operations().filter((o) => has(o, 415))) {
    const method = op.method.toUpperCase(), path = concrete(op.path), c = creds(op);
    let r = await call(method, path, { ...c, raw: '{"broken": ' });
    assert.equal(r.status, 400, `${method} ${path}`);
    conforms(op, r);
    r = await call(method, path, { ...c, raw: JSON.stringify(example(op) ?? {}), ctype: 'application/xml' });
    assert.equal(r.status, 415, `${method} ${path}`);
    conforms(op, r);
    r = await call(method, path, { ...c, body: invalidBody(op) });
    assert.equal(r.status, 422, `${method} ${path}: ${r.text}`);
    conforms(op, r);
    assert.ok(r.json.errors.length > 0);
  }
});

test('bad query parameters: 422 naming each of them', async () => {
  for (const op of operations().filter((o) => has(o, 422) && !has(o, 415))) {
    const query = (op.op.parameters || []).filter((p) => p.in === 'query');
    if (!query.length) continue;
    const bad = { integer: 'x', number: 'x', boolean: 'x' };
    const qs = query.map((p) => {
      const s = p.schema;
      const v = bad[s.type] ?? (s.enum ? 'no-such-value' : s.format === 'date' ? '31.12.2026' : s.maxLength ? 'x'.repeat(s.maxLength + 1) : null);
      return v === null ? null : [p.name, v];
    }).filter(Boolean);
    const r = await call('GET', concrete(op.path) + '?' + new URLSearchParams(qs), creds(op));
    assert.equal(r.status, 422, `${op.path}: ${r.text}`);
    conforms(op, r);
    const named = new Set(r.json.errors.map((e) => e.field));
    for (const [name] of qs) assert.ok(named.has(name), `${op.path}: ${name} not named in ${r.text}`);
  }
});

test('a body over the limit: 413 wherever the description says so', async () => {
  const big = 'x'.repeat(1024 * 1024 + 1);
  const bigger = 'x'.repeat(3 * 1024 * 1024 + 1);    // competitor snapshots take 3 MiB (2 MiB of HTML)
  for (const op of operations().filter((o) => has(o, 413) && !o.path.includes('multimodal/image'))) {
    const raw = op.path.endsWith('/snapshots') ? bigger : big;
    const r = await call(op.method.toUpperCase(), concrete(op.path), { ...creds(op), raw });
    assert.equal(r.status, 413, `${op.method} ${op.path}`);
    conforms(op, r);
  }
});
