// The load-balancing drill of the operations issue: `scripts/dev up --hosts 3` starts three
// application hosts (each its own pool and job runner, FastCGI over TCP on loopback) behind
// one nginx, sharing PostgreSQL and Redis. Under a steady mixed load (beacons, report reads,
// review writes carrying an Idempotency-Key) one host's whole process group is killed with
// SIGKILL, restarted, and then all three are reloaded one by one (SIGHUP). Then:
//   - every beacon answered 202 is stored, and none twice;
//   - every write is stored exactly once (a client repeats a failed write with its key);
//   - failures are only requests that were in flight on the killed host: at most one per
//     client loop, none at all for reads (nginx repeats a GET on the next host) and none
//     during the rolling reload (workers drain before they go).
// Availability per request class and p99 before/during/after go to
// $ZOE_ARTIFACTS/hosts-drill.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV, ARTIFACTS, sleep, dev, call, p99 } from './drill.mjs';

const PORT = Number(process.env.ZOE_DRILL_PORT || 18790);
const BASE = `http://127.0.0.1:${PORT}`;
const LOOPS = { beacon: 3, read: 2, write: 2 };

test('three hosts: a host killed and restarted, a rolling reload; nothing accepted is lost or doubled', { timeout: 900_000 }, async (t) => {
  const varDir = mkdtempSync(join(tmpdir(), 'zoe-hosts-'));
  chmodSync(varDir, 0o755);                       // the cluster's owner must reach it
  const env = { ...process.env, ZOE_VAR: varDir, ZOE_PORT: String(PORT), ZOE_NO_DASHBOARD: '1', ZOE_BENCH: '1' };
  delete env.DATABASE_URL;
  t.after(() => {
    spawnSync(DEV, ['down'], { env });
    rmSync(varDir, { recursive: true, force: true });
  });
  dev(env, 'up', '--hosts', '3');
  const status = dev(env, 'status');
  for (const i of [1, 2, 3]) assert.match(status, new RegExp(`host ${i}: running`), status);
  const upstreams = readFileSync(join(varDir, 'nginx/upstreams.conf'), 'utf8');
  assert.equal((upstreams.match(/max_fails=1/g) || []).length, 6, upstreams);

  const stackEnv = readFileSync(join(varDir, 'stack.env'), 'utf8');
  const conn = execFileSync('bash', ['-c', `. "${varDir}/stack.env"; printf %s "$DATABASE_URL"`], { encoding: 'utf8' });
  assert.match(stackEnv, /HOSTS=3/);
  const sql = (q) => execFileSync('psql', [conn, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' }).trim();
  const login = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@zoe-solar.de', password: readFileSync(join(varDir, 'admin.password'), 'utf8').trim() }),
  });
  assert.equal(login.status, 200);
  const token = (await login.json()).access_token;

  const run = `d${Date.now().toString(36)}`;
  let phase = 'before';
  const now = () => phase;
  const log = [];
  const accepted = new Set();        // beacon paths answered 202
  const written = new Set();         // review ids whose write succeeded (perhaps on a repeat)
  const gaveUp = [];
  let stop = false;
  let n = 0;

  const beaconLoop = async (loop) => {
    for (let k = 0; !stop; k++) {
      const path = `/drill/${run}/${loop}-${k}`;
      const s = await call(log, 'beacon', now, `${BASE}/api/level2/ux-signals/track`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://zoe-solar.de', 'X-Site-Key': 'site_demo_zoe_solar',
          'User-Agent': `Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 drill-${loop}` },
        body: JSON.stringify({ type: 'pageview', url: path }),
      });
      if (s === 202) accepted.add(path);
      await sleep(10);
    }
  };
  const readLoop = async () => {
    while (!stop) {
      await call(log, 'read', now, `${BASE}/api/level2/ux-signals/metrics?limit=5`, { headers: { Authorization: `Bearer ${token}` } });
      await sleep(20);
    }
  };
  const writeLoop = async () => {
    while (!stop) {
      const id = `${run}-${n++}`;
      const init = {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': `drill-${id}` },
        body: JSON.stringify({ source: 'google', external_id: id, rating: 4, author: 'Drill', text: 'Gute Beratung', lang: 'de',
          published_at: '2026-11-30T10:00:00Z' }),
      };
      let ok = false;
      for (let attempt = 0; attempt < 5 && !ok; attempt++) {      // what a careful client does
        if (attempt) await sleep(200);
        ok = (await call(log, 'write', now, `${BASE}/api/level2/social-proof/integrate`, init)) === 200;
      }
      if (ok) written.add(id); else gaveUp.push(id);
      await sleep(20);
    }
  };
  const loops = [
    ...Array.from({ length: LOOPS.beacon }, (_, i) => beaconLoop(i)),
    ...Array.from({ length: LOOPS.read }, readLoop),
    ...Array.from({ length: LOOPS.write }, writeLoop),
  ];

  await sleep(3000);
  phase = 'kill';
  const pid = readFileSync(join(varDir, 'run/host2.pid'), 'utf8').trim();
  process.kill(-Number(pid), 'SIGKILL');          // host 2's pool and every worker, as a crash
  await sleep(3000);
  dev(env, 'host-up', '2');
  await sleep(2000);
  phase = 'reload';
  const reload = dev(env, 'reload');
  assert.match(reload, /host 1 reloaded[\s\S]*host 2 reloaded[\s\S]*host 3 reloaded/, reload);
  await sleep(2000);
  phase = 'after';
  await sleep(3000);
  stop = true;
  await Promise.all(loops);

  // beacons: each 202 stored once; a beacon that failed may have been stored before its host died
  const stored = sql(`SELECT count(*), count(DISTINCT path) FROM events WHERE path LIKE '/drill/${run}/%'`).split('|').map(Number);
  const storedPaths = new Set(sql(`SELECT path FROM events WHERE path LIKE '/drill/${run}/%'`).split('\n').filter(Boolean));
  const lost = [...accepted].filter((p) => !storedPaths.has(p));
  assert.deepEqual(lost, [], 'every accepted beacon is stored');
  assert.equal(stored[0], stored[1], 'no beacon is stored twice');
  // writes: every one stored exactly once, none given up
  assert.deepEqual(gaveUp, [], 'a repeated write gets through');
  const reviews = sql(`SELECT count(*), count(DISTINCT external_id) FROM reviews WHERE external_id LIKE '${run}-%'`).split('|').map(Number);
  assert.equal(reviews[0], written.size, 'every write is stored');
  assert.equal(reviews[1], reviews[0], 'and none twice');

  const classes = {};
  for (const kind of ['beacon', 'read', 'write']) {
    const all = log.filter((r) => r.kind === kind);
    const good = (r) => (kind === 'beacon' ? r.status === 202 : r.status === 200);
    const byPhase = {};
    for (const ph of ['before', 'kill', 'reload', 'after']) {
      const rs = all.filter((r) => r.phase === ph);
      byPhase[ph] = { requests: rs.length, failed: rs.filter((r) => !good(r)).length, p99_ms: p99(rs.map((r) => r.ms)) };
    }
    const failed = all.filter((r) => !good(r));
    classes[kind] = { requests: all.length, succeeded: all.length - failed.length,
      availability: all.length ? (all.length - failed.length) / all.length : null, phases: byPhase,
      failures: failed.map((r) => `${r.phase}:${r.status}`) };
    assert.ok(all.length > 20, `${kind}: the load ran (${all.length} requests)`);
    assert.equal(byPhase.before.failed + byPhase.after.failed, 0, `${kind}: no failure with all hosts up: ${classes[kind].failures}`);
    assert.equal(byPhase.reload.failed, 0, `${kind}: the rolling reload loses nothing: ${classes[kind].failures}`);
    // only what was in flight on host 2 when it died: one request per client loop at most
    assert.ok(byPhase.kill.failed <= LOOPS[kind], `${kind}: ${byPhase.kill.failed} failures while a host died`);
  }
  assert.equal(classes.read.phases.kill.failed, 0, 'a GET in flight on the dead host is answered by the next');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'hosts-drill.json'), JSON.stringify({
    hosts: 3, beacons_accepted: accepted.size, beacons_stored: stored[0], writes: written.size, classes,
  }, null, 2));
});
