-- Demo: 90 days of visits to ZOE Solar's website: sessions of 1-6 pageviews
-- over the pages of sql/demo/005_pages.sql, with sources, devices, engagement,
-- web-vitals samples (two slow pages) and `lead` goals. Deterministic: setseed.
SELECT setseed(0.42);

INSERT INTO sites (domain, key_hash, origins)
VALUES ('zoe-solar.de', encode(sha256('site_demo_zoe_solar'::bytea), 'hex'),
        ARRAY['https://zoe-solar.de', 'https://www.zoe-solar.de', 'http://localhost:8080'])
ON CONFLICT (domain) DO NOTHING;

-- How pages attract entries and how fast they are (p75 targets before noise).
CREATE TEMP TABLE demo_page_profile ON COMMIT DROP AS
SELECT p.path,
       CASE p.page_group WHEN 'start' THEN 30 WHEN 'produkte' THEN 8 WHEN 'ratgeber' THEN 6
            WHEN 'standorte' THEN 4 ELSE 2 END AS weight,
       CASE WHEN p.path = '/standorte/berlin' THEN 3900
            WHEN p.path = '/ratgeber/eeg-verguetung-2026' THEN 4600
            WHEN p.page_group = 'ratgeber' THEN 1900 ELSE 1600 END AS lcp,
       CASE WHEN p.path IN ('/standorte/berlin', '/ratgeber/eeg-verguetung-2026') THEN 300
            ELSE 120 END AS inp,
       CASE WHEN p.path = '/standorte/berlin' THEN 0.19 ELSE 0.04 END AS cls
FROM pages p JOIN sites s ON s.id = p.site_id
WHERE s.domain = 'zoe-solar.de' AND p.path NOT IN ('/impressum', '/datenschutz');

-- Entry pages drawn by weight: a cumulative table and a uniform draw.
CREATE TEMP TABLE demo_entry ON COMMIT DROP AS
SELECT path, sum(weight) OVER (ORDER BY path) AS upto, sum(weight) OVER () AS total
FROM demo_page_profile;

CREATE TEMP TABLE demo_session ON COMMIT DROP AS
SELECT row_number() OVER () AS sid, day, start_s, source, device, pages, converts, entry_draw
FROM (
    SELECT d AS day,
           floor(random() * 80000)::int AS start_s,
           (ARRAY['google', 'google', 'google', 'direct', 'direct', 'bing', 'facebook.com',
                  'newsletter', 'ecosia.org', 'linkedin.com'])[1 + floor(random() * 10)::int] AS source,
           CASE WHEN random() < 0.58 THEN 'mobile' WHEN random() < 0.12 THEN 'tablet'
                ELSE 'desktop' END AS device,
           CASE WHEN random() < 0.45 THEN 1 ELSE 2 + floor(random() * 5)::int END AS pages,
           random() < 0.035 AS converts,
           random() AS entry_draw
    FROM generate_series(0, 89) d,
         -- weekdays busier than weekends, and no two days alike (±15 %): a real site's
         -- traffic is never exactly periodic, and forecasts must see some noise
         LATERAL generate_series(1, round((120 + 40 * (extract(isodow FROM now() - make_interval(days => d)) < 6)::int)
                                          * (0.85 + 0.3 * random()))::int) k
) s;

-- Pageviews: the entry page, then pages of the site in a drawn order.
CREATE TEMP TABLE demo_views ON COMMIT DROP AS
SELECT s.sid, s.day, s.source, s.device, s.converts, n AS step,
       s.start_s + (n - 1) * (30 + floor(random() * 150)::int) AS at_s,
       CASE WHEN n = 1 THEN (SELECT e.path FROM demo_entry e
                             WHERE e.upto >= s.entry_draw * e.total ORDER BY e.upto LIMIT 1)
            ELSE (SELECT path FROM demo_page_profile ORDER BY md5(s.sid::text || n::text || path)
                  LIMIT 1) END AS path
FROM demo_session s, generate_series(1, s.pages) n;
DELETE FROM demo_views WHERE path IS NULL;

INSERT INTO events (site_id, ts, visitor_id, kind, host, path, referrer, source, device, browser)
SELECT (SELECT id FROM sites WHERE domain = 'zoe-solar.de'),
       now() - make_interval(days => v.day, secs => 90000) + make_interval(secs => v.at_s),
       v.sid, 'pageview', 'zoe-solar.de', v.path,
       CASE WHEN v.step = 1 AND v.source NOT IN ('direct', 'newsletter')
            THEN 'https://www.' || v.source || '/' END,
       v.source, v.device,
       (ARRAY['Chrome', 'Chrome', 'Safari', 'Firefox', 'Edge', 'Samsung Internet'])[1 + (v.sid % 6)::int]
FROM demo_views v;

-- Engagement at the end of each view.
INSERT INTO events (site_id, ts, visitor_id, kind, host, path, source, device, engaged_ms, scroll_pct)
SELECT (SELECT id FROM sites WHERE domain = 'zoe-solar.de'),
       now() - make_interval(days => v.day, secs => 90000) + make_interval(secs => v.at_s + 25),
       v.sid, 'engagement', 'zoe-solar.de', v.path, v.source, v.device,
       floor(3000 + random() * CASE WHEN v.path LIKE '/ratgeber/%' THEN 180000 ELSE 60000 END)::int,
       floor(random() * 100)::int
FROM demo_views v;

-- Goals: converting sessions send a lead from the quote form.
INSERT INTO events (site_id, ts, visitor_id, kind, host, path, source, device, name, props)
SELECT (SELECT id FROM sites WHERE domain = 'zoe-solar.de'),
       now() - make_interval(days => s.day, secs => 90000 - s.start_s)
           + make_interval(secs => s.pages * 200),
       s.sid, 'event', 'zoe-solar.de', '/angebot-anfordern', s.source, s.device, 'lead',
       jsonb_build_object('product', (ARRAY['photovoltaik', 'speicher', 'wallbox', 'waermepumpe',
                                            'agri-pv'])[1 + (s.sid % 5)::int])
FROM demo_session s WHERE s.converts;

-- Web vitals: one set per view for a third of the views, log-normal around
-- the page's profile, mobile slower.
INSERT INTO events (site_id, ts, visitor_id, kind, host, path, source, device, name, value)
SELECT (SELECT id FROM sites WHERE domain = 'zoe-solar.de'),
       now() - make_interval(days => v.day, secs => 90000) + make_interval(secs => v.at_s + 3),
       v.sid, 'vital', 'zoe-solar.de', v.path, v.source, v.device, m.name,
       greatest(0, m.base * (CASE v.device WHEN 'mobile' THEN 1.25 ELSE 1 END)
                 * exp((random() + random() + random() - 1.5) * 0.6))
FROM demo_views v JOIN demo_page_profile p ON p.path = v.path,
     LATERAL (VALUES ('LCP', p.lcp::float8), ('INP', p.inp::float8), ('CLS', p.cls::float8),
                     ('FCP', p.lcp * 0.6), ('TTFB', p.lcp * 0.25)) m(name, base)
WHERE v.sid % 3 = 0;
