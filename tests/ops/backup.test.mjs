// The backup drill of the operations issue, on a cluster of its own: the platform's schema
// and rows written in steps, `scripts/dev backup` (pgBackRest full backup with WAL archiving),
// more rows, a timestamp noted, more rows, a table dropped by mistake; then
// `scripts/dev restore --to <timestamp>` into a fresh cluster must hold every row written
// before the timestamp and none after, and the dropped table. Backup size and the time to
// back up and to restore go to $ZOE_ARTIFACTS/backup-drill.json (RPO/RTO on this machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DEV = join(ROOT, 'scripts/dev');
const ZOE_BIN = process.env.ZOE_BIN || join(ROOT, 'build/zoe');
const ARTIFACTS = process.env.ZOE_ARTIFACTS || join(ROOT, 'var/artifacts');

function dev(env, ...args) {
  const t0 = Date.now();
  const r = spawnSync(DEV, args, { env, encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `scripts/dev ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return { out: r.stdout, seconds: (Date.now() - t0) / 1000 };
}

const sql = (conn, q) => execFileSync('psql', [conn, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' }).trim();

test('backup and point-in-time restore: every row before the moment, none after, the dropped table back', { timeout: 900_000 }, async (t) => {
  const varDir = mkdtempSync(join(tmpdir(), 'zoe-drill-'));
  chmodSync(varDir, 0o755);                       // the cluster's owner must reach it
  const env = { ...process.env, ZOE_VAR: varDir };
  delete env.DATABASE_URL;
  const conn = `host=${varDir}/pgrun dbname=zoe user=zoe`;
  t.after(() => {
    spawnSync('sh', ['-c', `pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1); ` +
      `runuser -u zoe -- "$pg_ctl" -D ${varDir}/restored/pg -m immediate stop || "$pg_ctl" -D ${varDir}/restored/pg -m immediate stop`]);
    spawnSync(DEV, ['pg-down'], { env });
    rmSync(varDir, { recursive: true, force: true });
  });

  dev(env, 'pg-up');
  execFileSync(ZOE_BIN, ['migrate'], { env: { ...env, DATABASE_URL: conn }, stdio: 'pipe' });
  const tables = sql(conn, "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public'");
  assert.match(tables, /events/, 'the platform schema is there');
  sql(conn, 'create table drill (id int primary key, at timestamptz not null default clock_timestamp())');
  const write = (from, to) => { for (let i = from; i <= to; i += 100) sql(conn, `insert into drill (id) select generate_series(${i}, ${Math.min(i + 99, to)})`); };
  write(1, 1000);

  const backup = dev(env, 'backup');
  assert.match(backup.out, /full backup: \d{8}-\d{6}F/, 'a full backup is listed');
  const size = Number(execFileSync('du', ['-sb', join(varDir, 'backup/repo')], { encoding: 'utf8' }).split('\t')[0]);

  write(1001, 1500);                              // after the backup, only in the WAL
  await new Promise((r) => setTimeout(r, 1100));
  const moment = sql(conn, 'select clock_timestamp()');
  await new Promise((r) => setTimeout(r, 1100));
  write(1501, 1700);
  sql(conn, 'drop table drill');                  // the mistake
  // the segment holding the moment reaches the archive (archive_timeout does it within 60 s)
  const seg = sql(conn, 'select pg_walfile_name(pg_switch_wal())');
  for (let i = 0; i < 120 && sql(conn, 'select coalesce(last_archived_wal, \'\') from pg_stat_archiver') < seg; i++) {
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(sql(conn, "select coalesce(last_archived_wal, '') from pg_stat_archiver") >= seg, 'WAL archived');

  const restore = dev(env, 'restore', '--to', moment);
  const restored = `host=${varDir}/restored/run dbname=zoe user=zoe`;
  assert.equal(sql(restored, 'select count(*) || \' \' || min(id) || \' \' || max(id) from drill'), '1500 1 1500',
    'rows 1–1500 (written before the moment) and none of 1501–1700');
  assert.equal(sql(restored, `select count(*) from drill where at > '${moment}'`), '0');
  assert.equal(sql(restored, "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public' and tablename <> 'drill'"),
    tables, 'every table of the platform is back');
  assert.equal(sql(conn, "select count(*) from pg_tables where tablename = 'drill'"), '0', 'the running cluster was not touched');

  const dbBytes = Number(sql(restored, "select pg_database_size('zoe')"));
  const figures = { backup_seconds: backup.seconds, restore_seconds: restore.seconds, repo_bytes: size, database_bytes: dbBytes };
  t.diagnostic(`backup ${backup.seconds.toFixed(1)} s, repository ${(size / 1048576).toFixed(1)} MiB for a ${(dbBytes / 1048576).toFixed(1)} MiB database, restore to a moment ${restore.seconds.toFixed(1)} s`);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'backup-drill.json'), JSON.stringify(figures, null, 2));
});
