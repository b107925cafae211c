// The platform's own health on the System page, for analysts: every part with its status
// and reasons (#56), the time until each threshold with its 95 % band and the anomalies of
// the latest figures (#57), and the alerts, firing and resolved (#58). Figures as the API
// gives them, formatted for the chosen language.
import { useI18n, enumLabel } from '../lib/i18n.js';
import { endpoints } from '../lib/endpoints.js';
import { useApi } from '../lib/useApi.js';
import { DASH, num, pct, bytes } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart, PALETTE } from '../components/Chart.jsx';

const BADGE = { ok: 'good', degraded: 'needs-improvement', down: 'poor', firing: 'poor', resolved: 'good', pending: 'needs-improvement' };

/** A figure in its unit. */
export function figure(v, unit, lang) {
  if (typeof v !== 'number') return DASH;
  if (unit === 'ratio') return pct(v, lang, 1);
  if (unit === 'bytes') return bytes(v, lang);
  if (unit === 'ms') return `${num(v, lang, 0)} ms`;
  return num(v, lang, Number.isInteger(v) ? 0 : 2);
}

/** Seconds as minutes, hours or days. */
export function span(s, lang, t) {
  if (typeof s !== 'number') return DASH;
  if (s < 3600) return `${num(s / 60, lang, 0)} ${t('maint.unit.min')}`;
  if (s < 86400) return `${num(s / 3600, lang, 1)} ${t('maint.unit.h')}`;
  return `${num(s / 86400, lang, 1)} ${t('maint.unit.d')}`;
}

/** A reason of #56 ("p95_ms 2275 > 1000" or a sentence) in the chosen language. */
export function reason(text, lang, t) {
  const m = /^(\w+) (-?[\d.e+-]+) ([<>]) (-?[\d.e+-]+)$/.exec(text);
  if (!m) return t(`maint.reason.${text}`) === `maint.reason.${text}` ? text : t(`maint.reason.${text}`);
  const share = /share|rate/.test(m[1]);
  const f = (v) => (share ? pct(Number(v), lang, 1) : num(Number(v), lang, Number.isInteger(Number(v)) ? 0 : 1));
  return `${t(`maint.figure.${m[1]}`)} ${f(m[2])} ${m[3]} ${f(m[4])}`;
}

const when = (iso, lang) => (iso ? new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(new Date(iso)) : DASH);

export function Maintenance() {
  const { t, lang } = useI18n();
  const health = useApi((signal) => endpoints.maintHealth(signal), []);
  const pred = useApi((signal) => endpoints.maintPredictions(signal), []);
  const alerts = useApi((signal) => endpoints.maintAlerts(signal), []);
  return (
    <>
      <Card title={t('maint.parts')} testid="card-parts">
        <Async res={health}>{(h) => (
          <>
            <p>{t('maint.overall')}: <span className={`badge badge-${BADGE[h.status]}`} data-testid="maint-overall" data-value={h.status}>{enumLabel(lang, 'status', h.status)}</span></p>
            <DataTable id="maint-parts" label={t('maint.parts')} filename="systemzustand" sortable={false} rows={Object.entries(h.parts).map(([name, p]) => ({ name, ...p }))} columns={[
              { key: 'part', label: t('maint.part'), value: (r) => t(`maint.part.${r.name}`) },
              { key: 'status', label: t('maint.status'), value: (r) => r.status, render: (r) => <span className={`badge badge-${BADGE[r.status]}`} data-value={r.status}>{enumLabel(lang, 'status', r.status)}</span> },
              { key: 'reasons', label: t('maint.reasons'), value: (r) => r.reasons.map((x) => reason(x, lang, t)).join('; ') || DASH },
            ]} />
          </>
        )}</Async>
      </Card>
      <Card title={t('maint.forecasts')} testid="card-forecasts">
        <Async res={pred}>{(p) => <Forecasts data={p} />}</Async>
      </Card>
      <Card title={t('maint.alerts')} testid="card-alerts">
        <Async res={alerts}>{(a) => (
          <DataTable id="maint-alerts" label={t('maint.alerts')} filename="alarme" empty={t('maint.noalerts')} rows={a.items} columns={[
            { key: 'rule', label: t('maint.rule'), value: (r) => t(`maint.rule.${r.rule}`) },
            { key: 'severity', label: t('maint.severity'), value: (r) => t(`maint.severity.${r.severity}`) },
            { key: 'state', label: t('maint.status'), value: (r) => r.state, render: (r) => <span className={`badge badge-${BADGE[r.state]}`} data-value={r.state}>{t(`maint.state.${r.state}`)}</span> },
            { key: 'first', label: t('maint.first'), value: (r) => r.first_seen, render: (r) => when(r.first_seen, lang) },
            { key: 'last', label: t('maint.last'), value: (r) => r.last_seen, render: (r) => when(r.last_seen, lang) },
            { key: 'resolved', label: t('maint.resolved'), value: (r) => r.resolved_at, render: (r) => when(r.resolved_at, lang) },
          ]} />
        )}</Async>
      </Card>
    </>
  );
}

function Forecasts({ data }) {
  const { t, lang } = useI18n();
  if (!data.n) return <p className="muted" data-testid="maint-nodata">{t('maint.nodata')}</p>;
  const ok = data.forecasts.filter((f) => f.status === 'ok');
  return (
    <>
      <DataTable id="maint-forecasts" label={t('maint.forecasts')} filename="prognosen" sortable={false} rows={data.forecasts} columns={[
        { key: 'metric', label: t('maint.metric'), value: (r) => t(`maint.metric.${r.metric}`) },
        { key: 'current', label: t('maint.current'), value: (r) => r.current, render: (r) => figure(r.current, r.unit, lang) },
        { key: 'threshold', label: t('maint.threshold'), value: (r) => r.threshold, render: (r) => figure(r.threshold, r.unit, lang) },
        { key: 'eta', label: t('maint.eta'), value: (r) => r.linear?.eta_s, render: (r) => (r.status === 'ok' ? span(r.linear.eta_s, lang, t) : t('maint.insufficient')) },
        { key: 'interval', label: t('maint.interval'), value: (r) => r.linear?.earliest_s, render: (r) => (r.status === 'ok' ? `${span(r.linear.earliest_s, lang, t)} – ${span(r.linear.latest_s, lang, t)}` : DASH) },
        { key: 'confidence', label: t('maint.confidence'), value: (r) => r.linear?.confidence, render: (r) => (r.status === 'ok' ? pct(r.linear.confidence, lang, 0) : DASH) },
      ]} />
      {ok.map((f) => <ForecastChart key={f.rule} f={f} />)}
      <h3>{t('maint.anomalies')}</h3>
      <DataTable id="maint-anomalies" label={t('maint.anomalies')} filename="anomalien" sortable={false} rows={data.anomalies} columns={[
        { key: 'metric', label: t('maint.metric'), value: (r) => t(`maint.metric.${r.metric}`) },
        { key: 'value', label: t('maint.current'), value: (r) => r.robust_z?.value, render: (r) => figure(r.robust_z?.value, r.unit, lang) },
        { key: 'z', label: t('maint.z'), value: (r) => r.robust_z?.z, render: (r) => num(r.robust_z?.z, lang, 2) },
        { key: 'anomalous', label: t('maint.anomalous'), value: (r) => r.anomalous, render: (r) => (r.status !== 'ok' ? t('maint.insufficient') : r.anomalous ? t('yes') : t('no')) },
        { key: 'confidence', label: t('maint.confidence'), value: (r) => r.robust_z?.confidence, render: (r) => pct(r.robust_z?.confidence, lang, 1) },
      ]} />
    </>
  );
}

function ForecastChart({ f }) {
  const { t, lang } = useI18n();
  const last = f.history.length ? f.history[f.history.length - 1][0] : 0;
  const hours = (s) => Math.round((s / 3600) * 1000) / 1000;
  const option = {
    tooltip: { trigger: 'axis', valueFormatter: (v) => figure(v, f.unit, lang) },
    legend: { top: 0 },
    xAxis: { type: 'value', name: t('maint.unit.h') },
    // the axis in the metric's unit (per cent, MB/GB, ms), as the table above
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v) => figure(v, f.unit, lang) } },
    series: [
      { name: t('maint.history'), type: 'line', showSymbol: false, color: PALETTE[0], data: f.history.map(([at, v]) => [hours(at - last), v]) },
      { name: t('maint.forecast'), type: 'line', showSymbol: false, color: PALETTE[1], data: f.band.map((b) => [hours(b.offset_s), b.linear]) },
      { name: t('maint.band'), type: 'line', showSymbol: false, color: PALETTE[2], lineStyle: { type: 'dashed' }, data: f.band.map((b) => [hours(b.offset_s), b.lo]) },
      { name: t('maint.band'), type: 'line', showSymbol: false, color: PALETTE[2], lineStyle: { type: 'dashed' }, data: f.band.map((b) => [hours(b.offset_s), b.hi]) },
      { name: t('maint.threshold'), type: 'line', showSymbol: false, color: PALETTE[6], data: [[hours(f.history.length ? f.history[0][0] - last : 0), f.threshold], [hours(f.horizon_s), f.threshold]] },
    ],
  };
  const title = `${t(`maint.metric.${f.metric}`)}: ${t('maint.eta')} ${span(f.linear.eta_s, lang, t)}`;
  return (
    <figure className="maint-forecast">
      <figcaption>{title}</figcaption>
      <Chart option={option} height={220} testid={`maint-chart-${f.rule}`} label={title} />
    </figure>
  );
}

