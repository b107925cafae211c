// Inhalte (content analysis, #26–#28): the latest analysis of every page worst first with
// its score, change against the previous version and Flesch; the checks most often red or
// orange across pages; for a chosen page each check with its traffic light and explanation
// in the current language, and (for editors) the rewrite suggestions of #28 with copy
// buttons; with an LLM provider configured, its suggestions that pass the server's checks
// come after the computed ones marked "KI-Vorschlag" (with the model), those it dropped
// with the reason, or the provider's error. Every figure comes from the API (report and
// optimize).
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, date, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem } from '../components/States.jsx';

const REPORT = '/api/level4/ai-content/report';
const OPTIMIZE = '/api/level4/ai-content/optimize';
const BADGE = { green: 'badge-good', orange: 'badge-needs-improvement', red: 'badge-poor', na: 'badge-none' };

// Why the server dropped a suggestion, in the page's language: its code with the
// figures (German numbers), or the server's English reason for a code we do not know.
function dropReason(t, lang, x) {
  const key = `content.llmWhy.${x.code}`;
  const vars = Object.fromEntries(Object.entries(x.params || {}).map(
    ([k, v]) => [k, typeof v === 'number' ? num(v, lang, Number.isInteger(v) ? 0 : 1) : v]));
  const s = t(key, vars);
  return s === key ? x.reason : s;
}

export function Content({ user }) {
  const { t } = useI18n();
  const res = useApi((signal) => api.get(REPORT, { limit: 500 }, { signal }), []);
  return (
    <>
      <h1>{t('content.title')}</h1>
      <p className="muted">{t('content.intro')}</p>
      {/* long URLs and German compounds break anywhere rather than widen a phone's page */}
      <div style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
        <Async res={res}>{(d) => <Report data={d} editor={user && roleAtLeast(user.role, 'editor')} />}</Async>
      </div>
    </>
  );
}

function Light({ light }) {
  const { t } = useI18n();
  return <span className={`badge ${BADGE[light] || 'badge-none'}`} data-light={light}>{t(`content.light.${light}`)}</span>;
}

function Report({ data, editor }) {
  const { t, lang } = useI18n();
  const [url, setUrl] = useState(data.pages[0]?.url);
  if (!data.pages.length) return <Empty>{t('content.empty')}</Empty>;
  const page = data.pages.find((p) => p.url === url) || data.pages[0];
  return (
    <>
      <div className="grid">
        <Card headingLevel={2} title={t('content.pages')}>
          <p className="kpi"><span className="kpi-value" data-testid="content-pages" data-value={data.pages_count}>{num(data.pages_count, lang)}</span></p>
        </Card>
        <Card headingLevel={2} title={t('content.mean')}>
          <p className="kpi"><span className="kpi-value" data-testid="content-mean" data-value={data.mean_score ?? ''}>{data.mean_score === null ? DASH : num(data.mean_score, lang, 1)}</span></p>
        </Card>
      </div>
      <h2>{t('content.worst')}</h2>
      <ul data-testid="content-worst">
        {data.worst_checks.slice(0, 8).map((w) => (
          <li key={w.id} data-id={w.id} data-red={w.red}>
            {t(`content.check.${w.id}`)}: {t('content.redOrange', { red: num(w.red, lang), orange: num(w.orange, lang) })}
          </li>
        ))}
      </ul>
      <h2>{t('content.byPage')}</h2>
      <div>
        <table className="data-table" data-testid="content-table">
          <thead><tr>
            <th scope="col">{t('content.col.page')}</th><th scope="col">{t('content.col.score')}</th>
            <th scope="col">{t('content.col.change')}</th><th scope="col">{t('content.col.flesch')}</th>
            <th scope="col">{t('content.col.version')}</th>
          </tr></thead>
          <tbody>
            {data.pages.map((p) => (
              <tr key={p.url} data-url={p.url} data-score={p.score ?? ''}>
                <td data-label={t('content.col.page')}>
                  <button type="button" className="btn-secondary" style={{ overflowWrap: 'anywhere', textAlign: 'left', maxWidth: '100%' }} aria-pressed={p.url === page.url} onClick={() => setUrl(p.url)}>{p.url.replace(/^https?:\/\//, '')}</button>
                </td>
                <td data-label={t('content.col.score')}>{p.score === null ? DASH : num(p.score, lang)}</td>
                <td data-label={t('content.col.change')}>{p.change === null ? DASH : (p.change > 0 ? '+' : '') + num(p.change, lang)}</td>
                <td data-label={t('content.col.flesch')}>{num(p.flesch, lang, 1)}</td>
                <td data-label={t('content.col.version')}>{num(p.version, lang)} · {date(p.analysed_at, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PageChecks page={page} />
      {editor && <Rewrites key={page.url} url={page.url} />}
    </>
  );
}

function PageChecks({ page }) {
  const { t, lang } = useI18n();
  return (
    <section aria-labelledby="content-checks-h">
      <h2 id="content-checks-h">{t('content.checks', { url: page.url.replace(/^https?:\/\//, '') })}</h2>
      <p data-testid="content-page-score" data-value={page.score ?? ''}>
        {t('content.scores', { score: page.score ?? DASH, r: page.readability_score ?? DASH, s: page.seo_score ?? DASH })}
      </p>
      <ul data-testid="content-checks">
        {page.checks.map((c) => (
          <li key={c.id} data-id={c.id} data-light={c.light}>
            <Light light={c.light} /> <strong>{t(`content.check.${c.id}`)}</strong>: {c.explanation[lang] || c.explanation.de}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Copy({ text }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  const copy = async () => {
    try { await navigator.clipboard.writeText(text); setDone(true); setTimeout(() => setDone(false), 2000); } catch { /* no clipboard */ }
  };
  return <button type="button" className="btn-secondary" onClick={copy}>{done ? t('content.copied') : t('content.copy')}</button>;
}

/** "KI-Vorschlag": a suggestion of the LLM provider that passed the server's checks. */
function Ki({ model }) {
  const { t } = useI18n();
  return <><span className="badge badge-none" data-testid="llm-badge">{t('content.llm')}{model ? ` ${model}` : ''}</span> </>;
}

function Rewrites({ url }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState({ busy: false, data: null, error: null });
  const load = async () => {
    setState({ busy: true, data: null, error: null });
    try { setState({ busy: false, data: await api.post(OPTIMIZE, { url }), error: null }); } catch (x) { setState({ busy: false, data: null, error: x }); }
  };
  const d = state.data;
  const llm = d?.llm;
  return (
    <section aria-labelledby="content-rewrites-h">
      <h2 id="content-rewrites-h">{t('content.rewrites')}</h2>
      <button type="button" onClick={load} disabled={state.busy}>{t('content.load')}</button>
      {state.error && <Problem error={state.error} compact />}
      {d && (
        <div data-testid="content-rewrites">
          {llm?.error && <p className="muted" data-testid="content-llm-error">{t('content.llmError', { e: llm.error })}</p>}
          <h3>{t('content.titles')}</h3>
          <ul>{[...d.title_candidates, ...(llm?.title_candidates || [])].map((c) => (
            <li key={`${c.source}:${c.title}`} data-px={c.px} data-source={c.source || 'computed'}>{c.title} {c.source === 'llm' && <Ki model={c.model} />}<span className="muted">({num(c.px, lang, 1)} px)</span> <Copy text={c.title} /></li>))}</ul>
          <h3>{t('content.metas')}</h3>
          <ul>{[...d.meta_candidates, ...(llm?.meta_candidates || [])].map((c) => (
            <li key={`${c.source}:${c.description}`} data-chars={c.chars} data-source={c.source || 'computed'}>{c.description} {c.source === 'llm' && <Ki model={c.model} />}<span className="muted">({t('content.chars', { n: num(c.chars, lang) })})</span> <Copy text={c.description} /></li>))}</ul>
          <h3>{t('content.long')}</h3>
          {d.long_sentences.length ? <ul>{d.long_sentences.map((s) => (
            <li key={s.sentence}>{s.first_part ? <>{s.first_part} <strong>‖</strong> {s.second_part}</> : s.sentence} <span className="muted">({t('content.words', { n: num(s.words, lang) })})</span></li>))}</ul>
            : <p className="muted">{t('content.none')}</p>}
          <h3>{t('content.passive')}</h3>
          {d.passive_sentences.length ? <ul>{d.passive_sentences.map((s) => (
            <li key={s.sentence} data-yoast={s.yoast ? 'true' : 'false'}>{s.sentence} <span className="muted">({s.auxiliary}{s.yoast ? '' : `; ${t('content.notYoast')}`})</span></li>))}</ul>
            : <p className="muted">{t('content.none')}</p>}
          {llm?.sentence_rewrites.length > 0 && <>
            <h3>{t('content.llmRewrites')}</h3>
            <ul data-testid="content-llm-rewrites">{llm.sentence_rewrites.map((s) => (
              <li key={s.sentence} data-max-words={s.max_words}><span className="muted">{s.sentence}</span> → {s.rewrite} <Ki model={s.model} /><Copy text={s.rewrite} /></li>))}</ul>
          </>}
          {llm?.dropped.length > 0 && (
            <details data-testid="content-llm-dropped">
              <summary>{t('content.llmDropped', { n: num(llm.dropped.length, lang) })}</summary>
              <ul>{llm.dropped.map((x, i) => (
                <li key={i} data-field={x.field} data-code={x.code}>{t(`content.field.${x.field}`)}: „{x.text}“ <span className="muted">({dropReason(t, lang, x)})</span></li>))}</ul>
            </details>
          )}
          <h3>{t('content.sections')}</h3>
          {d.missing_subheadings.length ? <ul>{d.missing_subheadings.map((s, i) => (
            <li key={i}>{t('content.section', { n: num(s.words, lang), at: s.split_before || DASH })}</li>))}</ul>
            : <p className="muted">{t('content.none')}</p>}
          <h3>{t('content.links')}</h3>
          {d.internal_links.length ? <ul>{d.internal_links.map((l) => (
            <li key={l.url}>{l.url.replace(/^https?:\/\//, '')}: „{l.anchor}“ <span className="muted">({t('content.shared', { n: num(l.shared_entities, lang) })})</span> <Copy text={l.url} /></li>))}</ul>
            : <p className="muted">{t('content.none')}</p>}
        </div>
      )}
    </section>
  );
}
