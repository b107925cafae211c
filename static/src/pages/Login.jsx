import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { login } from '../lib/api.js';

export function Login({ notice }) {
  const { t, lang, setLang } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="brand big"><span className="logo" aria-hidden="true">☀</span> ZOE Solar</div>
        <h1>{t('auth.title')}</h1>
        {notice && <p className="notice" role="status">{t(notice)}</p>}
        <label>
          <span className="label">{t('auth.email')}</span>
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          <span className="label">{t('auth.password')}</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <div className="state state-error" role="alert" data-testid="login-error">
            <strong>{t('auth.failed')}</strong>
            <span className="detail">{error.problem?.detail || error.message}</span>
            {Array.isArray(error.problem?.errors) && (
              <ul className="field-errors">{error.problem.errors.map((x, i) => <li key={i}><code>{x.field}</code>: {x.message}</li>)}</ul>
            )}
          </div>
        )}
        <button type="submit" className="btn-primary" disabled={busy}>{busy ? t('auth.busy') : t('auth.submit')}</button>
        <button type="button" className="btn-link" onClick={() => setLang(lang === 'de' ? 'en' : 'de')} lang={lang === 'de' ? 'en' : 'de'}>
          {t('lang.switch')}
        </button>
      </form>
    </main>
  );
}
