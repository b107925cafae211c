// bench/lighthouse/run.mjs - Lighthouse (the npm package) against Debian's Chromium on the
// dashboard's overview with a signed-in session, as a desktop and as a phone. Prints the
// performance and accessibility scores and the main timings; asserts nothing.
//
//   cd bench/lighthouse && npm ci && ZOE_URL=http://127.0.0.1:8080 ZOE_VAR=../../var node run.mjs
//
// The session: a persistent Chromium profile is signed in through the form (the refresh
// cookie and the app's session flag stay in the profile), then Lighthouse drives the same
// browser over its debugging port with storage reset off, so it measures the overview a
// returning user sees (the page restores the session from the cookie).
// Goals (issue 9): performance >= 90 desktop and >= 80 mobile, accessibility 100.
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const URL_BASE = (process.env.ZOE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const VAR = resolve(process.env.ZOE_VAR || '../../var');
const CHROMIUM = process.env.ZOE_CHROMIUM || '/usr/bin/chromium';
const PORT = Number(process.env.LH_PORT || 9323);
const password = readFileSync(join(VAR, 'admin.password'), 'utf8').trim();

// Lighthouse's own presets: desktop (no throttling of the CPU beyond 1×, fast network) and
// its default mobile (Moto G Power, 4× CPU slowdown, slow 4G simulated).
const RUNS = [
  ['desktop', { formFactor: 'desktop', screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
    throttling: { rttMs: 40, throughputKbps: 10240, cpuSlowdownMultiplier: 1, requestLatencyMs: 0, downloadThroughputKbps: 0, uploadThroughputKbps: 0 } }],
  ['mobile', { formFactor: 'mobile', screenEmulation: { mobile: true, width: 412, height: 823, deviceScaleFactor: 1.75, disabled: false } }],
];

// The page restored its session: the refresh call answered 200 and the report was fetched.
const signedIn = (a) => {
  const items = a['network-requests'].details.items;
  const ok = (p) => items.some((i) => i.url.includes(p) && i.statusCode === 200);
  return ok('/api/auth/refresh') && ok('/api/level5/analytics/timeseries');
};

const profile = mkdtempSync(join(tmpdir(), 'zoe-lh-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true, locale: 'de-DE',
  args: ['--no-sandbox', '--disable-gpu', `--remote-debugging-port=${PORT}`, '--lang=de-DE'],
});
try {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(`${URL_BASE}/`);
  await page.getByLabel('E-Mail').fill('admin@zoe-solar.de');
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByTestId('logout').waitFor({ timeout: 15_000 });
  const out = join(VAR, 'artifacts');
  mkdirSync(out, { recursive: true });
  for (const [name, settings] of RUNS) {
    const r = await lighthouse(`${URL_BASE}/`, { port: PORT, output: 'json', logLevel: 'error' }, {
      extends: 'lighthouse:default',
      settings: { onlyCategories: ['performance', 'accessibility'], disableStorageReset: true, ...settings },
    });
    const a = r.lhr.audits;
    const ms = (k) => `${Math.round(a[k].numericValue)} ms`;
    const score = (c) => Math.round(r.lhr.categories[c].score * 100);
    console.log(`${name.padEnd(8)} performance ${score('performance')}  accessibility ${score('accessibility')}  ` +
      `FCP ${ms('first-contentful-paint')}  LCP ${ms('largest-contentful-paint')}  TBT ${ms('total-blocking-time')}  ` +
      `CLS ${a['cumulative-layout-shift'].numericValue.toFixed(3)}  signed in: ${signedIn(a)}`);
    const failed = Object.values(a).filter((x) => x.score !== null && x.score < 1 && r.lhr.categories.accessibility.auditRefs.some((ref) => ref.id === x.id));
    if (failed.length) console.log(`         accessibility audits below 1: ${failed.map((x) => x.id).join(', ')}`);
    writeFileSync(join(out, `lighthouse-${name}.json`), r.report);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
