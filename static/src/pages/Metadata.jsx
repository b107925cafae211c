// Metadata audit: runs POST data/optimize over the stored page inventory (editor; it
// upserts the inventory) and shows the pages with their issues and title pixel width
// against Google's ~580 px truncation. A viewer sees why the button is not there.
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { num, pick, asArray, cell, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Empty, Problem, Loading } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';

const LIMIT_PX = 580;

export function Metadata({ user }) {
  const { t } = useI18n();
  const editor = roleAtLeast(user.role, 'editor');
  const [state, setState] = useState({ busy: false, data: null, error: null });
  const run = async () => {
    setState({ busy: true, data: null, error: null });
    try { setState({ busy: false, data: await api.post('/api/level2/data/optimize', {}), error: null }); } catch (e) { setState({ busy: false, data: null, error: e }); }
  };
  return (
    <>
      <h1>{t('meta.title')}</h1>
      <p>{t('meta.intro')}</p>
      <div className="actions">
        {editor
          ? <button type="button" className="btn-primary" onClick={run} disabled={state.busy} data-testid="run-audit">{state.busy ? t('meta.running') : t('meta.run')}</button>
          : <p className="muted" data-testid="viewer-note">{t('meta.editoronly')}</p>}
      </div>
      {state.busy && <Loading label={t('meta.running')} />}
      {state.error && <Problem error={state.error} />}
      {state.data && <Audit data={state.data} />}
      {!state.busy && !state.error && !state.data && editor && <Empty>{t('meta.notrun')}</Empty>}
    </>
  );
}

function TitleWidth({ px }) {
  const { lang } = useI18n();
  if (typeof px !== 'number') return <span>{DASH}</span>;
  const over = px > LIMIT_PX;
  return (
    <span className="widthbar-wrap">
      <span className="widthbar" role="img" aria-label={`${num(px, lang)} px / ${LIMIT_PX} px`}>
        <span className={`fill ${over ? 'over' : 'ok'}`} style={{ width: `${Math.min(100, (px / (LIMIT_PX * 1.2)) * 100)}%` }} />
        <span className="limit" style={{ left: `${(100 / 1.2).toFixed(2)}%` }} />
      </span>
      <span className={over ? 'text-poor' : undefined}>{num(px, lang)} px</span>
    </span>
  );
}

const SEV_ORDER = { error: 0, warning: 1, info: 2 };

/** The title's pixel width: a field of the page, else the evidence of a title check. */
function titlePx(p) {
  const direct = pick(p, 'title_px|title_width_px|title.px|title.width_px|metrics.title_px');
  if (typeof direct === 'number') return direct;
  const ev = asArray(pick(p, 'issues', [])).map((i) => pick(i, 'evidence.px')).find((x) => typeof x === 'number');
  return ev;
}

function Audit({ data }) {
  const { t, lang } = useI18n();
  const pages = asArray(pick(data, 'pages|items|results', []));
  if (!pages.length) return <Empty>{t('meta.empty')}</Empty>;
  const issuesOf = (p) => asArray(pick(p, 'issues', []))
    .map((i) => (typeof i === 'string' ? { text: i } : { sev: pick(i, 'severity'), text: (lang === 'de' ? pick(i, 'de|message|check') : pick(i, 'message|check')) ?? JSON.stringify(i), fix: pick(i, 'fix.value') }))
    .sort((x, y) => (SEV_ORDER[x.sev] ?? 3) - (SEV_ORDER[y.sev] ?? 3));
  const summary = pick(data, 'summary');
  const rows = pages.slice().sort((a, b) => (pick(a, 'score', 100) - pick(b, 'score', 100)));
  return (
    <Card title={t('meta.title')}>
      {summary && typeof summary === 'object' && (
        <dl className="facts inline">{Object.entries(summary).filter(([, v]) => typeof v !== 'object').map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{cell(v, lang)}</dd></div>)}</dl>
      )}
      <DataTable id="meta-pages" label={t('meta.title')} rows={rows} filename="metadata-audit" columns={[
        { key: 'url', label: t('meta.url'), value: (p) => pick(p, 'url|normalised|normalized_url'), render: (p) => <code>{pick(p, 'url|normalised', DASH)}</code> },
        { key: 'score', label: t('meta.score'), num: true, value: (p) => pick(p, 'score') },
        { key: 'title', label: t('meta.pagetitle'), value: (p) => pick(p, 'title.text|title') },
        { key: 'px', label: t('meta.width'), num: true, value: titlePx, render: (p) => <TitleWidth px={titlePx(p)} /> },
        { key: 'issues', label: t('meta.issues'), value: (p) => issuesOf(p).map((i) => i.text).join(' | '),
          render: (p) => {
            const is = issuesOf(p);
            return is.length ? (
              <ul className="issues">{is.map((x, i) => (
                <li key={i}>{x.sev && <span className={`badge badge-${x.sev === 'error' ? 'poor' : x.sev === 'warning' ? 'needs-improvement' : 'none'}`}>{x.sev}</span>} {x.text}
                  {typeof x.fix === 'string' && <div className="muted small">→ {x.fix}</div>}</li>
              ))}</ul>
            ) : DASH;
          } },
      ]} />
    </Card>
  );
}
