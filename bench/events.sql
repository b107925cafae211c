-- bench/events.sql - about :n realistic events into site :site over the 90 days
-- before now: sessions of 1-6 page loads over 2,000 pages (a few popular, a long
-- tail), each page load a pageview, an engagement and the five web vitals (with
-- metric ids), a `lead` goal in 3 % of sessions; devices, browsers and sources in
-- realistic shares; more traffic in the evening than at night and on weekdays
-- than at weekends; returning visitors. One INSERT ... SELECT, no round trips, rows in
-- time order as the ingest writes them.
-- psql -v n=1000000 -v site=ID -f bench/events.sql

SELECT setseed(0.7);

-- a page load is 7 events: sessions = n / 7 / 2.6 page loads per session
CREATE TEMP TABLE bench_sessions ON COMMIT DROP AS
SELECT row_number() OVER () AS sid, t0, visitor, device, browser, source, pages, lead
FROM (
    SELECT t0,
           floor(random() ^ 2 * (:n / 18.2 * 0.7))::bigint + 1 AS visitor,
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
    FROM (SELECT now() - random() * interval '90 days' AS t0
          FROM generate_series(1, (:n / 18.2 * 2.2)::int)) c
    -- evening peak, night trough; weekends at 70 %
    WHERE random() < (0.55 - 0.45 * cos(2 * pi() *
                      (extract(hour FROM t0 AT TIME ZONE 'Europe/Berlin') - 3) / 24))
                     * CASE WHEN extract(isodow FROM t0 AT TIME ZONE 'Europe/Berlin') > 5
                            THEN 0.7 ELSE 1 END
    LIMIT (:n / 18.2)::int) s;

CREATE TEMP TABLE bench_views ON COMMIT DROP AS
SELECT s.*, k,
       s.t0 + (k - 1) * (20 + random() * 160) * interval '1 second' AS ts,
       '/seite-' || floor(2000 * random() ^ 3)::int AS path,
       -- a page load's own measurements, drawn here per row: in the VALUES below,
       -- which refer to no column of the row, random() was drawn once for the load
       (1000 + random() * 90000)::int AS engaged, (random() * 100)::smallint AS scroll,
       150 + random() * 900 AS ttfb, 600 + random() * 2200 AS fcp,
       900 + random() * random() * 5000 AS lcp, random() * random() * 0.4 AS cls,
       40 + random() * random() * 600 AS inp
FROM bench_sessions s, generate_series(1, s.pages) k;

INSERT INTO events (site_id, ts, visitor_id, kind, path, source, device, browser, name,
                    value, metric_id, engaged_ms, scroll_pct)
SELECT :site, v.ts + e.secs * interval '1 second', v.visitor, e.kind, v.path, v.source,
       v.device, v.browser, e.name, e.value,
       CASE WHEN e.kind = 'vital' THEN v.sid || '.' || v.k END, e.engaged, e.scroll
FROM bench_views v, LATERAL (VALUES
    ('pageview', 0, NULL, NULL::float8, NULL::int, NULL::smallint),
    ('engagement', 15, NULL, NULL, v.engaged, v.scroll),
    ('vital', 1, 'TTFB', v.ttfb, NULL, NULL),
    ('vital', 1, 'FCP', v.fcp, NULL, NULL),
    ('vital', 2, 'LCP', v.lcp, NULL, NULL),
    ('vital', 14, 'CLS', v.cls, NULL, NULL),
    ('vital', 15, 'INP', v.inp, NULL, NULL)) e(kind, secs, name, value,
                                                                         engaged, scroll)
ORDER BY 2;     -- in time order, as the ingest appends (the BRIN index on ts relies on it)

INSERT INTO events (site_id, ts, visitor_id, kind, path, source, device, browser, name)
SELECT :site, s.t0 + interval '4 minutes', s.visitor, 'event', '/angebot', s.source, s.device,
       s.browser, 'lead'
FROM bench_sessions s WHERE s.lead ORDER BY 2;
