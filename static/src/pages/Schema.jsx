// Strukturierte Daten (schema markup #32–#37): the JSON-LD snippets stored by the three
// services — e-mobility (Product/Offer, Car, AutomotiveBusiness), HowTo, Q&A/FAQ — each with
// its counts by validation state, the snippets invalid first with their errors and warnings
// (the validator's own words, marked English) and a button that copies the JSON-LD as a
// <script> block. Every figure comes from the reports; a service that answers 501 reads
// "noch nicht verfügbar", not as an error.
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { num, date } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';

export const SCHEMA_KINDS = ['automotive', 'howto', 'qa'];
const LIMIT = 500;
const BADGE = { valid: 'good', warnings: 'needs-improvement', invalid: 'poor' };

export function scriptBlock(markup) {
  return `<script type="application/ld+json">\n${JSON.stringify(markup, null, 2)}\n</script>`;
}

export function Schema() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('schema.title')}</h1>
      <p className="muted">{t('schema.intro')}</p>
      {SCHEMA_KINDS.map((k) => <KindSection key={k} kind={k} />)}
    </>
  );
}

function KindSection({ kind }) {
  const { t } = useI18n();
  const res = useApi((signal) => api.get(`/api/level4/schema/${kind}-report`, { limit: LIMIT }, { signal }), [kind]);
  return (
    <section data-testid={`schema-${kind}`} aria-labelledby={`schema-h-${kind}`}>
      <h2 id={`schema-h-${kind}`}>{t(`schema.kind.${kind}`)}</h2>
      {res.error && res.error.status === 501
        ? <p className="state state-notyet" role="status" data-state="notyet">{t('schema.notyet')}</p>
        : <Async res={res}>{(d) => <KindReport kind={kind} data={d} />}</Async>}
    </section>
  );
}

function Tile({ title, value, testid }) {
  const { lang } = useI18n();
  return (
    <Card headingLevel={3} title={title}>
      <p className="kpi"><span className="kpi-value" data-testid={testid} data-value={value}>{num(value, lang)}</span></p>
    </Card>
  );
}

function KindReport({ kind, data }) {
  const { t, lang } = useI18n();
  if (!data.n) return <Empty>{t('schema.empty')}</Empty>;
  return (
    <>
      <div className="grid cards-4">
        <Tile title={t('schema.tile.n')} value={data.n} testid={`schema-${kind}-n`} />
        <Tile title={t('schema.state.valid')} value={data.by_state.valid} testid={`schema-${kind}-valid`} />
        <Tile title={t('schema.state.warnings')} value={data.by_state.warnings} testid={`schema-${kind}-warnings`} />
        <Tile title={t('schema.state.invalid')} value={data.by_state.invalid} testid={`schema-${kind}-invalid`} />
      </div>
      <p className="muted" data-testid={`schema-${kind}-types`}>
        {t('schema.types')}: {data.by_type.map((b) => (
          <span key={b.type}><span translate="no">{b.type}</span> {num(b.n, lang)} · </span>
        ))}
        {t('schema.richresults', { n: num(data.rich_results, lang) })}
      </p>
      <ul className="snippets" data-testid={`schema-${kind}-items`}>
        {data.items.map((s) => <Snippet key={s.id} s={s} />)}
      </ul>
    </>
  );
}

function Diagnostics({ list, kind }) {
  const { t } = useI18n();
  if (!list.length) return null;
  return (
    <>
      <h4>{t(`schema.${kind}`)} ({list.length})</h4>
      <ul className="issue-list" data-testid={`snippet-${kind}`}>
        {list.map((d, i) => (
          <li key={i}><code translate="no">{d.path}</code> <span lang="en">{d.message}</span></li>
        ))}
      </ul>
    </>
  );
}

function Snippet({ s }) {
  const { t, lang } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try { await navigator.clipboard.writeText(scriptBlock(s.markup)); setCopied(true); setTimeout(() => setCopied(false), 2000); } catch { /* no clipboard */ }
  };
  return (
    <li data-testid="snippet" data-id={s.id} data-state={s.state} data-errors={s.errors.length} data-warnings={s.warnings.length}>
      <details>
        <summary>
          <span className={`badge badge-${BADGE[s.state]}`}>{t(`schema.state.${s.state}`)}</span>{' '}
          <strong translate="no">{s.name || s.key}</strong>{' '}
          <span className="muted"><span translate="no">{s.types.join(', ')}</span> · {t('schema.version', { v: num(s.version, lang) })} · {t('schema.counts', { e: num(s.errors.length, lang), w: num(s.warnings.length, lang) })}</span>
        </summary>
        <p><span translate="no" className="url">{s.url}</span> · {t('schema.validated', { when: date(s.validated_at, lang) })} · {s.rich_result ? t('schema.rich.yes') : t('schema.rich.no')}</p>
        <Diagnostics list={s.errors} kind="errors" />
        <Diagnostics list={s.warnings} kind="warnings" />
        <button type="button" className="btn" onClick={copy} data-testid="snippet-copy">{copied ? t('schema.copied') : t('schema.copy')}</button>
        <pre className="code" translate="no" tabIndex={0} aria-label={t('schema.jsonld')}>{JSON.stringify(s.markup, null, 2)}</pre>
      </details>
    </li>
  );
}
