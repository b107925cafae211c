// The PostgreSQL replica and failover drill of the operations issue, on a stack of its own:
//   1. `scripts/dev replica-up` clones the primary (pg_basebackup -R); report GETs are then
//      answered from the replica (the request log says "db":"replica") with the same figures;
//   2. a replica that lags more than ZOE_REPLICA_MAX_LAG_MS (3 s here; replay paused) is passed over:
//      a review written a moment ago is in the next report, read from the primary;
//   3. replica lag is sampled from pg_stat_replication under a steady beacon load;
//   4. under mixed load (beacons, reads, writes with an Idempotency-Key that a client
//      repeats until it gets through) `scripts/dev failover` stops the primary, promotes the
//      replica, points the pool at it by a reload, and the old primary rejoins with
//      pg_rewind. Every acknowledged write is stored, none twice;
//   5. under the same load `failover --crash` twice: every process of the primary SIGKILLed,
//      the replica promoted, the old primary rewound and streaming again (checked by the
//      script), then the same back. Writes acknowledged in the moment before a crash may be
//      lost (asynchronous replication), anything acknowledged 2 s before it or after it may not;
//      each failover starts a new timeline;
//   6. then the replica dies (SIGKILL): reads fall back to the primary.
// Figures go to $ZOE_ARTIFACTS/replica-drill.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV, ARTIFACTS, sleep, dev, devAsync, call, p99 } from './drill.mjs';

const PORT = Number(process.env.ZOE_REPLICA_DRILL_PORT || 18794);
const BASE = `http://127.0.0.1:${PORT}`;
const REPORT = `${BASE}/api/level2/social-proof/report`;

test('a streaming replica answers reads within its lag bound; failover and rejoin lose no acknowledged write; a crash failover rejoins and switches back', { timeout: 900_000 }, async (t) => {
  const varDir = mkdtempSync(join(tmpdir(), 'zoe-replica-'));
  chmodSync(varDir, 0o755);                       // the cluster's owner must reach it
  const env = { ...process.env, ZOE_VAR: varDir, ZOE_PORT: String(PORT), ZOE_NO_DASHBOARD: '1', ZOE_BENCH: '1',
    ZOE_REPLICA_MAX_LAG_MS: '3000' };
  delete env.DATABASE_URL;
  t.after(() => {
    spawnSync(DEV, ['down'], { env });
    rmSync(varDir, { recursive: true, force: true });
  });
  dev(env, 'up');
  const out = dev(env, 'replica-up');
  assert.match(out, /replica streaming from/, out);
  const conn = () => execFileSync('bash', ['-c', `. "${varDir}/stack.env"; printf %s "$DATABASE_URL"`], { encoding: 'utf8' });
  const sql = (q, c = conn()) => execFileSync('psql', [c, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' }).trim();
  const replicaConn = () => readFileSync(join(varDir, 'db.env'), 'utf8').match(/ZOE_DATABASE_URL_RO='([^']*)'/)[1];
  assert.equal(sql('SELECT pg_is_in_recovery()', replicaConn()), 't');

  const login = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@zoe-solar.de', password: readFileSync(join(varDir, 'admin.password'), 'utf8').trim() }),
  });
  assert.equal(login.status, 200);
  const token = (await login.json()).access_token;
  const auth = { Authorization: `Bearer ${token}` };
  const zoeLog = () => readFileSync(join(varDir, 'log/zoe.log'), 'utf8').split('\n').filter((l) => l.includes('"method":"GET"'));
  const report = async () => {
    const res = await fetch(REPORT, { headers: auth });
    assert.equal(res.status, 200);
    return (await res.json()).overall.count;
  };
  const run = `r${Date.now().toString(36)}`;
  let n = 0;
  const review = (id) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth, 'Idempotency-Key': `drill-${id}` },
    body: JSON.stringify({ source: 'google', external_id: id, rating: 5, author: 'Drill', text: 'Sehr gute Beratung', lang: 'de',
      published_at: new Date().toISOString() }),
  });

  // 1. reads from the replica, the same figures as the primary's; the login was a write, and
  //    this host reads its own writes: the replica first replays it (WAL flushed within 200 ms)
  //    A cached answer is checked against a stamp read on the primary and counts as the
  //    replica's only while the replica has replayed the primary's latest WAL; with the job
  //    runner writing, that holds most of the time but not always: up to three rounds.
  let counts, gets, fromReplica = 0;
  for (let round = 0; round < 3 && fromReplica < 5; round++) {
    await sleep(1000);
    const before = zoeLog().length;
    counts = [];
    for (let i = 0; i < 10; i++) counts.push(await report());
    await sleep(300);
    gets = zoeLog().slice(before);
    fromReplica = gets.filter((l) => l.includes('"db":"replica"')).length;
  }
  assert.ok(fromReplica >= 5, `report GETs answered from the replica: ${fromReplica} of 10:\n${gets.join('\n')}\n`
    + readFileSync(join(varDir, 'log/zoe.log'), 'utf8').split('\n').filter((l) => /reads go|replica/.test(l) && !l.includes('"method"')).join('\n'));
  assert.equal(new Set(counts).size, 1, `the same count every time: ${counts}`);
  assert.ok(counts[0] > 0);
  assert.equal(sql('SELECT count(*) FROM reviews', replicaConn()), sql('SELECT count(*) FROM reviews'), 'the replica holds what the primary holds');

  // 2. a replica lagging beyond the bound is passed over: read-your-write from the primary
  sql('SELECT pg_wal_replay_pause()', replicaConn());
  const w1 = await fetch(`${BASE}/api/level2/social-proof/integrate`, review(`${run}-lag`));
  assert.equal(w1.status, 200);
  await sleep(5000);                              // past the 3000 ms bound and the 1 s check
  const mark = zoeLog().length;
  assert.equal(await report(), counts[0] + 1, 'the new review is counted although the replica has not replayed it');
  await sleep(200);
  const lagged = zoeLog().slice(mark);
  assert.ok(lagged.length >= 1 && lagged.every((l) => !l.includes('"db":"replica"')), `answered by the primary: ${lagged}`);
  sql('SELECT pg_wal_replay_resume()', replicaConn());

  // 3. replica lag under a steady beacon load
  let stop = false;
  t.after(() => { stop = true; });                // a failed step must not leave the load running
  let phase = 'load';
  const now = () => phase;
  const log = [];
  const accepted = new Map();      // path -> when it was accepted
  const beaconLoop = async (loop) => {
    for (let k = 0; !stop; k++) {
      const path = `/replica/${run}/${loop}-${k}`;
      const s = await call(log, 'beacon', now, `${BASE}/api/level2/ux-signals/track`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://zoe-solar.de', 'X-Site-Key': 'site_demo_zoe_solar',
          'User-Agent': `Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 replica-${loop}` },
        body: JSON.stringify({ type: 'pageview', url: path }),
      });
      if (s === 202) accepted.set(path, Date.now());
      await sleep(5);
    }
  };
  const beacons = [0, 1, 2, 3].map(beaconLoop);
  const lagMs = [];
  const lagBytes = [];
  for (let i = 0; i < 30; i++) {
    await sleep(250);
    const [ms, bytes] = sql(`SELECT coalesce(extract(epoch FROM replay_lag) * 1000, 0), `
      + `pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication`).split('|').map(Number);
    lagMs.push(ms); lagBytes.push(bytes);
  }
  const loadBeacons = log.length;

  // 4. failover under load
  const written = new Map();       // id -> when it was acknowledged
  const gaveUp = [];
  const readLoop = async () => {
    while (!stop) {
      await call(log, 'read', now, REPORT, { headers: auth });
      await sleep(20);
    }
  };
  const writeLoop = async () => {
    while (!stop) {
      const id = `${run}-${n++}`;
      let ok = false;
      for (let attempt = 0; attempt < 100 && !ok; attempt++) {     // a careful client: the same key until it lands
        if (attempt) await sleep(300);
        ok = (await call(log, 'write', now, `${BASE}/api/level2/social-proof/integrate`, review(id))) === 200;
      }
      if (ok) written.set(id, Date.now()); else gaveUp.push(id);
      await sleep(20);
    }
  };
  const loops = [readLoop(), writeLoop(), writeLoop()];
  await sleep(2000);
  const primaryDir = () => (existsSync(join(varDir, 'pg.primary')) ? readFileSync(join(varDir, 'pg.primary'), 'utf8').trim() : 'pg');
  const timeline = () => Number(sql('SELECT timeline_id FROM pg_control_checkpoint()'));
  const timelines = [timeline()];
  phase = 'failover';
  const fo = await devAsync(env, 'failover');
  assert.match(fo, /failover done/, fo);
  assert.equal(primaryDir(), 'replica', 'the replica is the primary now');
  timelines.push(timeline());
  await sleep(2000);
  phase = 'after';
  await sleep(4000);

  // 5. crash failover and back, under the same load
  const crashT0 = Date.now();
  phase = 'crash';
  const crash = [];
  for (const expect of ['pg', 'replica']) {
    const out = await devAsync(env, 'failover', '--crash');
    assert.match(out, /failover done in \d+ ms: .*streaming after \d+s/, out);
    assert.equal(primaryDir(), expect, `the primary is ${expect} after a crash failover:\n${out}`);
    assert.equal(sql('SELECT pg_is_in_recovery()', replicaConn()), 't', `the old primary streams again as the replica:\n${out}`);
    timelines.push(timeline());
    crash.push(...out.trim().split('\n').filter((l) => /after|done/.test(l)));
    await sleep(1000);
  }
  const crashT1 = Date.now();
  phase = 'after-crash';
  await sleep(3000);
  stop = true;
  await Promise.all([...beacons, ...loops]);

  assert.equal(sql('SELECT pg_is_in_recovery()'), 'f', 'the pool writes to a primary');
  assert.equal(sql('SELECT pg_is_in_recovery()', replicaConn()), 't', 'the old primary streams again as the replica');
  assert.deepEqual(gaveUp, [], 'every write got through in the end');
  const stored = new Set(sql(`SELECT external_id FROM reviews WHERE external_id LIKE '${run}-%'`).split('\n').filter(Boolean));
  const dup = Number(sql(`SELECT count(*) - count(DISTINCT external_id) FROM reviews WHERE external_id LIKE '${run}-%'`));
  assert.equal(dup, 0, 'no write is stored twice');
  const lost = [...written].filter(([id]) => !stored.has(id));
  assert.deepEqual(lost.filter(([, t]) => t < crashT0 - 2000), [], 'a clean failover loses no acknowledged write');
  assert.deepEqual(lost.filter(([, t]) => t > crashT1), [], 'nothing acknowledged after the crash failovers is lost');
  assert.deepEqual(timelines, [1, 2, 3, 4].map((k) => timelines[0] + k - 1), 'each failover starts the next timeline');
  const storedBeacons = new Set(sql(`SELECT path FROM events WHERE path LIKE '/replica/${run}/%'`).split('\n').filter(Boolean));
  const lostBeacons = [...accepted].filter(([p]) => !storedBeacons.has(p));

  const classes = {};
  for (const kind of ['beacon', 'read', 'write']) {
    const all = log.filter((r) => r.kind === kind);
    const good = (r) => (kind === 'beacon' ? r.status === 202 : r.status === 200);
    const byPhase = {};
    for (const ph of ['load', 'failover', 'after', 'crash', 'after-crash']) {
      const rs = all.filter((r) => r.phase === ph);
      byPhase[ph] = { requests: rs.length, failed: rs.filter((r) => !good(r)).length, p99_ms: p99(rs.map((r) => r.ms)) };
    }
    classes[kind] = { requests: all.length, availability: all.length ? all.filter(good).length / all.length : null, phases: byPhase };
    assert.equal(byPhase.after.failed, 0, `${kind}: nothing fails once the failover is done`);
    assert.equal(byPhase['after-crash'].failed, 0, `${kind}: nothing fails once the crash failovers are done`);
  }
  assert.ok(loadBeacons > 100, `the load ran (${loadBeacons} beacons)`);

  // 6. the replica dies: reads go on from the primary
  // after the failover the old primary's folder holds the replica
  const swapped = existsSync(join(varDir, 'pg.primary')) && readFileSync(join(varDir, 'pg.primary'), 'utf8').trim() === 'replica';
  const rdata = join(varDir, swapped ? 'pg' : 'pg-replica');
  const rpid = Number(readFileSync(join(rdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(rpid, 'SIGKILL');
  await sleep(500);
  for (let i = 0; i < 10; i++) assert.equal((await fetch(REPORT, { headers: auth })).status, 200, 'reads are answered while the replica is down');


  const sorted = [...lagMs].sort((a, b) => a - b);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'replica-drill.json'), JSON.stringify({
    reads_from_replica: `${fromReplica}/10`,
    replica_lag_under_load: { samples: lagMs.length, beacons: loadBeacons, median_ms: sorted[Math.floor(sorted.length / 2)],
      max_ms: sorted[sorted.length - 1], max_bytes: Math.max(...lagBytes) },
    failover: fo.trim().split('\n').filter((l) => /after|done/.test(l)),
    crash_failover: crash, timelines,
    writes: written.size, lost: lost.length,
    lost_in_crash_window: lost.filter(([, t]) => t >= crashT0 - 2000 && t <= crashT1).length,
    beacons_accepted: accepted.size, beacons_lost: lostBeacons.length,
    beacons_lost_in_crash_window: lostBeacons.filter(([, t]) => t >= crashT0 - 2000 && t <= crashT1).length, classes,
  }, null, 2));
});
