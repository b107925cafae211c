// @ts-check
// System status: whether the API answers (/api/health), whether it is ready (database
// reachable, migrations current: /api/ready) and which migrations are pending. Moved here
// from the overview, which is for the marketing figures. For analysts also the platform's
// own health (#56: every part with its status and reasons), the forecasts of time until
// each threshold with their 95 % bands (#57) and the alerts, firing and resolved (#58).
import { useI18n, enumLabel } from '../lib/i18n.js';
import { ApiError, roleAtLeast } from '../lib/api.js';
import { endpoints } from '../lib/endpoints.js';
import { useApi } from '../lib/useApi.js';
import { asArray, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async } from '../components/States.jsx';
import { Maintenance } from './Maintenance.jsx';

/** @typedef {import('../lib/endpoints.js').Health} Health */
/** @typedef {import('../lib/endpoints.js').Ready} Ready */

/** @param {{user?: {role: string}}} props */
export function System({ user }) {
  const { t } = useI18n();
  const health = useApi(async (signal) => {
    const problem = (e) => (e instanceof ApiError ? e.problem : Promise.reject(e));   // 503 still answers
    const [live, ready] = await Promise.all([endpoints.health(signal).catch(problem), endpoints.ready(signal).catch(problem)]);
    return { live, ready };
  }, []);
  return (
    <>
      <h1 tabIndex={-1} data-page-heading>{t('system.title')}</h1>
      <p className="muted">{t('system.intro')}</p>
      <Card title={t('system.health')} testid="card-health" className="narrow">
        <Async res={health} skeleton={110}>{(d) => <HealthFacts data={d} />}</Async>
      </Card>
      {user && roleAtLeast(user.role, 'analyst') ? <Maintenance /> : <p className="muted" data-testid="maint-need-role">{t('maint.need')}</p>}
    </>
  );
}

/** @param {{data: {live: Health, ready: Ready}}} props */
function HealthFacts({ data }) {
  const { t, lang } = useI18n();
  const live = data.live?.status === 'ok';
  const ready = data.ready?.status === 'ready';
  const pending = asArray(data.ready?.pending_migrations);
  return (
    <dl className="facts" data-testid="health">
      <dt>{t('overview.health.live')}</dt>
      <dd><span className={`badge badge-${live ? 'good' : 'poor'}`} data-value={data.live?.status ?? ''}>{enumLabel(lang, 'status', data.live?.status)}</span></dd>
      <dt>{t('overview.health.ready')}</dt>
      <dd><span className={`badge badge-${ready ? 'good' : 'poor'}`} data-value={data.ready?.status ?? ''}>{enumLabel(lang, 'status', data.ready?.status)}</span></dd>
      <dt>{t('overview.health.db')}</dt>
      <dd>{data.ready?.database === undefined ? DASH : data.ready.database ? t('yes') : t('no')}</dd>
      <dt>{t('overview.health.migrations')}</dt>
      <dd>{pending.length ? pending.join(', ') : t('overview.health.none')}</dd>
    </dl>
  );
}
