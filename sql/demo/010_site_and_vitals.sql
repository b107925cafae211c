-- Demo: the ZOE Solar website, 28 days of pageviews, engagement and web-vitals
-- samples on its main pages, with two slow pages. Deterministic: setseed.
SELECT setseed(0.42);

INSERT INTO sites (domain, key_hash, origins)
VALUES ('zoe-solar.de', encode(sha256('site_demo_zoe_solar'::bytea), 'hex'),
        ARRAY['https://zoe-solar.de', 'https://www.zoe-solar.de', 'http://localhost:8080'])
ON CONFLICT (domain) DO NOTHING;

CREATE TEMP TABLE demo_pages (path text, weight int, lcp float8, inp float8, cls float8) ON COMMIT DROP;
INSERT INTO demo_pages VALUES
    ('/', 30, 1900, 120, 0.04),
    ('/photovoltaik-gewerbe', 14, 2200, 150, 0.06),
    ('/agri-pv', 8, 2400, 170, 0.05),
    ('/batteriespeicher', 10, 2100, 140, 0.03),
    ('/wallbox', 7, 2000, 110, 0.02),
    ('/waermepumpe', 6, 2300, 160, 0.08),
    ('/standorte/berlin', 5, 3900, 260, 0.18),      -- slow: big hero image, layout shift
    ('/ratgeber/eeg-verguetung-2026', 9, 4600, 320, 0.12),  -- slow: heavy embeds
    ('/kontakt', 6, 1700, 90, 0.01),
    ('/referenzen', 5, 2600, 190, 0.07);

-- visits: per page per day weight*3 pageviews with a vital of each kind
INSERT INTO events (site_id, ts, visitor_id, kind, host, path, source, device, browser, name, value, rating)
SELECT s.id,
       date_trunc('day', now()) - make_interval(days => d) + make_interval(secs => floor(random() * 86000)::int),
       floor(random() * 1e12)::bigint, 'vital', 'zoe-solar.de', p.path,
       (ARRAY['google', 'direct', 'bing', 'facebook.com', 'newsletter'])[1 + floor(random() * 5)::int],
       dev, (ARRAY['Chrome', 'Safari', 'Firefox', 'Edge'])[1 + floor(random() * 4)::int],
       v.name,
       -- log-normal around the page's typical value; mobile is slower
       greatest(0, v.base * (CASE dev WHEN 'mobile' THEN 1.25 ELSE 1 END)
                 * exp((random() + random() + random() - 1.5) * 0.6)),
       NULL
FROM sites s, demo_pages p, generate_series(0, 27) d,
     LATERAL (VALUES ('LCP', p.lcp), ('INP', p.inp), ('CLS', p.cls), ('FCP', p.lcp * 0.6),
                     ('TTFB', p.lcp * 0.25)) v(name, base),
     LATERAL generate_series(1, p.weight / 3 + 1) k,
     LATERAL (SELECT CASE WHEN random() < 0.62 THEN 'mobile' WHEN random() < 0.1 THEN 'tablet'
                          ELSE 'desktop' END) dv(dev)
WHERE s.domain = 'zoe-solar.de';

INSERT INTO events (site_id, ts, visitor_id, kind, host, path, source, device, browser)
SELECT s.id,
       date_trunc('day', now()) - make_interval(days => d) + make_interval(secs => floor(random() * 86000)::int),
       floor(random() * 1e12)::bigint, 'pageview', 'zoe-solar.de', p.path,
       (ARRAY['google', 'direct', 'bing', 'facebook.com', 'newsletter'])[1 + floor(random() * 5)::int],
       CASE WHEN random() < 0.62 THEN 'mobile' ELSE 'desktop' END, 'Chrome'
FROM sites s, demo_pages p, generate_series(0, 27) d, generate_series(1, p.weight * 3) k
WHERE s.domain = 'zoe-solar.de';

INSERT INTO events (site_id, ts, visitor_id, kind, host, path, device, engaged_ms, scroll_pct)
SELECT s.id,
       date_trunc('day', now()) - make_interval(days => d) + make_interval(secs => floor(random() * 86000)::int),
       floor(random() * 1e12)::bigint, 'engagement', 'zoe-solar.de', p.path,
       CASE WHEN random() < 0.62 THEN 'mobile' ELSE 'desktop' END,
       floor(5000 + random() * 120000)::int, floor(random() * 100)::int
FROM sites s, demo_pages p, generate_series(0, 27) d, generate_series(1, p.weight) k
WHERE s.domain = 'zoe-solar.de';
