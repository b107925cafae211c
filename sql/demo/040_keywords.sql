-- Demo: 24 complete months of daily Search Console figures for 41 German
-- solar keywords, shaped the way the market searches: Balkonkraftwerk and
-- roof PV peak in spring, subsidies (Förderung, Einspeisevergütung) around
-- January, heat pumps in autumn, storage in summer; a few trend up (800 Watt,
-- dynamic tariffs, storage) or down (Solarthermie, feed-in tariff), weekends
-- search less, and Intersolar Europe in June lifts storage and its own name.
-- Events: the last Intersolar Europe (with history) and the next one.
-- Deterministic (setseed) and idempotent (ON CONFLICT DO NOTHING).
SELECT setseed(0.40);

CREATE TEMP TABLE demo_kw (keyword text, base float8, ctr float8, peak int, amp float8,
                           growth float8, fair float8, pos float8) ON COMMIT DROP;
-- peak: day of the year the season tops (0 = no season); growth: change over
-- the two years (0.8 = +80 %); fair: factor during Intersolar
INSERT INTO demo_kw VALUES
 ('balkonkraftwerk', 120, 0.045, 110, 0.6, 0.3, 1, 3.2),
 ('balkonkraftwerk genehmigung', 25, 0.06, 100, 0.7, 0.2, 1, 4.1),
 ('balkonkraftwerk 800 watt', 40, 0.05, 115, 0.6, 1.2, 1, 5.3),
 ('balkonkraftwerk mit speicher', 20, 0.04, 120, 0.5, 1.5, 1.3, 6.8),
 ('photovoltaik', 150, 0.02, 170, 0.3, 0, 1, 8.5),
 ('photovoltaik kosten', 60, 0.035, 110, 0.35, -0.1, 1, 5.9),
 ('photovoltaik förderung', 45, 0.05, 15, 0.6, -0.2, 1, 4.4),
 ('pv anlage', 110, 0.025, 165, 0.3, 0, 1, 7.7),
 ('pv anlage kaufen', 30, 0.04, 105, 0.4, 0, 1, 6.2),
 ('pv anlage einfamilienhaus', 25, 0.05, 100, 0.4, 0.1, 1, 3.9),
 ('solaranlage', 90, 0.03, 175, 0.35, 0, 1, 9.1),
 ('solaranlage dach', 30, 0.04, 110, 0.4, 0, 1, 5.6),
 ('solarmodule', 35, 0.03, 170, 0.3, -0.4, 1.2, 11.4),
 ('solarstrom', 40, 0.035, 180, 0.4, 0, 1, 7.2),
 ('solarthermie', 15, 0.04, 285, 0.3, -0.6, 1, 8.8),
 ('einspeisevergütung', 35, 0.05, 10, 0.5, -0.5, 1, 4.8),
 ('einspeisevergütung aktuell', 15, 0.06, 12, 0.6, 0, 1, 3.6),
 ('kfw förderung photovoltaik', 20, 0.05, 20, 0.7, -0.3, 1, 5.1),
 ('bafa förderung wärmepumpe', 25, 0.05, 25, 0.6, 0, 1, 6.3),
 ('förderung solaranlage', 30, 0.05, 15, 0.6, 0, 1, 4.9),
 ('wärmepumpe', 140, 0.015, 290, 0.55, 0, 1, 12.5),
 ('wärmepumpe kosten', 50, 0.03, 280, 0.5, 0, 1, 9.4),
 ('wärmepumpe förderung', 40, 0.04, 20, 0.5, 0, 1, 7.5),
 ('wärmepumpe mit photovoltaik', 20, 0.05, 285, 0.4, 0.8, 1, 4.2),
 ('batteriespeicher', 50, 0.035, 175, 0.3, 0.6, 1.6, 6.1),
 ('stromspeicher', 40, 0.035, 170, 0.3, 0.4, 1.5, 6.9),
 ('stromspeicher nachrüsten', 15, 0.05, 110, 0.3, 0.9, 1.4, 4.6),
 ('intersolar', 5, 0.02, 0, 0, 0, 8, 14.2),
 ('wallbox', 60, 0.03, 0, 0.1, 0.5, 1, 8.3),
 ('wallbox förderung', 20, 0.05, 20, 0.5, -0.3, 1, 5.4),
 ('e-auto laden mit solarstrom', 12, 0.05, 180, 0.3, 1.0, 1, 3.8),
 ('dynamischer stromtarif', 18, 0.04, 0, 0.1, 2.0, 1, 6.6),
 ('notstrom photovoltaik', 10, 0.05, 300, 0.6, 0, 1, 4.3),
 ('smart meter', 20, 0.03, 0, 0.2, 0.7, 1, 10.2),
 ('mieterstrom', 8, 0.04, 0, 0.1, 0, 1, 7.9),
 ('agri pv', 6, 0.04, 170, 0.2, 1.0, 1.3, 9.6),
 ('solarcarport', 10, 0.05, 115, 0.5, 0.3, 1, 5.2),
 ('pv reinigung', 8, 0.06, 120, 0.6, 0, 1, 3.4),
 ('photovoltaik versicherung', 7, 0.05, 0, 0.1, 0, 1, 6.1),
 ('solar gewerbe', 12, 0.04, 0, 0.2, -0.2, 1.2, 8.7),
 ('zoe solar', 30, 0.4, 0, 0.1, 0.4, 1, 1.1);

-- the last Intersolar Europe (Munich, late June) and the next
CREATE TEMP TABLE demo_fair ON COMMIT DROP AS
SELECT make_date(y, 6, 23) AS starts_on, make_date(y, 6, 25) AS ends_on,
       make_date(y + 1, 6, 22) AS next_starts, make_date(y + 1, 6, 24) AS next_ends
FROM (SELECT extract(year FROM current_date - interval '7 months')::int AS y) t;

INSERT INTO keywords (keyword) SELECT keyword FROM demo_kw ORDER BY keyword
ON CONFLICT (keyword) DO NOTHING;

WITH span AS (
    SELECT (date_trunc('month', current_date) - interval '24 months')::date AS first,
           (date_trunc('month', current_date) - interval '1 day')::date AS last),
days AS (
    SELECT d::date AS day, (d::date - span.first) AS t, (span.last - span.first) AS n
    FROM span, generate_series(span.first, span.last, interval '1 day') d),
f AS (
    SELECT k.keyword, days.day,
        k.base
        * CASE WHEN k.peak = 0 THEN 1 ELSE
            1 + k.amp * cos(2 * pi() * (extract(doy FROM days.day) - k.peak) / 365.25) END
        * (1 + k.growth * days.t / days.n)
        * CASE WHEN extract(isodow FROM days.day) >= 6 THEN 0.78 ELSE 1 END
        * CASE WHEN days.day BETWEEN fair.starts_on - 2 AND fair.ends_on + 2
                 OR days.day BETWEEN fair.starts_on - 367 AND fair.ends_on - 363
               THEN k.fair ELSE 1 END
        * (1 + 0.12 * (random() + random() + random() - 1.5)) AS clicks,
        k.ctr, k.pos
    FROM demo_kw k CROSS JOIN days CROSS JOIN demo_fair fair
    ORDER BY k.keyword, days.day)
INSERT INTO keyword_days (keyword_id, day, clicks, impressions, position)
SELECT kw.id, f.day, greatest(0, round(f.clicks)),
       greatest(round(f.clicks), round(f.clicks / (f.ctr * (0.9 + 0.2 * random())))),
       round((f.pos * (0.9 + 0.2 * random()))::numeric, 1) + 1
FROM f JOIN keywords kw USING (keyword)
ON CONFLICT (keyword_id, day) DO NOTHING;

INSERT INTO keyword_events (name, kind, starts_on, ends_on, keywords, url)
SELECT 'Intersolar Europe ' || extract(year FROM starts_on), 'trade_fair', starts_on, ends_on,
       ARRAY['intersolar', 'batteriespeicher', 'stromspeicher', 'stromspeicher nachrüsten'],
       'https://www.intersolar.de/'
FROM demo_fair
UNION ALL
SELECT 'Intersolar Europe ' || extract(year FROM next_starts), 'trade_fair', next_starts,
       next_ends, ARRAY['intersolar', 'batteriespeicher', 'stromspeicher'],
       'https://www.intersolar.de/'
FROM demo_fair
UNION ALL
SELECT 'Jahresanpassung Einspeisevergütung', 'law',
       make_date(extract(year FROM current_date)::int + 1, 2, 1),
       make_date(extract(year FROM current_date)::int + 1, 2, 1),
       ARRAY['einspeisevergütung', 'einspeisevergütung aktuell'], NULL
ON CONFLICT (name, starts_on) DO NOTHING;
