// What the operations drills share: scripts/dev as a child process, one timed request
// recorded into a log, the p99 of a list of milliseconds.
import assert from 'node:assert/strict';
import { spawnSync, execFile } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEV = join(ROOT, 'scripts/dev');
export const ARTIFACTS = process.env.ZOE_ARTIFACTS || join(ROOT, 'var/artifacts');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `scripts/dev args…` with env; fails the test when it fails; its stdout. */
export function dev(env, ...args) {
  const r = spawnSync(DEV, args, { env, encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `scripts/dev ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The same without blocking: load loops keep running while it works. */
export function devAsync(env, ...args) {
  return new Promise((resolve) => {
    execFile(DEV, args, { env, encoding: 'utf8', timeout: 600_000 }, (err, stdout, stderr) => {
      assert.equal(err, null, `scripts/dev ${args.join(' ')}:\n${stdout}\n${stderr}`);
      resolve(stdout);
    });
  });
}

/** One request; its class, phase, status (0: no answer) and milliseconds go to `log`. */
export async function call(log, kind, phase, url, init) {
  const t0 = performance.now();
  let status = 0;
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    status = res.status;
  } catch { /* connection reset: no answer */ }
  log.push({ kind, phase: phase(), status, ms: performance.now() - t0 });
  return status;
}

export function p99(xs) {
  if (!xs.length) return null;
  const v = [...xs].sort((a, b) => a - b);
  return Math.round(v[Math.min(v.length - 1, Math.ceil(0.99 * v.length) - 1)] * 10) / 10;
}
