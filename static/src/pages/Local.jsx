// Locations & languages (international and local, #38–#42): the stored business locations
// with their NAP findings, a map drawn as SVG from latitude and longitude (no tiles from
// elsewhere) with the service circles, the pairs of overlapping service areas, the local
// events (upcoming and past, with their validation state) and the checked hreflang clusters
// with what is wrong and the corrected tags. Every figure comes from the API.
import { useI18n, enumLabel } from '../lib/i18n.js';
import { useApi } from '../lib/useApi.js';
import { endpoints } from '../lib/endpoints.js';
import { num, DASH, LOCALE } from '../lib/format.js';
import { Card } from '../components/Card.jsx';
import { Async, Empty } from '../components/States.jsx';
import { DataTable } from '../components/DataTable.jsx';

const LIMIT = 500;

function Tile({ title, value, testid }) {
  const { lang } = useI18n();
  return (
    <Card headingLevel={3} title={title}>
      <p className="kpi"><span className="kpi-value" data-testid={testid} data-value={value ?? ''}>{num(value, lang)}</span></p>
    </Card>
  );
}

/** The sentence of a NAP finding, in the page's language. */
export function napText(i, t) {
  const field = t(`local.field.${i.field}`);
  return t(`local.nap.${i.code}`, { source: i.source ?? '', field, listed: i.listed ?? '', other: i.other ?? '' });
}

/** A date-time of the API (with its offset) as the event's wall clock: "21.01.2027, 18:00". */
function wallClock(iso, lang) {
  if (!iso) return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
  return new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d);
}

export function Local() {
  const { t } = useI18n();
  const locs = useApi((signal) => endpoints.localLocations(signal), []);
  const events = useApi((signal) => endpoints.localEvents({ limit: LIMIT }, signal), []);
  const langs = useApi((signal) => endpoints.localLanguages({ limit: LIMIT }, signal), []);
  return (
    <>
      <h1>{t('local.title')}</h1>
      <p className="muted">{t('local.intro')}</p>
      <h2>{t('local.locations')}</h2>
      <Async res={locs}>{(d) => <Locations data={d} />}</Async>
      <h2>{t('local.events')}</h2>
      <Async res={events}>{(d) => <Events data={d} />}</Async>
      <h2>{t('local.clusters')}</h2>
      <Async res={langs}>{(d) => <Clusters data={d} />}</Async>
    </>
  );
}

/** Latitude/longitude on an equirectangular plane (longitude shrunk by cos(latitude)). */
function MapPlot({ map }) {
  const { t, lang } = useI18n();
  if (!map.bbox || map.points.length === 0) return null;
  const { min_lat: la0, max_lat: la1, min_lon: lo0, max_lon: lo1 } = map.bbox;
  const k = Math.cos(((la0 + la1) / 2) * Math.PI / 180);
  const pad = 0.6;                           // degrees of latitude around the points
  const w = (lo1 - lo0) * k + 2 * pad; const h = la1 - la0 + 2 * pad;
  const x = (lon) => (lon - lo0) * k + pad; const y = (lat) => la1 - lat + pad;
  const scale = 400 / Math.max(w, h);
  return (
    <svg viewBox={`0 0 ${(w * scale).toFixed(1)} ${(h * scale).toFixed(1)}`} className="local-map" data-testid="local-map"
      role="img" aria-label={t('local.map.label', { n: num(map.points.length, lang) })}>
      {map.points.map((p) => (
        <g key={p.key} data-key={p.key}>
          {p.radius_km && <circle cx={x(p.lon) * scale} cy={y(p.lat) * scale} r={(p.radius_km / 111.2) * scale}
            fill="currentColor" fillOpacity="0.08" stroke="currentColor" strokeOpacity="0.4" />}
          <circle cx={x(p.lon) * scale} cy={y(p.lat) * scale} r="4" fill="currentColor">
            <title>{p.name}</title>
          </circle>
          <text x={x(p.lon) * scale + 6} y={y(p.lat) * scale + 4} fontSize="11" fill="currentColor">{p.name}</text>
        </g>
      ))}
    </svg>
  );
}

function Locations({ data }) {
  const { t, lang } = useI18n();
  if (data.n === 0) return <Empty>{t('local.locations.none')}</Empty>;
  const columns = [
    { key: 'name', label: t('local.col.name'), value: (r) => r.name },
    { key: 'address', label: t('local.col.address'), value: (r) => r.address },
    { key: 'phone', label: t('local.col.phone'), value: (r) => r.phone_display },
    { key: 'issues', label: t('local.col.nap'), num: true, value: (r) => r.nap_issues.length,
      render: (r) => (r.nap_issues.length === 0 ? t('local.nap.none')
        : <ul className="local-list">{r.nap_issues.map((i, k) => <li key={k} data-code={i.code}>{napText(i, t)}</li>)}</ul>),
      csv: (r) => r.nap_issues.map((i) => napText(i, t)).join('; ') },
  ];
  return (
    <>
      <div className="grid cards-3">
        <Tile title={t('local.tile.locations')} value={data.n} testid="local-n" />
        <Tile title={t('local.tile.with_issues')} value={data.with_issues} testid="local-with-issues" />
        <Tile title={t('local.tile.overlaps')} value={data.overlaps.length} testid="local-overlaps-n" />
      </div>
      <Card title={t('local.map')} headingLevel={3}><MapPlot map={data.map} /></Card>
      <DataTable id="local-locations" testid="local-locations" caption={t('local.locations')} columns={columns}
        rows={data.locations} filename="standorte" />
      <h3>{t('local.overlaps')}</h3>
      {data.overlaps.length === 0 ? <Empty>{t('local.overlaps.none')}</Empty> : (
        <ul data-testid="local-overlaps">
          {data.overlaps.map((o) => (
            <li key={`${o.a}-${o.b}`} data-value={o.overlap_km}>
              {t(o.regions.length ? 'local.overlap.regions' : 'local.overlap.circle', {
                a: o.a, b: o.b, d: num(o.distance_km, lang, 1), o: num(o.overlap_km, lang, 1), regions: o.regions.join(', '),
              })}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Events({ data }) {
  const { t, lang } = useI18n();
  if (data.n === 0) return <Empty>{t('local.events.none')}</Empty>;
  const columns = [
    { key: 'name', label: t('local.col.event'), value: (r) => r.name },
    { key: 'start', label: t('local.col.start'), value: (r) => r.start, render: (r) => wallClock(r.start, lang), csv: (r) => r.start },
    { key: 'city', label: t('local.col.city'), value: (r) => r.city ?? DASH },
    { key: 'status', label: t('local.col.status'), value: (r) => enumLabel(lang, 'local.status', r.status) },
    { key: 'state', label: t('local.col.state'), value: (r) => enumLabel(lang, 'local.state', r.state) },
    { key: 'notes', label: t('local.col.notes'), num: true, value: (r) => r.errors.length + r.warnings.length },
  ];
  return (
    <>
      <div className="grid cards-3">
        <Tile title={t('local.tile.upcoming')} value={data.n_upcoming} testid="local-upcoming-n" />
        <Tile title={t('local.tile.past')} value={data.n_past} testid="local-past-n" />
        <Tile title={t('local.tile.event_errors')} value={data.states.errors} testid="local-event-errors" />
      </div>
      <DataTable id="local-upcoming" testid="local-upcoming" caption={t('local.upcoming')} columns={columns}
        rows={data.upcoming} filename="veranstaltungen-kommend" />
      <DataTable id="local-past" testid="local-past" caption={t('local.past')} columns={columns}
        rows={data.past} filename="veranstaltungen-vergangen" />
    </>
  );
}

function Clusters({ data }) {
  const { t, lang } = useI18n();
  if (data.n === 0) return <Empty>{t('local.clusters.none')}</Empty>;
  return (
    <div data-testid="local-clusters">
      {data.items.map((c) => (
        <Card key={c.id} headingLevel={3} title={c.name} testid={`local-cluster-${c.id}`}>
          <p data-valid={String(c.valid)}>
            {t(c.valid ? 'local.cluster.valid' : 'local.cluster.invalid', { e: num(c.errors, lang), w: num(c.warnings, lang), n: num(c.n_pages, lang) })}
          </p>
          <ul className="local-list" data-testid="local-cluster-issues">
            {c.issues.map((i, k) => (
              <li key={k} data-code={i.code} data-severity={i.severity}>
                <strong>{enumLabel(lang, 'local.issue', i.code)}</strong>
                {i.page && <> · <code>{i.page}</code></>}
                {i.hreflang && <> · <code>{i.hreflang}</code></>}
                {i.href && i.href !== i.page && <> → <code>{i.href}</code></>}
              </li>
            ))}
          </ul>
          <details>
            <summary>{t('local.cluster.tags')}</summary>
            {c.pages.map((p) => (
              <div key={p.url}>
                <p><code>{p.url}</code> ({p.hreflang})</p>
                <pre className="code" tabIndex={0}>{p.tags.join('\n')}</pre>
              </div>
            ))}
            <p>{t('local.cluster.sitemap')}</p>
            <pre className="code" tabIndex={0}>{c.sitemap}</pre>
          </details>
        </Card>
      ))}
    </div>
  );
}
