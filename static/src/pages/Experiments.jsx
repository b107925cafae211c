// Experiments: the A/B tests with their results (#31): per variant exposures, conversions,
// rate, uplift with its 95 % interval drawn as a bar around zero, z-test p and the chance to
// beat the control; the sample-ratio-mismatch warning and the decision with its reason.
// Below, the click prediction (#29) while it is not built reads "not available yet".
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, pct, date, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';

const DECISION_BADGE = { ship: 'badge-good', stop: 'badge-poor', 'keep running': 'badge-needs-improvement' };
const DECISION_KEY = { ship: 'exp.decision.ship', stop: 'exp.decision.stop', 'keep running': 'exp.decision.keep' };
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

export function Experiments({ need }) {
  const { t } = useI18n();
  const res = useApi((signal) => api.get('/api/level4/ai-content/results', { limit: 100 }, { signal }), []);
  const pred = useApi((signal) => api.get('/api/level4/ai-content/predictions', undefined, { signal }), []);
  return (
    <>
      <h1>{t('exp.title')}</h1>
      <p className="muted">{t('exp.intro')}</p>
      <Async res={res} need={need} skeleton={240}>{(d) => (d.items?.length
        ? d.items.map((test) => <Test key={test.id} test={test} />)
        : <Empty>{t('exp.empty')}</Empty>)}</Async>
      <Card title={t('exp.predictions')} testid="predictions">
        <Async res={pred} compact need="analyst">{(d) => <Predictions data={d} />}</Async>
      </Card>
    </>
  );
}

/** The 95 % interval of an uplift as a bar on a scale of ±span around zero. */
function CiBar({ ci, span, label }) {
  if (!Array.isArray(ci) || !isNum(ci[0]) || !isNum(ci[1])) return <span>{DASH}</span>;
  const x = (v) => Math.max(0, Math.min(100, 50 + (v / span) * 50));
  const cls = ci[0] > 0 ? 'ok' : ci[1] < 0 ? 'over' : 'mid';
  return (
    <span className="cibar" role="img" aria-label={label}>
      <span className="cibar-zero" />
      <span className={`cibar-fill ${cls}`} style={{ left: `${x(ci[0])}%`, width: `${Math.max(1, x(ci[1]) - x(ci[0]))}%` }} />
    </span>
  );
}

function Test({ test }) {
  const { t, lang } = useI18n();
  const d = test.decision || {};
  const span = Math.max(0.01, ...test.variants.flatMap((v) => (v.uplift?.absolute_ci95 || []).map(Math.abs)));
  const signed = (v, digits) => (isNum(v) ? `${v > 0 ? '+' : ''}${pct(v, lang, digits)}` : DASH);
  const ci = (c, digits) => (Array.isArray(c) && isNum(c[0]) ? `${signed(c[0], digits)} … ${signed(c[1], digits)}` : DASH);
  return (
    <Card title={test.name} testid={`test-${test.id}`} actions={
      <span className={`badge ${DECISION_BADGE[d.decision] || 'badge-none'}`} data-testid="decision">{t(DECISION_KEY[d.decision] || 'exp.decision.keep')}</span>}>
      <p className="muted">
        {t(test.status === 'running' ? 'exp.running' : 'exp.finished')} · {t('exp.metric')}: <code>{test.metric}</code>
        {' · '}{t('exp.since', { date: date(test.created_at, lang) })}
        {test.ended_at ? ` – ${date(test.ended_at, lang)}` : ''} · {t('exp.exposures', { n: num(test.exposures, lang) })}
        {test.thompson ? ` · ${t('exp.thompson')}` : ''}
      </p>
      {test.srm?.mismatch && (
        <p className="notice" role="alert" data-testid="srm">
          {t('exp.srm', { p: test.srm.p_value < 0.0001 ? `< ${num(0.0001, lang, 4)}` : `= ${num(test.srm.p_value, lang, 4)}`, chisq: num(test.srm.chisq, lang, 2) })}
        </p>
      )}
      <p data-testid="reason">{t('exp.reason')}: {d.winner ? `${d.winner} – ` : ''}{t(`exp.reason.${d.code}`)}</p>
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{t('exp.table', { name: test.name })}</caption>
          <thead><tr>
            <th scope="col">{t('exp.variant')}</th><th scope="col" className="num">{t('exp.weight')}</th>
            <th scope="col" className="num">{t('exp.exposures.col')}</th><th scope="col" className="num">{t('exp.conversions')}</th>
            <th scope="col" className="num">{t('exp.rate')}</th><th scope="col" className="num">{t('exp.uplift')}</th>
            <th scope="col">{t('exp.ci')}</th><th scope="col" className="num">{t('exp.relative')}</th>
            <th scope="col" className="num">p</th><th scope="col" className="num">{t('exp.chance')}</th>
          </tr></thead>
          <tbody>
            {test.variants.map((v, i) => (
              <tr key={v.name} data-testid="variant">
                <th scope="row">{v.name}{i === 0 && v.name !== t('exp.control') ? ` (${t('exp.control')})` : ''}</th>
                <td className="num" data-label={t('exp.weight')}>{pct(v.weight, lang, 0)}</td>
                <td className="num" data-label={t('exp.exposures.col')} data-field="exposures">{num(v.exposures, lang)}</td>
                <td className="num" data-label={t('exp.conversions')} data-field="conversions">{num(v.conversions, lang)}</td>
                <td className="num" data-label={t('exp.rate')} data-field="rate">{pct(v.rate, lang, 2)}</td>
                <td className="num" data-label={t('exp.uplift')} data-field="uplift">{i ? signed(v.uplift?.absolute, 2) : DASH}</td>
                <td data-label={t('exp.ci')}>{i && Array.isArray(v.uplift?.absolute_ci95) ? <><CiBar ci={v.uplift?.absolute_ci95} span={span} label={ci(v.uplift?.absolute_ci95, 2)} /> <span className="muted small">{ci(v.uplift?.absolute_ci95, 2)}</span></> : DASH}</td>
                <td className="num" data-label={t('exp.relative')}>{i ? signed(v.uplift?.relative, 1) : DASH}</td>
                <td className="num" data-label="p" data-field="p">{i ? num(v.p_value, lang, 4) : DASH}</td>
                <td className="num" data-label={t('exp.chance')} data-field="chance">{i ? pct(v.chance_to_beat_control, lang, 1) : DASH}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function Predictions({ data }) {
  const { t, lang } = useI18n();
  const weights = Array.isArray(data?.weights) ? data.weights : [];
  if (!weights.length) return <Empty>{t('exp.predictions.empty')}</Empty>;
  const m = data.metrics || {};
  return (
    <>
      <p>
        {t('exp.cv', { n: num(m.n, lang), folds: num(m.folds, lang), version: num(data.model?.version, lang) })}{' '}
        RMSE <strong data-testid="cv-rmse">{num(m.cv_rmse, lang, 1)}</strong> ({t('exp.baseline')}{' '}
        <span data-testid="baseline-rmse">{num(m.baseline_rmse, lang, 1)}</span>) ·{' '}
        {t(m.beats_baseline ? 'exp.beats' : 'exp.notbeats')}
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{t('exp.predictions')}</caption>
          <thead><tr><th scope="col">{t('exp.feature')}</th><th scope="col" className="num">{t('exp.weight.std')}</th>
            <th scope="col" className="num">{t('exp.weight.unit')}</th></tr></thead>
          <tbody>{weights.map((w) => (
            <tr key={w.name}><th scope="row">{t(`exp.feature.${w.name}`)}</th>
              <td className="num" data-label={t('exp.weight.std')}>{num(w.standardised, lang, 2)}</td>
              <td className="num" data-label={t('exp.weight.unit')}>{num(w.per_unit, lang, 4)}</td></tr>
          ))}</tbody>
        </table>
      </div>
    </>
  );
}
