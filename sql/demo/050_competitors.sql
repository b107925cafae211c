-- Demo: three invented competitors of ZOE Solar (no real companies; the
-- .example domains cannot exist) with their keywords and twelve weeks of
-- weekly rankings ending on the last day of the Search Console demo (040),
-- each with its own drift: Sonnenkraft Hanse climbs on storage keywords,
-- Dachstrom Süd holds the balcony plant terms, Heliowerk Rhein slides.
-- Their page snapshots are extracted by the service code (competitor_seed_demo).
-- Deterministic (setseed) and idempotent (ON CONFLICT DO NOTHING).
SELECT setseed(0.52);

INSERT INTO competitors (name, domain, region, keywords) VALUES
 ('Sonnenkraft Hanse', 'sonnenkraft-hanse.example', 'Hamburg und Schleswig-Holstein',
  ARRAY['stromspeicher', 'batteriespeicher', 'photovoltaik', 'pv anlage', 'wallbox', 'photovoltaik kosten']),
 ('Dachstrom Süd', 'dachstrom-sued.example', 'München und Oberbayern',
  ARRAY['balkonkraftwerk', 'balkonkraftwerk 800 watt', 'balkonkraftwerk mit speicher', 'photovoltaik', 'solaranlage']),
 ('Heliowerk Rhein', 'heliowerk-rhein.example', 'Köln und Düsseldorf',
  ARRAY['photovoltaik förderung', 'pv anlage', 'solaranlage', 'wärmepumpe', 'photovoltaik kosten'])
ON CONFLICT (domain) DO NOTHING;

CREATE TEMP TABLE demo_rank (domain text, keyword text, start float8, drift float8, volume bigint) ON COMMIT DROP;
-- start: position twelve weeks ago; drift: change over the twelve weeks (negative = climbing)
INSERT INTO demo_rank VALUES
 ('sonnenkraft-hanse.example', 'stromspeicher', 9, -6, NULL),
 ('sonnenkraft-hanse.example', 'batteriespeicher', 7, -4, NULL),
 ('sonnenkraft-hanse.example', 'photovoltaik', 6, -1, NULL),
 ('sonnenkraft-hanse.example', 'pv anlage', 11, -3, NULL),
 ('sonnenkraft-hanse.example', 'wallbox', 5, 0, NULL),
 ('sonnenkraft-hanse.example', 'photovoltaik kosten', 4, 1, NULL),
 ('sonnenkraft-hanse.example', 'mieterstrom', 3, 0, 1900),
 ('dachstrom-sued.example', 'balkonkraftwerk', 2, 0, NULL),
 ('dachstrom-sued.example', 'balkonkraftwerk 800 watt', 3, -1, NULL),
 ('dachstrom-sued.example', 'balkonkraftwerk mit speicher', 5, -2, NULL),
 ('dachstrom-sued.example', 'photovoltaik', 12, 2, NULL),
 ('dachstrom-sued.example', 'solaranlage', 8, 0, NULL),
 ('dachstrom-sued.example', 'solar carport', 4, -1, 1300),
 ('heliowerk-rhein.example', 'photovoltaik förderung', 2, 5, NULL),
 ('heliowerk-rhein.example', 'pv anlage', 5, 4, NULL),
 ('heliowerk-rhein.example', 'solaranlage', 4, 6, NULL),
 ('heliowerk-rhein.example', 'wärmepumpe', 6, 3, NULL),
 ('heliowerk-rhein.example', 'photovoltaik kosten', 7, 2, NULL),
 ('heliowerk-rhein.example', 'agri pv', 6, 0, 700);

WITH last AS (SELECT coalesce(max(day), current_date) AS day FROM keyword_days),
weeks AS (SELECT w, (SELECT day FROM last) - 7 * (11 - w) AS day FROM generate_series(0, 11) w)
INSERT INTO competitor_rankings (competitor_id, keyword, day, position, volume)
SELECT c.id, r.keyword, weeks.day,
       least(100, greatest(1, round((r.start + r.drift * weeks.w / 11.0
             + 0.8 * (random() + random() - 1))::numeric, 1))), r.volume
FROM demo_rank r JOIN competitors c ON c.domain = r.domain CROSS JOIN weeks
ORDER BY c.id, r.keyword, weeks.w
ON CONFLICT (competitor_id, keyword, day) DO NOTHING;
