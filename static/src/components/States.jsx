// Loading, empty and problem states. Loading is a skeleton of about the size of what comes,
// so the page does not jump when the figures arrive. A problem+json is shown as a sentence
// with its own detail; a 501 of a service still being built reads "not available yet", a
// 403 plainly says the role.
import { useI18n } from '../lib/i18n.js';
import { currentUser } from '../lib/api.js';

/** height: a number of pixels, or the name of a skeleton size in styles.css (skeleton-<name>)
 *  for boxes whose height follows the screen width. */
export function Loading({ label, height }) {
  const { t } = useI18n();
  if (!height) return <p className="state state-loading" role="status" aria-live="polite">{label || t('state.loading')}</p>;
  const named = typeof height === 'string';
  return (
    <div className={`state-loading skeleton${named ? ` skeleton-${height}` : ''}`} role="status" aria-live="polite"
      style={named ? undefined : { height }}>
      <span className="visually-hidden">{label || t('state.loading')}</span>
    </div>
  );
}

// The sentence for an error status (0 = the API could not be reached).
const SENTENCES = [[0, 0, 'state.network'], [503, 503, 'state.error.unavailable'], [500, 599, 'state.error.server'],
  [404, 404, 'state.error.notfound'], [400, 422, 'state.error.invalid']];
const sentence = (status) => (SENTENCES.find(([lo, hi]) => status >= lo && status <= hi)?.[2] ?? 'state.error.other');

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
      <strong>{t(sentence(status))}</strong>
      {p.detail && <span className="detail">{p.detail}</span>}
      {status > 0 && <span className="hint muted">{t('state.error.code', { status })}</span>}
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
 *   children: (data: T) => any, compact?: boolean, need?: string, skeleton?: number | string}} props
 */
export function Async({ res, children, compact, need, skeleton }) {
  if (res.error) return <Problem error={res.error} onRetry={res.reload} compact={compact} need={need} />;
  if (res.loading && res.data === undefined) return <Loading height={skeleton ?? 72} />;
  return children(res.data);
}
