// Media (image and video SEO, #16–#19): the image audit report — images, mean score,
// possible saving, the score distribution, the most frequent issues and every image worst
// first with CSV export — a form for editors that audits one image by URL and alt text,
// with the file itself when chosen (sent as base64, so format and size come from the
// bytes), and the video audit report. Every figure comes from the API; a service that is
// not built yet (501) reads "noch nicht verfügbar", not as an error.
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, bytes, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';

const IMAGES = '/api/level3/multimodal/image-report';
const AUDIT = '/api/level3/multimodal/image';
const VIDEOS = '/api/level3/multimodal/video-report';
const LIMIT = 500;
const MAX_FILE = 7 * 1024 * 1024;       // base64 of it stays under the route's 10 MiB

/** The German (or English) name of an issue code; an unknown code is shown as it is, marked as code. */
export function IssueLabel({ code }) {
  const { t } = useI18n();
  const key = `media.issue.${code}`;
  const label = t(key);
  return label === key ? <>{t('media.issue.other')} <code>{code}</code></> : <>{label}</>;
}

function issueText(code, t) {
  const key = `media.issue.${code}`;
  const label = t(key);
  return label === key ? code : label;
}

export function Media({ user }) {
  const { t } = useI18n();
  const res = useApi((signal) => api.get(IMAGES, { limit: LIMIT }, { signal }), []);
  const videos = useApi((signal) => api.get(VIDEOS, { limit: LIMIT }, { signal }), []);
  return (
    <>
      <h1>{t('media.title')}</h1>
      <p className="muted">{t('media.intro')}</p>
      <h2>{t('media.images')}</h2>
      <Async res={res}>{(d) => <ImageReport data={d} />}</Async>
      {user && roleAtLeast(user.role, 'editor') && <AuditForm onDone={res.reload} />}
      <h2>{t('media.videos')}</h2>
      <VideoSection res={videos} />
    </>
  );
}

function Tile({ title, value, shown, testid }) {
  return (
    <Card headingLevel={3} title={title}>
      <p className="kpi"><span className="kpi-value" data-testid={testid} data-value={value ?? ''}>{shown}</span></p>
    </Card>
  );
}

function Bars({ rows, label, testid }) {
  const { lang } = useI18n();
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <ul className="hbars" data-testid={testid}>
      {rows.map((r) => (
        <li key={r.key} data-key={r.key} data-value={r.count}>
          <span className="hbar-label">{r.label}</span>
          <span className="hbar" role="img" aria-label={`${label(r)}: ${num(r.count, lang)}`}>
            <span style={{ width: `${((r.count / max) * 100).toFixed(2)}%` }} />
          </span>
          <span className="hbar-value">{num(r.count, lang)}</span>
        </li>
      ))}
    </ul>
  );
}

function ImageReport({ data }) {
  const { t, lang } = useI18n();
  if (!data.n) return <Empty>{t('media.images.empty')}</Empty>;
  const dist = (data.score_distribution || []).map((b) => ({ key: `${b.from}-${b.to}`, label: `${b.from}–${b.to}`, count: b.count }));
  return (
    <>
      <div className="grid cards-3">
        <Tile title={t('media.tile.images')} testid="media-n" value={data.n} shown={num(data.n, lang)} />
        <Tile title={t('media.tile.score')} testid="media-score" value={data.mean_score} shown={num(data.mean_score, lang, 1)} />
        <Tile title={t('media.tile.savings')} testid="media-savings" value={data.savings_bytes} shown={bytes(data.savings_bytes, lang)} />
      </div>
      <div className="grid cards-2">
        <Card headingLevel={3} title={t('media.distribution')} testid="media-distribution-card">
          <Bars rows={dist} testid="media-distribution" label={(r) => t('media.distribution.band', { band: r.label })} />
        </Card>
        <Card headingLevel={3} title={t('media.formats')} testid="media-formats-card">
          <Bars rows={(data.formats || []).map((f) => ({ key: f.format, label: formatName(f.format, t), count: f.count }))}
            testid="media-formats" label={(r) => r.label} />
        </Card>
      </div>
      <Card headingLevel={3} title={t('media.top')} testid="media-top-card">
        <DataTable id="media-top" label={t('media.top')} rows={data.top_issues || []} filename="bild-probleme" empty={DASH} columns={[
          { key: 'issue', label: t('media.issue'), value: (r) => issueText(r.code, t), render: (r) => <IssueLabel code={r.code} /> },
          { key: 'count', label: t('media.count'), num: true, value: (r) => r.count, render: (r) => num(r.count, lang) },
        ]} />
      </Card>
      <Card headingLevel={3} title={t('media.items')} testid="media-items-card">
        <DataTable id="media-items" label={t('media.items')} rows={data.items || []} filename="bilder" search columns={[
          { key: 'url', label: t('media.url'), value: (r) => r.url, render: (r) => <span translate="no" className="url">{r.url}</span> },
          { key: 'format', label: t('media.format'), value: (r) => formatName(r.format, t) },
          { key: 'size', label: t('media.pixels'), value: (r) => (r.width ? r.width * r.height : null), csv: (r) => (r.width ? `${r.width}x${r.height}` : ''),
            render: (r) => (r.width ? `${num(r.width, lang)} × ${num(r.height, lang)}` : DASH) },
          { key: 'file', label: t('media.filesize'), num: true, value: (r) => r.file_size, render: (r) => bytes(r.file_size, lang) },
          { key: 'score', label: t('media.score'), num: true, value: (r) => r.score, render: (r) => num(r.score, lang) },
          { key: 'savings', label: t('media.saving'), num: true, value: (r) => r.savings_bytes, render: (r) => bytes(r.savings_bytes, lang) },
          { key: 'issues', label: t('media.issues'), value: (r) => (r.issues || []).map((c) => issueText(c, t)).join(', '),
            render: (r) => ((r.issues || []).length ? (r.issues || []).map((c) => issueText(c, t)).join(', ') : DASH) },
        ]} />
      </Card>
      <p className="muted">{t('media.method')}</p>
    </>
  );
}

function formatName(f, t) {
  const key = `media.format.${f}`;
  const label = t(key);
  return label === key ? String(f).toUpperCase() : label;
}

/** The file as standard base64 (without the data: prefix). */
function readBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

function AuditForm({ onDone }) {
  const { t, lang } = useI18n();
  const [f, setF] = useState({ url: '', alt: '', displayed_width: '', license: '', creator: '' });
  const [file, setFile] = useState(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [tooBig, setTooBig] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null); setResult(null);
    try {
      const body = { url: f.url.trim() };
      if (f.alt !== '') body.alt = f.alt;
      if (f.displayed_width) body.displayed_width = Number(f.displayed_width);
      if (f.license.trim()) body.license = f.license.trim();
      if (f.creator.trim()) body.creator = f.creator.trim();
      if (file) body.bytes = await readBase64(file);
      setResult(await api.post(AUDIT, body));
      onDone?.();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const pick = (e) => {
    const chosen = e.target.files?.[0] || null;
    setTooBig(!!chosen && chosen.size > MAX_FILE);
    setFile(chosen && chosen.size <= MAX_FILE ? chosen : null);
  };
  return (
    <Card headingLevel={3} title={t('media.form')} testid="media-form">
      <form className="form" onSubmit={submit}>
        <label className="full"><span className="label">{t('media.form.url')}</span>
          <input type="url" required value={f.url} onChange={set('url')} placeholder="https://zoe-solar.de/bilder/…" /></label>
        <label className="full"><span className="label">{t('media.form.alt')}</span>
          <input value={f.alt} onChange={set('alt')} /></label>
        <label><span className="label">{t('media.form.file')}</span>
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp,image/avif" onChange={pick} data-testid="media-file" /></label>
        <label><span className="label">{t('media.form.displayed')}</span>
          <input type="number" min="1" max="100000" value={f.displayed_width} onChange={set('displayed_width')} /></label>
        <label><span className="label">{t('media.form.license')}</span>
          <input type="url" value={f.license} onChange={set('license')} /></label>
        <label><span className="label">{t('media.form.creator')}</span>
          <input value={f.creator} onChange={set('creator')} /></label>
        <button type="submit" className="btn-primary" disabled={busy}>{busy ? t('state.loading') : t('media.form.submit')}</button>
      </form>
      {tooBig && <p className="state state-error" role="alert">{t('media.form.toobig')}</p>}
      {error && <Problem error={error} />}
      {result && (
        <div data-testid="media-result" data-score={result.score}>
          <ul className="kpis">
            <li><span className="kpi-label">{t('media.score')}</span> <span className="kpi-value" data-testid="media-result-score">{num(result.score, lang)}</span></li>
            <li><span className="kpi-label">{t('media.format')}</span> <span className="kpi-value" data-testid="media-result-format">{formatName(result.format, t)}</span></li>
            <li><span className="kpi-label">{t('media.pixels')}</span> <span className="kpi-value" data-testid="media-result-size">{result.width ? `${num(result.width, lang)} × ${num(result.height, lang)}` : DASH}</span></li>
            <li><span className="kpi-label">{t('media.saving')}</span> <span className="kpi-value" data-testid="media-result-savings">{bytes(result.savings_bytes, lang)}</span></li>
          </ul>
          {(result.issues || []).length ? (
            <ul className="issue-list" data-testid="media-result-issues">
              {result.issues.map((i) => (
                <li key={`${i.code}-${i.field}`} data-code={i.code}>
                  <span className={`badge badge-${i.severity === 'error' ? 'poor' : 'needs-improvement'}`}>{t(`media.severity.${i.severity}`)}</span>{' '}
                  <IssueLabel code={i.code} />
                  {typeof i.savings_bytes === 'number' && <span className="muted"> · {t('media.saving')} {bytes(i.savings_bytes, lang)}</span>}
                </li>
              ))}
            </ul>
          ) : <Empty>{t('media.result.clean')}</Empty>}
        </div>
      )}
    </Card>
  );
}

function VideoSection({ res }) {
  const { t } = useI18n();
  if (res.error && res.error.status === 501) {
    return <p className="state state-notyet" role="status" data-state="notyet" data-testid="media-videos-notyet">{t('media.videos.notyet')}</p>;
  }
  return <Async res={res}>{(d) => <VideoReport data={d} />}</Async>;
}

function VideoReport({ data }) {
  const { t, lang } = useI18n();
  if (!data.n) return <Empty>{t('media.videos.empty')}</Empty>;
  return (
    <>
      <div className="grid cards-3">
        <Tile title={t('media.tile.videos')} testid="media-video-n" value={data.n} shown={num(data.n, lang)} />
        <Tile title={t('media.tile.eligible')} testid="media-video-eligible" value={data.eligible} shown={num(data.eligible, lang)} />
        <Tile title={t('media.tile.score')} testid="media-video-score" value={data.mean_score} shown={num(data.mean_score, lang, 1)} />
      </div>
      <Card headingLevel={3} title={t('media.top')} testid="media-video-top-card">
        <DataTable id="media-video-top" label={`${t('media.videos')}: ${t('media.top')}`} rows={data.top_issues || []} filename="video-probleme" empty={DASH} columns={[
          { key: 'issue', label: t('media.issue'), value: (r) => issueText(r.code, t), render: (r) => <IssueLabel code={r.code} /> },
          { key: 'count', label: t('media.count'), num: true, value: (r) => r.count, render: (r) => num(r.count, lang) },
        ]} />
      </Card>
      <Card headingLevel={3} title={t('media.videos.items')} testid="media-video-items-card">
        <DataTable id="media-video-items" label={t('media.videos.items')} rows={data.items || []} filename="videos" columns={[
          { key: 'name', label: t('media.video.name'), value: (r) => r.name || '' },
          { key: 'url', label: t('media.url'), value: (r) => r.url, render: (r) => <span translate="no" className="url">{r.url}</span> },
          { key: 'score', label: t('media.score'), num: true, value: (r) => r.score, render: (r) => num(r.score, lang) },
          { key: 'eligible', label: t('media.video.eligible'), value: (r) => (r.eligible ? t('media.yes') : t('media.no')) },
          { key: 'duration', label: t('media.video.duration'), num: true, value: (r) => r.duration_seconds, render: (r) => (typeof r.duration_seconds === 'number' ? `${num(r.duration_seconds, lang)} s` : DASH) },
          { key: 'chapters', label: t('media.video.chapters'), num: true, value: (r) => r.chapters, render: (r) => num(r.chapters, lang) },
          { key: 'issues', label: t('media.issues'), value: (r) => (r.issues || []).map((c) => issueText(c, t)).join(', ') },
        ]} />
      </Card>
    </>
  );
}
