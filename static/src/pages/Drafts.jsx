// Entwürfe (autonomous content, #48–#51): the stored drafts newest first, filtered by
// status with the counts per status; for a chosen draft its title, meta description and
// text, its score and the scores of the other candidates of the loop, per paragraph the
// stored rows it was written from, and what facts are still missing. Editors generate a
// draft, edit it (PATCH with If-Match: the ETag read; a 412 shows the server's current
// version with a way to reload it or to apply one's own change to it again), approve,
// reject and publish (idempotent). A product page is generated for one of the stored
// products (#33's Product snippets), a city page for a chosen stored location (#39) or the
// location in the city; the draft names what it was built from, and a text the LLM
// provider wrote is marked "KI-Vorschlag". A 422's messages stand next to the fields they
// name. Every figure comes from the API.
import { useEffect, useState } from 'react';
import { useI18n, enumLabel } from '../lib/i18n.js';
import { api, roleAtLeast } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, DASH } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem, Loading } from '../components/States.jsx';

const LIST = '/api/level5/content/drafts';
const GENERATE = '/api/level5/content/generate';
const STATUSES = ['draft', 'approved', 'rejected', 'published'];
const KINDS = ['landing', 'faq', 'blog_outline', 'product'];
const PRODUCTS = '/api/level4/schema/automotive-report';     // #33: the stored products of #32
const LOCATIONS = '/api/level4/intl-local/locations-report'; // #39: the stored locations of #38
// the form's fields, by the name the API's problem+json gives them
const FIELDS = ['kind', 'keyphrase', 'parameters.city', 'parameters.location', 'parameters.product', 'parameters.candidates'];
const LIMIT = 50;
const BADGE = { draft: 'badge-none', approved: 'badge-good', rejected: 'badge-poor', published: 'badge-good' };
const LIGHT = { green: 'badge-good', orange: 'badge-needs-improvement', red: 'badge-poor', na: 'badge-none' };
const one = (id) => `${LIST}/${id}`;

/** A timestamp of the API as date and time in Berlin. */
function when(iso, lang) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(d);
}

function Status({ status }) {
  const { lang } = useI18n();
  return <span className={`badge ${BADGE[status] || 'badge-none'}`} data-status={status}>{enumLabel(lang, 'drafts.status', status)}</span>;
}

export function Drafts({ user }) {
  const { t } = useI18n();
  const editor = !!user && roleAtLeast(user.role, 'editor');
  const [status, setStatus] = useState('');
  const [pages, setPages] = useState([]);          // further pages of the list (cursor)
  const [chosen, setChosen] = useState(null);
  const list = useApi((signal) => api.get(LIST, { status, limit: LIMIT }, { signal }), [status]);
  useEffect(() => { setPages([]); }, [list.data]);
  const items = list.data ? [...list.data.items, ...pages.flatMap((p) => p.items)] : [];
  const next = pages.length ? pages[pages.length - 1].next_cursor : list.data?.next_cursor;
  const more = async () => {
    const p = await api.get(LIST, { status, limit: LIMIT, cursor: next });
    setPages((ps) => [...ps, p]);
  };
  const current = chosen ?? items[0]?.id ?? null;
  const changed = (d) => { if (d) setChosen(d.id); list.reload(); };
  // the view is below the list (far below on a phone): show it when a draft is chosen
  const choose = (id) => {
    setChosen(id);
    requestAnimationFrame(() => document.getElementById('draft-h')?.scrollIntoView({ block: 'start' }));
  };
  return (
    <>
      <h1>{t('drafts.title')}</h1>
      <p className="muted">{t('drafts.intro')}</p>
      {editor && <Generate onDone={changed} />}
      <h2>{t('drafts.list')}</h2>
      <Async res={list}>{(d) => (
        <>
          <StatusFilter counts={d.counts} status={status} onChange={(s) => { setStatus(s); setChosen(null); }} />
          {items.length === 0 ? <Empty>{t('drafts.empty')}</Empty> : (
            <DraftTable items={items} current={current} onChoose={choose} />
          )}
          {next && <button type="button" className="btn-secondary" onClick={more} data-testid="drafts-more">{t('drafts.more')}</button>}
        </>
      )}</Async>
      {current && <DraftView key={current} id={current} editor={editor} onChange={changed} />}
    </>
  );
}

function StatusFilter({ counts, status, onChange }) {
  const { t, lang } = useI18n();
  const total = STATUSES.reduce((n, s) => n + (counts[s] || 0), 0);
  return (
    <div className="filters" role="group" aria-label={t('drafts.filter')} data-testid="drafts-filter">
      <button type="button" className="btn-secondary" aria-pressed={status === ''} onClick={() => onChange('')} data-status="" data-count={total}>
        {t('drafts.all')} ({num(total, lang)})
      </button>
      {STATUSES.map((s) => (
        <button key={s} type="button" className="btn-secondary" aria-pressed={status === s} onClick={() => onChange(s)}
          data-status={s} data-count={counts[s] || 0}>
          {enumLabel(lang, 'drafts.status', s)} ({num(counts[s] || 0, lang)})
        </button>
      ))}
    </div>
  );
}

function DraftTable({ items, current, onChoose }) {
  const { t, lang } = useI18n();
  // words wrap whole, at spaces and hyphens, never mid-word as "Produktseite" did;
  // a table still too wide scrolls on its own
  return (
    <div style={{ overflowWrap: 'break-word', overflowX: 'auto', minWidth: 0 }}>
      <table className="data-table" data-testid="drafts-table">
        <caption className="visually-hidden">{t('drafts.list')}</caption>
        <thead><tr>
          <th scope="col">{t('drafts.col.title')}</th><th scope="col">{t('drafts.col.kind')}</th>
          <th scope="col">{t('drafts.col.keyphrase')}</th><th scope="col">{t('drafts.col.status')}</th>
          <th scope="col">{t('drafts.col.score')}</th><th scope="col">{t('drafts.col.version')}</th>
          <th scope="col">{t('drafts.col.updated')}</th>
        </tr></thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-id={d.id} data-status={d.status} data-score={d.score ?? ''} data-version={d.version}>
              <td data-label={t('drafts.col.title')}>
                <button type="button" className="btn-secondary" style={{ textAlign: 'left', maxWidth: '100%', overflowWrap: 'anywhere' }}
                  aria-pressed={d.id === current} onClick={() => onChoose(d.id)}>{d.title}</button>
              </td>
              <td data-label={t('drafts.col.kind')}>{enumLabel(lang, 'drafts.kind', d.kind)}</td>
              <td data-label={t('drafts.col.keyphrase')}>{d.keyphrase}</td>
              <td data-label={t('drafts.col.status')}><Status status={d.status} /></td>
              <td data-label={t('drafts.col.score')}>{d.score === null ? DASH : num(d.score, lang)}</td>
              <td data-label={t('drafts.col.version')}>{num(d.version, lang)}</td>
              <td data-label={t('drafts.col.updated')}>{when(d.updated_at, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---- generate ---------------------------------------------------------------------------
/** The stored products (#32's snippets with a Product node) and locations (#38), viewer-readable. */
const useProducts = () => useApi((signal) => api.get(PRODUCTS, { type: 'Product', limit: 500 }, { signal }), []);
const useLocations = () => useApi((signal) => api.get(LOCATIONS, undefined, { signal }), []);
const productLabel = (p) => p.name || p.url;
const locationLabel = (l) => (l.city ? `${l.name} (${l.city})` : l.name);

/** A 422's messages per field of the form; the rest (and any other problem) go to the box below. */
function splitErrors(error) {
  const errs = error?.status === 422 && Array.isArray(error.problem?.errors) ? error.problem.errors : [];
  const at = {};
  for (const e of errs) if (FIELDS.includes(e.field)) (at[e.field] ||= []).push(e.message);
  const rest = errs.filter((e) => !FIELDS.includes(e.field));
  const box = !error ? null : !errs.length ? error
    : rest.length ? { status: error.status, problem: { ...error.problem, errors: rest } } : null;
  return { at, box };
}

/** A field of the form with the API's message for it below it. */
function Field({ field, label, err, children }) {
  const id = `gen-${field.replace(/\W/g, '-')}`;
  const msgs = err[field];
  return (
    <div data-field={field}>
      <label><span className="label">{label}</span>
        {children({ 'aria-invalid': msgs ? true : undefined, 'aria-describedby': msgs ? `${id}-err` : undefined })}
      </label>
      {msgs && <span id={`${id}-err`} className="error-inline" data-testid="field-error" data-field={field}>{msgs.join(' ')}</span>}
    </div>
  );
}

function Generate({ onDone }) {
  const { t, lang } = useI18n();
  const [f, setF] = useState({ kind: 'landing', keyphrase: '', city: '', location: '', product: '', candidates: 6 });
  const [state, setState] = useState({ busy: false, error: null });
  const [open, setOpen] = useState(false);   // the stored products and locations load when it opens
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setState({ busy: true, error: null });
    const parameters = { candidates: Number(f.candidates) };
    if (f.city.trim()) parameters.city = f.city.trim();
    if (f.kind === 'landing' && f.location) parameters.location = f.location;
    if (f.kind === 'product' && f.product) parameters.product = Number(f.product);
    try {
      const d = await api.post(GENERATE, { kind: f.kind, keyphrase: f.keyphrase.trim(), parameters });
      setState({ busy: false, error: null });
      onDone(d);
    } catch (x) { setState({ busy: false, error: x }); }
  };
  const { at, box } = splitErrors(state.error);
  const cityNeeded = f.kind === 'landing' && !f.location;
  return (
    <details className="card" data-testid="drafts-generate" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('drafts.generate')}</summary>
      <p className="muted">{t('drafts.generate.hint')}</p>
      <form className="form" onSubmit={submit}>
        <Field field="kind" label={t('drafts.generate.kind')} err={at}>{(aria) => (
          <select name="kind" value={f.kind} onChange={set('kind')} {...aria}>
            {KINDS.map((k) => <option key={k} value={k}>{enumLabel(lang, 'drafts.kind', k)}</option>)}
          </select>
        )}</Field>
        {open && f.kind === 'product' && <ProductField value={f.product} onChange={set('product')} err={at} />}
        {open && f.kind === 'landing' && <LocationField value={f.location} onChange={set('location')} err={at} />}
        <Field field="keyphrase" label={t('drafts.generate.keyphrase')} err={at}>{(aria) => (
          <input name="keyphrase" required minLength={2} maxLength={100} value={f.keyphrase} onChange={set('keyphrase')} {...aria} />
        )}</Field>
        <Field field="parameters.city" label={t(cityNeeded ? 'drafts.generate.city.required' : 'drafts.generate.city')} err={at}>{(aria) => (
          <input name="city" required={cityNeeded} maxLength={80} value={f.city} onChange={set('city')} {...aria} />
        )}</Field>
        <Field field="parameters.candidates" label={t('drafts.generate.candidates')} err={at}>{(aria) => (
          <input name="candidates" type="number" min={1} max={12} required value={f.candidates} onChange={set('candidates')} {...aria} />
        )}</Field>
        <button type="submit" className="btn-primary" disabled={state.busy}>{t(state.busy ? 'drafts.generate.busy' : 'drafts.generate.run')}</button>
      </form>
      {box && <Problem error={box} compact />}
    </details>
  );
}

/** A select of stored rows (res: a useApi of their list) for one parameter of the request. */
function StoredSelect({ res, rows, field, name, label, empty, required, value, onChange, err, option }) {
  return (
    <>
      <Field field={field} label={label} err={err}>{(aria) => (
        <select name={name} required={required} value={value} onChange={onChange} {...aria}>
          <option value="">{empty}</option>
          {rows.map(option)}
        </select>
      )}</Field>
      {res.error && <Problem error={res.error} compact />}
    </>
  );
}

function ProductField(props) {
  const { t } = useI18n();
  const res = useProducts();
  const rows = res.data?.items || [];
  return <StoredSelect {...props} res={res} rows={rows} field="parameters.product" name="product" required
    label={t('drafts.generate.product')} empty={t(res.data && !rows.length ? 'drafts.generate.product.none' : 'drafts.generate.product.choose')}
    option={(p) => <option key={p.id} value={p.id}>{productLabel(p)}</option>} />;
}

function LocationField(props) {
  const { t } = useI18n();
  const res = useLocations();
  return <StoredSelect {...props} res={res} rows={res.data?.locations || []} field="parameters.location" name="location"
    label={t('drafts.generate.location')} empty={t('drafts.generate.location.city')}
    option={(l) => <option key={l.key} value={l.key}>{locationLabel(l)}</option>} />;
}

// ---- one draft --------------------------------------------------------------------------
function DraftView({ id, editor, onChange }) {
  const { t } = useI18n();
  const res = useApi((signal) => api.get(one(id), undefined, { signal }), [id]);
  const changed = (d) => { res.reload(); onChange(d); };
  return (
    <section aria-labelledby="draft-h" data-testid="draft-view" data-id={id}>
      <h2 id="draft-h">{t('drafts.view')}</h2>
      <Async res={res} skeleton={240}>{(d) => <Draft d={d} editor={editor} onChange={changed} />}</Async>
    </section>
  );
}

function Draft({ d, editor, onChange }) {
  const { t, lang } = useI18n();
  return (
    <div data-testid="draft" data-id={d.id} data-version={d.version} data-status={d.status} style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
      <div className="grid cards-3">
        <Card headingLevel={3} title={t('drafts.score')}>
          <p className="kpi"><span className="kpi-value" data-testid="draft-score" data-value={d.score ?? ''}>{d.score === null ? DASH : num(d.score, lang)}</span></p>
        </Card>
        <Card headingLevel={3} title={t('drafts.status')}>
          <p className="kpi draft-status" data-testid="draft-status"><Status status={d.status} /></p>
        </Card>
        <Card headingLevel={3} title={t('drafts.version')}>
          <p className="kpi"><span className="kpi-value" data-testid="draft-version" data-value={d.version}>{num(d.version, lang)}</span></p>
        </Card>
      </div>
      <dl className="draft-meta" data-testid="draft-fields">
        <dt>{t('drafts.field.title')}</dt><dd data-testid="draft-title">{d.title}</dd>
        <dt>{t('drafts.field.meta')}</dt><dd data-testid="draft-meta">{d.meta || DASH}</dd>
        <dt>{t('drafts.field.slug')}</dt><dd><code>{d.slug}</code></dd>
        <dt>{t('drafts.col.keyphrase')}</dt><dd>{d.keyphrase}</dd>
        <dt>{t('drafts.col.kind')}</dt><dd>{enumLabel(lang, 'drafts.kind', d.kind)}</dd>
        {d.parameters?.product && <><dt>{t('drafts.field.product')}</dt><dd><ProductRef snippet={d.parameters.product} /></dd></>}
        {d.parameters?.location && <><dt>{t('drafts.field.location')}</dt><dd><LocationRef id={d.parameters.location} /></dd></>}
        {d.source === 'llm' && <><dt>{t('drafts.field.source')}</dt><dd data-testid="draft-source" data-source="llm"><Llm /></dd></>}
        <dt>{t('drafts.field.updated')}</dt><dd>{t('drafts.updatedBy', { when: when(d.updated_at, lang), who: d.updated_by })}</dd>
        {d.published_at && <><dt>{t('drafts.field.published')}</dt>
          <dd data-testid="draft-published">{t('drafts.publishedAt', { when: when(d.published_at, lang), v: num(d.published_version, lang) })}</dd></>}
      </dl>
      {editor && <Actions d={d} onChange={onChange} />}
      <h3>{t('drafts.paragraphs')}</h3>
      <p className="muted">{t('drafts.paragraphs.hint')}</p>
      <ol className="draft-paragraphs" data-testid="draft-paragraphs">
        {d.paragraphs.map((p, i) => (
          <li key={i} data-facts={p.facts.join(' ')} data-edited={String(!!p.edited)}>
            <p className="draft-text"><Marked text={p.text} /></p>
            <p className="muted">
              {p.facts.length
                ? <>{t('drafts.facts')}: {p.facts.map((f, k) => <span key={f}>{k > 0 && ', '}<code data-fact={f}>{f}</code></span>)}</>
                : t(p.text.includes('[fehlt: ') ? 'drafts.facts.missing' : p.edited ? 'drafts.facts.edited' : d.source === 'llm' ? 'drafts.facts.none.llm' : 'drafts.facts.none')}
            </p>
          </li>
        ))}
      </ol>
      <h3>{t('drafts.missing')}</h3>
      {d.missing.length === 0 ? <p className="muted" data-testid="draft-missing-none">{t('drafts.missing.none')}</p> : (
        <ul data-testid="draft-missing">
          {d.missing.map((m) => <li key={m.variable} data-variable={m.variable}><code>{m.variable}</code>: <Technical text={m.add} /></li>)}
        </ul>
      )}
      <Candidates d={d} />
      <Checks analysis={d.analysis} />
      <History d={d} />
    </div>
  );
}

/** "KI-Vorschlag": a text the LLM provider wrote from the same facts. */
function Llm() {
  const { t } = useI18n();
  return <span className="badge badge-none" data-testid="llm-badge">{t('drafts.llm')}</span>;
}

/** The product a draft was built from ("schema_snippets:7"): its name from #33's list. */
function ProductRef({ snippet }) {
  const res = useProducts();
  const p = res.data?.items.find((x) => `schema_snippets:${x.id}` === snippet);
  return (
    <span data-testid="draft-product" data-ref={snippet}>
      {p && <>{productLabel(p)} </>}<code>{snippet}</code>
    </span>
  );
}

/** The location a draft was built from (its key): name and address from #39's report. */
function LocationRef({ id }) {
  const res = useLocations();
  const l = res.data?.locations.find((x) => x.key === id);
  return (
    <span data-testid="draft-location" data-key={id}>
      {l && <>{l.name}, {l.address} </>}<code>{id}</code>
    </span>
  );
}

// what a hint of the API names as it is to be sent: a path, a URL, a field (offers.price),
// a JSON number (1299.00, not a German number like 8.990,00); not a domain (schema.org)
const TECH = /(\/api\/[\w/.-]+|https?:\/\/[^\s),;]+|\b[a-z]\w*(?:\.(?!(?:org|de|com|net)\b)[a-zA-Z]\w*)+\b|(?<![\d.,])\d+\.\d{2}(?![\d.,]))/;

/** A hint of the API with its technical parts set as code. */
function Technical({ text }) {
  return text.split(TECH).map((s, i) => (i % 2 ? <code key={i}>{s}</code> : s));
}

/** A paragraph with its "[fehlt: variable]" marks set off. */
function Marked({ text }) {
  const parts = text.split(/(\[fehlt: [^\]]*\])/);
  return parts.map((s, i) => (i % 2 ? <mark key={i}><code>{s}</code></mark> : s));
}

function Candidates({ d }) {
  const { t, lang } = useI18n();
  return (
    <>
      <h3>{t('drafts.candidates')}</h3>
      <p className="muted">{t('drafts.candidates.hint', { n: num(d.candidates.length, lang) })}</p>
      <table className="data-table" data-testid="draft-candidates">
        <thead><tr>
          <th scope="col">{t('drafts.cand.variant')}</th><th scope="col">{t('drafts.cand.ordering')}</th>
          <th scope="col">{t('drafts.col.score')}</th><th scope="col">{t('drafts.cand.kept')}</th>
        </tr></thead>
        <tbody>
          {d.candidates.map((c, i) => (
            <tr key={i} data-score={c.score ?? ''} data-kept={String(!!c.kept)} data-variant={c.template?.variant ?? ''} data-ordering={c.ordering}
              data-source={c.source || 'template'}>
              <td data-label={t('drafts.cand.variant')}>{c.template
                ? <>{enumLabel(lang, 'drafts.variant', c.template.variant)} <span className="muted">({t('drafts.cand.tplVersion', { v: num(c.template.version, lang) })})</span></>
                : <><Llm />{c.model && <> <span className="muted"><code>{c.model}</code></span></>}
                  {c.error && <span className="muted" data-testid="llm-error"> {t('drafts.llm.error', { e: c.error })}</span>}</>}</td>
              <td data-label={t('drafts.cand.ordering')}>{c.template ? enumLabel(lang, 'drafts.ordering', c.ordering) : DASH}</td>
              <td data-label={t('drafts.col.score')}>{c.score === null || c.score === undefined ? DASH : num(c.score, lang)}</td>
              <td data-label={t('drafts.cand.kept')}>{c.kept ? t('drafts.cand.yes') : DASH}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Checks({ analysis }) {
  const { t, lang } = useI18n();
  const checks = analysis?.checks || [];
  if (!checks.length) return null;
  return (
    <details>
      <summary>{t('drafts.checks', { r: analysis.readability_score ?? DASH, s: analysis.seo_score ?? DASH })}</summary>
      <ul data-testid="draft-checks">
        {checks.map((c) => (
          <li key={c.id} data-id={c.id} data-light={c.light}>
            <span className={`badge ${LIGHT[c.light] || 'badge-none'}`}>{t(`content.light.${c.light}`)}</span>{' '}
            <strong>{t(`content.check.${c.id}`)}</strong>: {c.explanation?.[lang] || c.explanation?.de}
          </li>
        ))}
      </ul>
    </details>
  );
}

function History({ d }) {
  const { t, lang } = useI18n();
  if (!d.history?.length) return null;
  return (
    <>
      <h3>{t('drafts.history', { n: num(d.revisions, lang) })}</h3>
      <table className="data-table" data-testid="draft-history">
        <thead><tr>
          <th scope="col">{t('drafts.col.version')}</th><th scope="col">{t('drafts.hist.change')}</th>
          <th scope="col">{t('drafts.col.status')}</th><th scope="col">{t('drafts.col.score')}</th>
          <th scope="col">{t('drafts.hist.who')}</th><th scope="col">{t('drafts.hist.when')}</th>
        </tr></thead>
        <tbody>
          {d.history.map((h) => (
            <tr key={h.version} data-version={h.version} data-change={h.change}>
              <td data-label={t('drafts.col.version')}>{num(h.version, lang)}</td>
              <td data-label={t('drafts.hist.change')}>{enumLabel(lang, 'drafts.change', h.change)}</td>
              <td data-label={t('drafts.col.status')}><Status status={h.status} /></td>
              <td data-label={t('drafts.col.score')}>{h.score === null ? DASH : num(h.score, lang)}</td>
              <td data-label={t('drafts.hist.who')}><code>{h.changed_by}</code></td>
              <td data-label={t('drafts.hist.when')}>{when(h.changed_at, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

// ---- changing a draft ---------------------------------------------------------------------
function Actions({ d, onChange }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [state, setState] = useState({ busy: false, error: null });
  const run = async (fn) => {
    setState({ busy: true, error: null });
    try { const r = await fn(); setState({ busy: false, error: null }); onChange(r); } catch (x) { setState({ busy: false, error: x }); }
  };
  const setStatus = (status) => run(() => api.patch(one(d.id), { status }, { headers: { 'If-Match': d.etag } }));
  const publish = () => run(() => api.post(`${one(d.id)}/publish`, {}));
  if (editing) return <Editor d={d} onClose={() => setEditing(false)} onSaved={(r) => { setEditing(false); onChange(r); }} />;
  return (
    <div data-testid="draft-actions">
      <div className="actions">
        <button type="button" className="btn-secondary" onClick={() => setEditing(true)} data-testid="draft-edit">{t('drafts.edit')}</button>
        {d.status !== 'approved' && d.status !== 'published' &&
          <button type="button" className="btn-secondary" disabled={state.busy} onClick={() => setStatus('approved')} data-testid="draft-approve">{t('drafts.approve')}</button>}
        {d.status !== 'rejected' && d.status !== 'published' &&
          <button type="button" className="btn-secondary" disabled={state.busy} onClick={() => setStatus('rejected')} data-testid="draft-reject">{t('drafts.reject')}</button>}
        {d.status !== 'draft' && d.status !== 'published' &&
          <button type="button" className="btn-secondary" disabled={state.busy} onClick={() => setStatus('draft')} data-testid="draft-reopen">{t('drafts.reopen')}</button>}
        {(d.status === 'approved' || d.status === 'published') &&
          <button type="button" className="btn-primary" disabled={state.busy} onClick={publish} data-testid="draft-publish">
            {t(d.status === 'published' ? 'drafts.publish.again' : 'drafts.publish')}</button>}
      </div>
      {state.error && (state.error.status === 412
        ? <Conflict id={d.id} mine={null} onReload={() => { setState({ busy: false, error: null }); onChange(null); }} />
        : <Problem error={state.error} compact />)}
    </div>
  );
}

function Editor({ d, onClose, onSaved }) {
  const { t } = useI18n();
  const [f, setF] = useState({ title: d.title, meta: d.meta, body: d.body });
  const [base, setBase] = useState(d.etag);          // the version this edit applies to
  const [state, setState] = useState({ busy: false, error: null, tries: 0 });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = async (etag) => {
    // only what this editor changed: re-applied on a newer version it keeps the other's changes
    const changes = Object.fromEntries(Object.entries(f).filter(([k, v]) => v !== d[k]));
    if (!Object.keys(changes).length) { onClose(); return; }
    setState((s) => ({ busy: true, error: null, tries: s.tries }));
    try {
      const r = await api.patch(one(d.id), changes, { headers: { 'If-Match': etag } });
      onSaved(r);
    } catch (x) { setState((s) => ({ busy: false, error: x, tries: s.tries + 1 })); }
  };
  const submit = (e) => { e.preventDefault(); save(base); };
  return (
    <form className="form" onSubmit={submit} data-testid="draft-editor">
      <label className="full"><span className="label">{t('drafts.field.title')}</span>
        <input name="title" required maxLength={300} value={f.title} onChange={set('title')} /></label>
      <label className="full"><span className="label">{t('drafts.field.meta')}</span>
        <textarea name="meta" rows={2} maxLength={1000} value={f.meta} onChange={set('meta')} /></label>
      <label className="full"><span className="label">{t('drafts.field.body')}</span>
        <textarea name="body" rows={14} required value={f.body} onChange={set('body')} /></label>
      <div className="actions full">
        <button type="submit" className="btn-primary" disabled={state.busy} data-testid="draft-save">{t('drafts.save')}</button>
        <button type="button" className="btn-secondary" onClick={onClose}>{t('drafts.cancel')}</button>
      </div>
      {state.error && (
        <div className="full">
          {state.error.status === 412
            ? <Conflict key={state.tries} id={d.id} mine={f} onReload={() => onSaved(null)}
              onReapply={(server) => { setBase(server.etag); save(server.etag); }} />
            : <Problem error={state.error} compact />}
        </div>
      )}
    </form>
  );
}

/** The 412: another editor saved first. Shows the server's current version; "reload"
 *  drops one's own change, "apply again" sends it with the current ETag. */
function Conflict({ id, mine, onReload, onReapply }) {
  const { t, lang } = useI18n();
  const res = useApi((signal) => api.get(one(id), undefined, { signal }), [id]);
  const s = res.data;
  return (
    <div className="state state-error" role="alert" data-testid="draft-conflict" data-version={s?.version ?? ''}>
      <strong>{t('drafts.conflict')}</strong>
      {res.loading && !s && <Loading />}
      {res.error && <Problem error={res.error} compact />}
      {s && (
        <>
          <span>{t('drafts.conflict.detail', { v: num(s.version, lang), who: s.updated_by, when: when(s.updated_at, lang) })}</span>
          <dl className="draft-meta">
            <dt>{t('drafts.conflict.serverTitle')}</dt><dd data-testid="conflict-title">{s.title}</dd>
            <dt>{t('drafts.status')}</dt><dd><Status status={s.status} /></dd>
          </dl>
          {mine && <span className="hint">{t('drafts.conflict.kept')}</span>}
          <div className="actions">
            <button type="button" className="btn-secondary" onClick={onReload} data-testid="conflict-reload">{t('drafts.conflict.reload')}</button>
            {mine && onReapply && <button type="button" className="btn-primary" onClick={() => onReapply(s)} data-testid="conflict-reapply">
              {t('drafts.conflict.reapply', { v: num(s.version, lang) })}</button>}
          </div>
        </>
      )}
    </div>
  );
}
