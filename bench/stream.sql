-- bench/stream.sql - a steady stream of :rate events/s into site :site over
-- [:t0, :t1): visits of 1-6 page loads (a page load is a pageview, an
-- engagement and the five web vitals with metric ids, as bench/events.sql
-- writes them) started evenly over the window, returning visitors, a `lead`
-- goal in 3 % of visits. For measuring the rollup run that closes an hour at
-- a given rate (README, mixed load (c)): no daily rhythm, every hour as busy.
-- psql -v rate=2000 -v site=ID -v t0="'2026-12-02 06:00+00'" -v t1="'2026-12-02 07:20+00'" -f bench/stream.sql

SELECT setseed(0.3);

-- 7 events a page load, 2.65 page loads a visit
CREATE TEMP TABLE stream_visits ON COMMIT DROP AS
SELECT row_number() OVER () AS sid, t0, visitor, device, browser, source, pages, lead
FROM (SELECT :t0::timestamptz + random() * (:t1::timestamptz - :t0::timestamptz) AS t0,
             floor(random() ^ 2 * n * 0.6)::bigint + 1 AS visitor,
             CASE WHEN random() < 0.58 THEN 'mobile' WHEN random() < 0.83 THEN 'desktop'
                  ELSE 'tablet' END AS device,
             (ARRAY['Chrome', 'Chrome', 'Chrome', 'Safari', 'Safari', 'Firefox', 'Edge',
                    'Samsung Internet'])[1 + floor(random() * 8)::int] AS browser,
             (ARRAY['google', 'google', 'google', 'google', 'direct', 'direct', 'bing',
                    'duckduckgo.com', 'facebook.com', 'instagram.com', 'newsletter',
                    'chatgpt.com', 'ecosia.org', 'linkedin.com'])[1 + floor(random() * 14)::int]
                 AS source,
             CASE WHEN random() < 0.45 THEN 1 ELSE 2 + floor(random() * 5)::int END AS pages,
             random() < 0.03 AS lead
      FROM (SELECT (:rate * extract(epoch FROM :t1::timestamptz - :t0::timestamptz)
                    / 7 / 2.65)::bigint AS n) c, generate_series(1, c.n)) s;

CREATE TEMP TABLE stream_views ON COMMIT DROP AS
SELECT s.*, k,
       s.t0 + (k - 1) * (20 + random() * 160) * interval '1 second' AS ts,
       '/seite-' || floor(2000 * random() ^ 3)::int AS path,
       -- a page load's own measurements, drawn here per row: in the VALUES below,
       -- which refer to no column of the row, random() is drawn once for the load
       (1000 + random() * 90000)::int AS engaged, (random() * 100)::smallint AS scroll,
       150 + random() * 900 AS ttfb, 600 + random() * 2200 AS fcp,
       900 + random() * random() * 5000 AS lcp, random() * random() * 0.4 AS cls,
       40 + random() * random() * 600 AS inp
FROM stream_visits s, generate_series(1, s.pages) k;

INSERT INTO events (site_id, ts, visitor_id, kind, path, source, device, browser, name,
                    value, metric_id, engaged_ms, scroll_pct)
SELECT :site, v.ts + e.secs * interval '1 second', v.visitor, e.kind, v.path, v.source,
       v.device, v.browser, e.name, e.value,
       CASE WHEN e.kind = 'vital' THEN v.sid || '.' || v.k END, e.engaged, e.scroll
FROM stream_views v, LATERAL (VALUES
    ('pageview', 0, NULL, NULL::float8, NULL::int, NULL::smallint),
    ('engagement', 15, NULL, NULL, v.engaged, v.scroll),
    ('vital', 1, 'TTFB', v.ttfb, NULL, NULL),
    ('vital', 1, 'FCP', v.fcp, NULL, NULL),
    ('vital', 2, 'LCP', v.lcp, NULL, NULL),
    ('vital', 14, 'CLS', v.cls, NULL, NULL),
    ('vital', 15, 'INP', v.inp, NULL, NULL)) e(kind, secs, name, value,
                                                                         engaged, scroll)
WHERE v.ts + e.secs * interval '1 second' < :t1::timestamptz
ORDER BY 2;

INSERT INTO events (site_id, ts, visitor_id, kind, path, source, device, browser, name)
SELECT :site, s.t0 + interval '4 minutes', s.visitor, 'event', '/angebot', s.source, s.device,
       s.browser, 'lead'
FROM stream_visits s WHERE s.lead AND s.t0 + interval '4 minutes' < :t1::timestamptz ORDER BY 2;
