// Integrations (#59–#62): the webhook endpoints with their delivery figures, the queue of
// deliveries with each one's next try and the retry schedule in force, the most recent
// attempts, a "send test event" button (admins), and the event log browser (analysts), a
// page at a time forward from a cursor, filtered by type. Every figure comes from the API.
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, pct, DASH, LOCALE } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';

const HOOKS = '/api/level5/hub/webhooks';
const EVENTS = '/api/level5/hub/events';
const TEST = '/api/level5/hub/test-event';
const PAGE = 50;

/** Date and time in Berlin, to the second. */
function when(iso, lang) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(LOCALE[lang] || LOCALE.de, {
    dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Berlin',
  }).format(d);
}

/** A wait of the retry schedule in its largest whole unit: 5 s, 5 min, 2 h (Intl units). */
function span(sec, lang) {
  const [unit, n] = sec >= 3600 ? ['hour', sec / 3600] : sec >= 60 ? ['minute', sec / 60] : ['second', sec];
  return new Intl.NumberFormat(LOCALE[lang] || LOCALE.de, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(n);
}

export function Integrations({ user }) {
  const { t } = useI18n();
  const admin = user && roleAtLeast(user.role, 'admin');
  return (
    <>
      <h1>{t('hub.title')}</h1>
      <p className="muted">{t('hub.intro')}</p>
      {admin ? <Webhooks /> : <p className="muted" data-testid="hub-admin-only">{t('hub.adminOnly')}</p>}
      <EventLog />
    </>
  );
}

function Webhooks() {
  const { t } = useI18n();
  const res = useApi((signal) => api.get(HOOKS, { attempts: 20 }, { signal }), []);
  return (
    <>
      <h2>{t('hub.endpoints')}</h2>
      <TestEvent onDone={res.reload} />
      <Async res={res}>{(d) => <WebhookBody data={d} />}</Async>
    </>
  );
}

function TestEvent({ onDone }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState({ busy: false, sent: null, error: null });
  const send = async () => {
    setState({ busy: true, sent: null, error: null });
    try {
      const r = await api.post(TEST, { message: t('hub.test.message') });
      setState({ busy: false, sent: r.event_id, error: null });
      setTimeout(onDone, 1500);         // the job runner delivers within a second or two
    } catch (e) {
      setState({ busy: false, sent: null, error: e });
    }
  };
  return (
    <div className="filters">
      <button type="button" onClick={send} disabled={state.busy} data-testid="hub-test">{t('hub.test')}</button>
      <span role="status" data-testid="hub-test-result" data-value={state.sent ?? ''}>
        {state.sent ? t('hub.test.sent', { id: num(state.sent, lang) }) : ''}
      </span>
      {state.error && <Problem error={state.error} />}
    </div>
  );
}

function statusText(e, t) {
  return e.enabled ? t('hub.enabled') : t('hub.disabled');
}

/** Why an endpoint was disabled, in the page's language (the API's reasons are English). */
function reasonText(e, t, lang) {
  const r = e.disabled_reason || '';
  if (r.includes('410')) return t('hub.reason.gone');
  if (r.startsWith('no successful delivery since')) return t('hub.reason.failing', { since: when(e.failing_since, lang) });
  return r;
}

function WebhookBody({ data }) {
  const { t, lang } = useI18n();
  const eps = data.endpoints || [];
  const byId = new Map(eps.map((e) => [e.id, e]));
  const pending = eps.flatMap((e) => e.pending.map((p) => ({ ...p, endpoint: e.id, url: e.url })));
  const attempts = eps.flatMap((e) => e.recent_attempts.map((a) => ({ ...a, endpoint: e.id, url: e.url })))
    .sort((a, b) => b.id - a.id);
  const sched = (data.retry_schedule_seconds || []).map((s) => span(s, lang)).join(' · ');
  const ms = (v) => (typeof v === 'number' ? `${num(v, lang)} ms` : DASH);
  return (
    <>
      <p className="muted" data-testid="hub-schedule">{t('hub.schedule', { list: sched })}</p>
      {eps.length ? (
        <Card title={t('hub.endpoints')} headingLevel={3}>
          <DataTable id="hub-endpoints" testid="hub-endpoints" label={t('hub.endpoints')} rows={eps} filename="webhook-endpoints" columns={[
            { key: 'id', label: 'ID', num: true, value: (e) => e.id, render: (e) => num(e.id, lang) },
            { key: 'url', label: `${t('hub.url')} · ${t('hub.types')}`, value: (e) => e.url, render: (e) => (
              <><code className="url">{e.url}</code><br /><span className="muted">{e.types.join(', ')}</span></>) },
            { key: 'status', label: t('hub.status'), value: (e) => statusText(e, t), render: (e) => (
              <span title={e.disabled_reason || ''}>{statusText(e, t)}{e.disabled_reason ? ` – ${reasonText(e, t, lang)}` : ''}</span>) },
            { key: 'deliveries', label: t('hub.deliveries'), num: true, value: (e) => e.stats.deliveries, render: (e) => num(e.stats.deliveries, lang) },
            { key: 'succeeded', label: t('hub.succeeded'), num: true, value: (e) => e.stats.succeeded, render: (e) => num(e.stats.succeeded, lang) },
            { key: 'failed', label: t('hub.failed'), num: true, value: (e) => e.stats.failed, render: (e) => num(e.stats.failed, lang) },
            { key: 'pending', label: t('hub.pending'), num: true, value: (e) => e.stats.pending, render: (e) => num(e.stats.pending, lang) },
            { key: 'rate', label: t('hub.rate'), num: true, value: (e) => e.stats.success_rate, render: (e) => pct(e.stats.success_rate, lang, 1) },
            { key: 'mean', label: t('hub.mean'), num: true, value: (e) => e.stats.mean_ms, render: (e) => ms(e.stats.mean_ms) },
          ]} />
        </Card>
      ) : <Empty>{t('hub.endpoints.empty')}</Empty>}
      <Card title={t('hub.queue')} headingLevel={3}>
        <DataTable id="hub-queue" testid="hub-queue" label={t('hub.queue')} rows={pending} filename="webhook-queue" empty={t('hub.queue.empty')} columns={[
          { key: 'endpoint', label: t('hub.endpoint'), value: (p) => p.url, render: (p) => <code className="url">{p.url}</code> },
          { key: 'event', label: t('hub.event'), num: true, value: (p) => p.event_id, render: (p) => num(p.event_id, lang) },
          { key: 'type', label: t('hub.type'), value: (p) => p.type },
          { key: 'attempts', label: t('hub.attempts'), num: true, value: (p) => p.attempts, render: (p) => num(p.attempts, lang) },
          { key: 'last', label: t('hub.lastAnswer'), value: (p) => p.last_status ?? p.last_error ?? '', render: (p) => p.last_status ?? p.last_error ?? DASH },
          { key: 'next', label: t('hub.next'), value: (p) => p.next_at, render: (p) => (byId.get(p.endpoint)?.enabled ? when(p.next_at, lang) : t('hub.paused')) },
        ]} />
      </Card>
      <Card title={t('hub.attemptsRecent')} headingLevel={3}>
        <DataTable id="hub-attempts" testid="hub-attempts" label={t('hub.attemptsRecent')} rows={attempts} filename="webhook-attempts" empty={t('hub.attempts.empty')} columns={[
          { key: 'at', label: t('hub.at'), value: (a) => a.at, render: (a) => when(a.at, lang) },
          { key: 'endpoint', label: t('hub.endpoint'), value: (a) => a.url, render: (a) => <code className="url">{a.url}</code> },
          { key: 'msg', label: 'webhook-id', value: (a) => a.webhook_id, render: (a) => <code>{a.webhook_id}</code> },
          { key: 'type', label: t('hub.type'), value: (a) => a.type },
          { key: 'answer', label: t('hub.answer'), value: (a) => a.http_status ?? a.error, render: (a) => a.http_status ?? a.error ?? DASH },
          { key: 'ms', label: t('hub.duration'), num: true, value: (a) => a.duration_ms, render: (a) => ms(a.duration_ms) },
        ]} />
      </Card>
    </>
  );
}

function EventLog() {
  const { t, lang } = useI18n();
  const [types, setTypes] = useState('');
  const [cursor, setCursor] = useState({ after: 0, history: [] });
  const res = useApi((signal) => api.get(EVENTS, { after: cursor.after, limit: PAGE, types: types.trim() || undefined }, { signal }),
    [cursor.after, types]);
  const go = (after, history) => setCursor({ after, history });
  return (
    <>
      <h2>{t('hub.log')}</h2>
      <div className="filters">
        <label><span className="label">{t('hub.log.types')}</span>
          <input type="text" value={types} placeholder="recommendation.created,video.audited" data-testid="hub-types"
            onChange={(e) => { setTypes(e.target.value); go(0, []); }} />
        </label>
      </div>
      <Async res={res}>{(d) => (
        <Card title={t('hub.log')} headingLevel={3}>
          <DataTable id="hub-events" testid="hub-events" label={t('hub.log')} rows={d.events} filename="event-log" empty={t('hub.log.empty')} pageSize={PAGE} columns={[
            { key: 'id', label: 'ID', num: true, value: (e) => e.id, render: (e) => num(e.id, lang) },
            { key: 'type', label: t('hub.type'), value: (e) => e.type, render: (e) => <code>{e.type}</code> },
            { key: 'aggregate', label: t('hub.aggregate'), value: (e) => e.aggregate, render: (e) => <code translate="no">{e.aggregate}</code> },
            { key: 'time', label: t('hub.at'), value: (e) => e.timestamp, render: (e) => when(e.timestamp, lang) },
            { key: 'data', label: t('hub.data'), value: (e) => JSON.stringify(e.data), render: (e) => <code className="url">{JSON.stringify(e.data).slice(0, 160)}</code> },
          ]} />
          <div className="filters">
            <button type="button" disabled={!cursor.history.length} data-testid="hub-prev"
              onClick={() => go(cursor.history[cursor.history.length - 1], cursor.history.slice(0, -1))}>{t('hub.log.prev')}</button>
            <button type="button" disabled={!d.has_more} data-testid="hub-next"
              onClick={() => go(d.next_after, [...cursor.history, cursor.after])}>{t('hub.log.next')}</button>
          </div>
        </Card>
      )}</Async>
    </>
  );
}
