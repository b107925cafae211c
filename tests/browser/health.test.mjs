// The System page's health section (#56–#58) in Chromium against the running stack.
// Sixty health samples with disk free falling from 40 % to 11 % and two alerts are stored
// through SQL first (the sampling schedule is paused meanwhile), so the forecast is known;
// the page's overall status and parts, the forecast table (time to threshold, interval,
// confidence, in German) and the alerts timeline must equal what the API answers; the chart
// of the disk forecast is drawn; a viewer sees a notice instead. No console errors; axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  launch, apiLogin, screenshot, uiLogin, settled, openSession, assertAxeClean, ensureUser, VAR, ZOE_BIN,
} from './helpers.mjs';
import { num, pct } from '../../static/src/lib/format.js';

const HEALTH = '/api/level5/maintenance/health';
const PREDICTIONS = '/api/level5/maintenance/predictions';
const ALERTS = '/api/level5/maintenance/alerts';
let browser; let closeBrowser;

function sql(statement) {
  const script = '. "$ZOE_VAR/stack.env"; export DATABASE_URL; exec psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -c "$1"';
  return execFileSync('bash', ['-c', script, 'bash', statement], { env: { ...process.env, ZOE_VAR: VAR, ZOE_BIN }, encoding: 'utf8' }).trim();
}

before(async () => {
  ({ browser, close: closeBrowser } = await launch());
  await apiLogin();
  sql("UPDATE job_schedules SET next_run = now() + interval '1 day' WHERE kind = 'health-sample'");
  sql('DELETE FROM health_alerts; DELETE FROM health_rule_state; DELETE FROM health_samples');
  const rows = [];
  for (let i = 0; i < 60; i++) {
    const share = 0.40 - (0.29 * i) / 59 + 0.004 * Math.sin(1.3 * i);
    rows.push(`(date_trunc('minute', now()) - make_interval(mins => ${60 - i}), 2, 5, 100, 100000000, 4, 0, 0, 0.8, ${Math.round(share * 1e11)}, 100000000000, 3, 0, ${100 + 3 * Math.sin(i)})`);
  }
  sql(`INSERT INTO health_samples (at, db_latency_ms, db_connections, db_max_connections, db_size_bytes, workers_alive, worker_restarts, queue_depth, cache_hit_rate, disk_free_bytes, disk_total_bytes, request_rate, error_rate, p95_ms) VALUES ${rows.join(', ')}`);
  sql("INSERT INTO health_alerts (rule, kind, severity, state, first_seen, fired_at, last_seen, resolved_at, value, summary) VALUES"
    + " ('error_rate_high', 'threshold', 'critical', 'resolved', now() - interval '50 minutes', now() - interval '48 minutes', now() - interval '45 minutes', now() - interval '40 minutes', 0.2, 'x'),"
    + " ('disk_full_predicted', 'prediction', 'critical', 'firing', now() - interval '4 minutes', now() - interval '2 minutes', now() - interval '1 minute', NULL, 700, 'x')");
});
after(async () => {
  await closeBrowser?.();
  sql('DELETE FROM health_alerts; DELETE FROM health_samples');
  sql("UPDATE job_schedules SET next_run = now() WHERE kind = 'health-sample'");
});

const isGet = (path) => (r) => new URL(r.url()).pathname === path && r.request().method() === 'GET';

/** The rows of a DataTable as arrays of cell texts. */
async function rows(page, id) {
  return page.locator(`[data-testid="${id}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((td) => td.innerText.trim())));
}

/** Seconds as the page shows them in German (pages/Maintenance.jsx span()). */
function span(s) {
  if (typeof s !== 'number') return '—';
  if (s < 3600) return `${num(s / 60, 'de', 0)} Min.`;
  if (s < 86400) return `${num(s / 3600, 'de', 1)} Std.`;
  return `${num(s / 86400, 'de', 1)} Tg.`;
}

test('system health: parts, forecasts with their band and alerts equal the API, in German', async (t) => {
  const { page, w } = await openSession(browser, t);
  await uiLogin(page);
  const [h, p, a] = await Promise.all([
    page.waitForResponse(isGet(HEALTH)), page.waitForResponse(isGet(PREDICTIONS)), page.waitForResponse(isGet(ALERTS)),
    page.getByTestId('nav-system').click(),
  ]);
  const health = await h.json(); const pred = await p.json(); const alerts = await a.json();
  await settled(page);
  await screenshot(page, '40-system-health');

  assert.equal(await page.getByTestId('maint-overall').getAttribute('data-value'), health.status);
  const parts = await page.locator('[data-testid="maint-parts"] tbody tr [data-value]').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
  assert.deepEqual(parts, Object.values(health.parts).map((x) => x.status));
  const partRows = await rows(page, 'maint-parts');
  assert.equal(partRows[0][0], 'Datenbank');

  const disk = pred.forecasts.find((f) => f.rule === 'disk_full_predicted');
  assert.equal(disk.status, 'ok');
  assert.ok(disk.linear.eta_s > 0 && disk.linear.eta_s < 3600, `eta ${disk.linear.eta_s}`);
  const fr = await rows(page, 'maint-forecasts');
  assert.equal(fr.length, pred.forecasts.length);
  const row = fr[pred.forecasts.indexOf(disk)];
  assert.deepEqual(row, ['Freier Speicher', pct(disk.current, 'de', 1), pct(disk.threshold, 'de', 1), span(disk.linear.eta_s),
    `${span(disk.linear.earliest_s)} – ${span(disk.linear.latest_s)}`, pct(disk.linear.confidence, 'de', 0)]);
  await page.getByTestId('maint-chart-disk_full_predicted').waitFor();
  assert.ok(await page.locator('[data-testid="maint-chart-disk_full_predicted"] svg path').count() > 0, 'the forecast chart is drawn');

  const ar = await rows(page, 'maint-alerts');
  assert.equal(ar.length, alerts.items.length);
  assert.deepEqual(ar.map((r) => r.slice(0, 3)), [['Speicher bald voll', 'kritisch', 'aktiv'], ['Hohe Fehlerquote', 'kritisch', 'behoben']]);
  assert.deepEqual(alerts.items.map((x) => x.rule), ['disk_full_predicted', 'error_rate_high']);

  await assertAxeClean(page, 'system-health');
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});

test('system health: a viewer sees a notice and calls none of the analyst endpoints', async (t) => {
  const email = `viewer-health-${randomBytes(3).toString('hex')}@example.org`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  if (!ensureUser(email, 'viewer', password)) { t.skip('no zoe binary'); return; }
  const { page, w } = await openSession(browser, t);
  const called = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/level5/maintenance/')) called.push(r.url()); });
  await uiLogin(page, { email, password }, '/system');
  await settled(page);
  await page.getByTestId('maint-need-role').waitFor();
  assert.deepEqual(called, []);
  assert.deepEqual(w.check(), [], 'console errors or failed requests');
});
