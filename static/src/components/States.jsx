// Loading, empty and problem states. A problem+json is shown with its own detail; a 501
// of a service still being built reads "not available yet", a 403 plainly says the role.
import { useI18n } from '../lib/i18n.js';
import { currentUser } from '../lib/api.js';

export function Loading({ label }) {
  const { t } = useI18n();
  return <p className="state state-loading" role="status" aria-live="polite">{label || t('state.loading')}</p>;
}

export function Empty({ children }) {
  return <p className="state state-empty" data-state="empty">{children}</p>;
}

export function Problem({ error, onRetry, compact = false, need }) {
  const { t } = useI18n();
  const status = error?.status ?? 0;
  const p = error?.problem || {};
  if (status === 501) {
    return (
      <div className={`state state-notyet${compact ? ' compact' : ''}`} role="status" data-state="notyet">
        <strong>{t('state.notyet')}</strong>
        {p.detail && <span className="detail">{p.detail}</span>}
        {!compact && <span className="hint">{t('state.notyet.hint')}</span>}
      </div>
    );
  }
  if (status === 403) {
    const role = currentUser()?.role || '—';
    return (
      <div className={`state state-forbidden${compact ? ' compact' : ''}`} role="alert" data-state="forbidden">
        <strong>{t('state.forbidden')}</strong>
        <span className="detail">{p.detail || t('state.forbidden.hint', { role: t(`role.${role}`), need: need ? t(`role.${need}`) : '—' })}</span>
      </div>
    );
  }
  return (
    <div className={`state state-error${compact ? ' compact' : ''}`} role="alert" data-state="error">
      <strong>{status === 0 ? t('state.network') : `${t('state.error')} ${status}: ${p.title || ''}`}</strong>
      {p.detail && <span className="detail">{p.detail}</span>}
      {Array.isArray(p.errors) && p.errors.length > 0 && (
        <ul className="field-errors">
          {p.errors.map((e, i) => <li key={i}><code>{e.field}</code>: {e.message}</li>)}
        </ul>
      )}
      {onRetry && <button type="button" className="btn-secondary" onClick={onRetry}>{t('state.retry')}</button>}
    </div>
  );
}

/** Renders loading / problem / children(data) for a useApi result. */
/**
 * @template T
 * @param {{res: {data: T | undefined, error: any, loading: boolean, reload: () => void},
 *   children: (data: T) => any, compact?: boolean, need?: string}} props
 */
export function Async({ res, children, compact, need }) {
  if (res.error) return <Problem error={res.error} onRetry={res.reload} compact={compact} need={need} />;
  if (res.loading && res.data === undefined) return <Loading />;
  return children(res.data);
}
