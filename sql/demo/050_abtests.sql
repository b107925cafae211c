-- Demo: three A/B tests of ZOE Solar's website (#30, #31), with exposures and
-- the goal events that make their conversions (sql/024_abtests.sql).
--   "Startseite: Angebots-Button"  finished, a clear winner: 250 of 5000
--       against 330 of 5000 (goal angebot_rechner) -> ship
--   "Ratgeber: Newsletter-Box"     finished, a planted sample-ratio mismatch:
--       5000 against 4600 exposures at 50/50 -> stop
--   "Wärmepumpe: Preisrechner oben" running over the demo visitors of the
--       last 14 days; its conversions are their real `lead` goals
-- Deterministic (no random()); the visitor ids of the finished tests lie far
-- above the demo sessions' ids.

INSERT INTO ab_tests (site_id, name, metric, variants, thompson, created_at, ended_at, created_by)
SELECT s.id, t.name, t.metric, t.variants::jsonb, false, now() - make_interval(days => t.ago),
       now() - make_interval(days => t.ago - 30), 'seed'
FROM sites s, (VALUES
    ('Startseite: Angebots-Button', 'angebot_rechner',
     '[{"name": "Kontrolle", "weight": 0.5}, {"name": "Jetzt Angebot sichern", "weight": 0.5}]', 75),
    ('Ratgeber: Newsletter-Box', 'newsletter_anmeldung',
     '[{"name": "Kontrolle", "weight": 0.5}, {"name": "Box im Text", "weight": 0.5}]', 72)
) t(name, metric, variants, ago)
WHERE s.domain = 'zoe-solar.de'
ON CONFLICT (site_id, lower(name)) DO NOTHING;

-- Exposures of the finished tests spread over their 30 days; conversions for
-- a fixed share of each arm, picked by a multiplicative shuffle of n.
CREATE TEMP TABLE demo_ab ON COMMIT DROP AS
SELECT t.id AS test_id, t.site_id, t.metric, t.created_at, a.variant, n,
       CASE t.name WHEN 'Startseite: Angebots-Button' THEN 910000000000 ELSE 920000000000 END
           + a.variant * 100000 + n AS visitor_id,
       t.created_at + make_interval(secs => n * 2592000.0 / a.exposures) AS exposed_at,
       (n * 7919) % a.exposures < a.conversions AS converts
FROM ab_tests t
JOIN (VALUES ('Startseite: Angebots-Button', 0, 5000, 250),
             ('Startseite: Angebots-Button', 1, 5000, 330),
             ('Ratgeber: Newsletter-Box', 0, 5000, 160),
             ('Ratgeber: Newsletter-Box', 1, 4600, 161)) a(name, variant, exposures, conversions)
  ON a.name = t.name,
     LATERAL generate_series(1, a.exposures) n
WHERE t.created_by = 'seed';

INSERT INTO ab_exposures (test_id, visitor_id, variant, exposed_at)
SELECT test_id, visitor_id, variant, exposed_at FROM demo_ab
ON CONFLICT DO NOTHING;

INSERT INTO events (site_id, ts, visitor_id, kind, host, path, source, device, name)
SELECT site_id, exposed_at + interval '7 minutes', visitor_id, 'event', 'zoe-solar.de',
       CASE metric WHEN 'angebot_rechner' THEN '/' ELSE '/ratgeber' END, 'direct',
       CASE WHEN n % 5 < 3 THEN 'mobile' ELSE 'desktop' END, metric
FROM demo_ab WHERE converts;

-- The running test: every demo visitor of the last 14 days, at its first
-- pageview, split 50/50 by the parity of an md5 of test and visitor.
INSERT INTO ab_tests (site_id, name, metric, variants, thompson, created_at, created_by)
SELECT s.id, 'Wärmepumpe: Preisrechner oben', 'lead',
       '[{"name": "Kontrolle", "weight": 0.5}, {"name": "Rechner über dem Text", "weight": 0.5}]',
       false, now() - interval '15 days', 'seed'
FROM sites s WHERE s.domain = 'zoe-solar.de'
ON CONFLICT (site_id, lower(name)) DO NOTHING;

INSERT INTO ab_exposures (test_id, visitor_id, variant, exposed_at)
SELECT t.id, e.visitor_id, (get_byte(decode(md5(t.id || ':' || e.visitor_id), 'hex'), 0) % 2),
       min(e.ts)
FROM ab_tests t JOIN events e ON e.site_id = t.site_id AND e.kind = 'pageview'
     AND e.ts >= now() - interval '14 days' AND e.visitor_id < 900000000000
WHERE t.name = 'Wärmepumpe: Preisrechner oben'
GROUP BY t.id, e.visitor_id
ON CONFLICT DO NOTHING;
