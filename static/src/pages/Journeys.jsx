// "Wege": where visits go (#24 journey report, viewer) and where a visitor goes next
// (#23 next-page prediction, analyst): top paths to conversion, the transition matrix of
// page groups as a heat table, drop-off points, removal-effect attribution as bars, and
// the prediction with its Speculation Rules for a path typed in.
import { useState } from 'react';
import { useI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/useApi.js';
import { useRange } from '../lib/range.js';
import { num, pct, asArray } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty, Problem, Loading } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';

export function Journeys({ need }) {
  const { t } = useI18n();
  const [range] = useRange();
  const res = useApi((signal) => api.get('/api/level3/behavioral/journey',
    { from: range.from, to: range.to, tz: range.tz }, { signal }), [range.from, range.to]);
  return (
    <>
      <h1>{t('journey.title')}</h1>
      <Async res={res} need={need}>{(d) => <Body data={d} />}</Async>
      <NextPage />
    </>
  );
}

function Body({ data }) {
  const { t, lang } = useI18n();
  const paths = asArray(data.top_paths).map((p) => ({ ...p, label: asArray(p.path).join(' → ') }));
  const attribution = asArray(data.attribution?.groups);
  return (
    <>
      <div className="grid cards-4">
        <Card title={t('journey.visits')}><p className="kpi"><span className="kpi-value" data-testid="journey-visits">{num(data.visits, lang)}</span></p></Card>
        <Card title={t('journey.conversions')}><p className="kpi"><span className="kpi-value" data-testid="journey-conversions">{num(data.conversions, lang)}</span></p></Card>
        <Card title={t('journey.chainprob')}><p className="kpi"><span className="kpi-value" data-testid="journey-chainprob">{pct(data.attribution?.conversion_probability, lang, 2)}</span><span className="muted">{t('journey.grouping')}</span></p></Card>
      </div>
      <Card title={t('journey.paths')}>
        <DataTable id="journey-paths" label={t('journey.paths')} rows={paths} filename="wege-pfade"
          empty={t('journey.paths.empty')} columns={[
            { key: 'path', label: t('journey.path'), value: (r) => r.label },
            { key: 'conv', label: t('journey.conversions'), num: true, value: (r) => r.conversions, render: (r) => num(r.conversions, lang) },
            { key: 'share', label: t('journey.share'), num: true, value: (r) => r.share, render: (r) => pct(r.share, lang) },
          ]} />
      </Card>
      <Card title={t('journey.matrix')}><Heat transitions={data.transitions} /></Card>
      <Card title={t('journey.drops')}>
        <DataTable id="journey-drops" label={t('journey.drops')} rows={asArray(data.drop_offs)} filename="wege-ausstiege" columns={[
          { key: 'group', label: t('journey.group'), value: (r) => r.group },
          { key: 'visits', label: t('journey.through'), num: true, value: (r) => r.visits, render: (r) => num(r.visits, lang) },
          { key: 'exits', label: t('journey.exits'), num: true, value: (r) => r.exits, render: (r) => num(r.exits, lang) },
          { key: 'rate', label: t('journey.exitrate'), num: true, value: (r) => r.exit_rate, render: (r) => pct(r.exit_rate, lang) },
          { key: 'weighted', label: t('journey.weighted'), num: true, value: (r) => r.weighted, render: (r) => pct(r.weighted, lang) },
        ]} />
      </Card>
      <Card title={t('journey.attribution')}>
        {attribution.length ? (
          <ul className="hbars" data-testid="journey-attribution">
            {attribution.map((g) => (
              <li key={g.group} data-group={g.group} data-value={g.share}>
                <span className="hbar-label">{g.group}</span>
                <span className="hbar" role="img" aria-label={`${g.group}: ${pct(g.share, lang)}`}>
                  <span style={{ width: `${(g.share * 100).toFixed(2)}%` }} />
                </span>
                <span className="hbar-value">{pct(g.share, lang)}</span>
              </li>
            ))}
          </ul>
        ) : <Empty>{t('journey.attribution.empty')}</Empty>}
        <p className="muted">{t('journey.attribution.hint')}</p>
      </Card>
    </>
  );
}

/** Rows: Start and the page groups; columns: every state; shade by probability (at most
 * 66 % blue under black text, which keeps the contrast above 7:1). */
function Heat({ transitions }) {
  const { t, lang } = useI18n();
  const states = asArray(transitions?.states);
  const probs = asArray(transitions?.probabilities);
  if (!probs.length || states.length <= 3) return <Empty>{t('journey.matrix.empty')}</Empty>;
  const name = (s) => ({ Start: t('journey.start'), Conversion: t('journey.conversion'), Exit: t('journey.exit') }[s] ?? s);
  return (
    <div className="scroll-region" tabIndex={0} role="region" aria-label={t('journey.matrix')}>
      <table className="heat" data-testid="journey-heat">
        <caption className="muted">{t('journey.matrix.hint')}</caption>
        <thead>
          <tr><th scope="col">{t('journey.from')}</th>{states.map((s) => <th key={s} scope="col" className="num">{name(s)}</th>)}</tr>
        </thead>
        <tbody>
          {probs.map((row, i) => (
            <tr key={states[i]}>
              <th scope="row">{name(states[i])}</th>
              {row.map((p, j) => (
                <td key={j} className="num" data-testid={`heat-${i}-${j}`} data-value={p}
                  style={{ background: p > 0 ? `rgba(0, 114, 178, ${(0.06 + 0.6 * p).toFixed(3)})` : undefined, color: p > 0 ? '#000' : undefined }}>
                  {p > 0 ? pct(p, lang, 1) : ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The next-page prediction for a path typed in (analyst role: viewers see the 403). */
function NextPage() {
  const { t, lang } = useI18n();
  const [input, setInput] = useState('/');
  const [state, setState] = useState({ loading: false, data: null, error: null });
  const onSubmit = async (e) => {
    e.preventDefault();
    const path = input.split(/[\s,→>]+/).filter(Boolean);
    setState({ loading: true, data: null, error: null });
    try {
      setState({ loading: false, data: await api.post('/api/level3/behavioral/predictive', { type: 'next_page', path }), error: null });
    } catch (error) {
      setState({ loading: false, data: null, error });
    }
  };
  const d = state.data;
  return (
    <Card title={t('journey.next')} testid="journey-next">
      <form className="filters" onSubmit={onSubmit} data-testid="next-form">
        <label><span className="label">{t('journey.next.path')}</span>
          <input type="text" value={input} onChange={(e) => setInput(e.target.value)} data-testid="next-path" size={48} />
        </label>
        <button type="submit" className="btn-primary" data-testid="next-submit">{t('journey.next.submit')}</button>
      </form>
      <p className="muted">{t('journey.next.hint')}</p>
      {state.loading && <Loading />}
      {state.error && <Problem error={state.error} need="analyst" compact />}
      {d && (
        <>
          <p data-testid="next-order" data-value={d.context?.order}>
            {t('journey.next.order', { order: d.context?.order, n: num(d.context?.support, lang) })}
          </p>
          <DataTable id="next-predictions" label={t('journey.next')} rows={asArray(d.predictions)} filename="wege-naechste-seite"
            empty={t('journey.next.empty')} columns={[
              { key: 'path', label: t('journey.path'), value: (r) => r.path },
              { key: 'p', label: t('journey.next.prob'), num: true, value: (r) => r.probability, render: (r) => pct(r.probability, lang) },
              { key: 'n', label: t('journey.next.count'), num: true, value: (r) => r.count, render: (r) => num(r.count, lang) },
            ]} />
          <p>{t('journey.next.exit', { p: pct(d.exit_probability, lang) })}</p>
          <h3>{t('journey.next.rules')}</h3>
          <pre className="code" data-testid="next-rules">{JSON.stringify(d.speculation_rules, null, 2)}</pre>
        </>
      )}
    </Card>
  );
}
