-- 011_entity_aliases.sql: German surface forms of the entity dictionary. An
-- entity now matches not only as a whole word (aliases; a hyphen separates
-- words, so "Gewerbe-PV" and "PV-Großanlagen" hold the word "PV") but also
-- inside closed compounds, and not where a neighbouring word part gives it
-- another sense (analysis/entity.h, entity_pattern):
--
-- heads:      PCRE2 patterns matched at the end of a compound, after at least
--             three letters or a hyphen ("Großspeicher", "Premium-Module")
-- modifiers:  PCRE2 patterns matched at the start of a compound, before at
--             least three more letters or a hyphen; linking elements (-s-,
--             -n-, -en-) need no listing ("Solaranlage|n|förderung")
-- not_after:  literal word parts that may not stand right before a match,
--             closed or hyphenated: "arbeits" (Arbeitsspeicher, Arbeits-Speicher)
-- not_before: literal word parts that may not follow it: "karte" (Speicherkarte)
--
-- "(?-i:S)peicher" matches the noun only when capitalised, so the verb
-- "speichern" is no battery; "(?-i:PV)" keeps "pv" in slugs out. A standalone
-- "Speicher" is a battery storage on this site; the memory and heating senses
-- are recognised by their compounds.

CREATE FUNCTION entity_senses_ok(v text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM unnest(v) AS x WHERE x IS NULL OR x = '' OR octet_length(x) > 64)
$$;

ALTER TABLE entities
    ADD COLUMN heads      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN modifiers  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN not_after  text[] NOT NULL DEFAULT '{}' CHECK (entity_senses_ok(not_after)),
    ADD COLUMN not_before text[] NOT NULL DEFAULT '{}' CHECK (entity_senses_ok(not_before));

UPDATE entities AS e SET
    aliases = e.aliases || f.aliases, heads = f.heads, modifiers = f.modifiers,
    not_after = f.not_after, not_before = f.not_before
FROM (VALUES
    ('Photovoltaik', ARRAY['(?-i:PV)'],
        ARRAY['photovoltaik(?:anlagen?)?', 'solaranlagen?', 'solarstromanlagen?'],
        ARRAY['Photovoltaik', 'Solaranlage', 'Solarstromanlage'],
        '{}'::text[], '{}'::text[]),
    ('Batteriespeicher', ARRAY['(?-i:S)peicher[ns]?'],
        ARRAY['speicher[ns]?'],
        ARRAY['(?-i:S)peicher', 'Batteriespeicher', 'Stromspeicher', 'Solarspeicher', 'Heimspeicher'],
        -- memory, heating, water, gas and hydro storage
        ARRAY['arbeits', 'haupt', 'daten', 'zwischen', 'massen', 'flash', 'usb', 'cloud',
              'online', 'festplatten', 'grafik', 'programm', 'cache', 'ram',
              'wärme', 'waerme', 'wasser', 'puffer', 'pump', 'pumpen', 'heizungs', 'gas',
              'kälte', 'eis', 'wasserstoff', 'schicht', 'schichten', 'kombi', 'hygiene'],
        ARRAY['karte', 'platz', 'stick', 'chip', 'medi', 'riegel', 'baustein', 'stadt', 'ort',
              'adress', 'zugriff', 'leck', 'verwaltung', 'becken', 'kraftwerk', 'see']),
    ('Solarmodul', '{}'::text[],
        ARRAY['modul(?:e|en|s)?'],
        ARRAY['Solarmodul', 'PV-Modul', 'Photovoltaikmodul'],
        -- modules of software, courses, radios and batteries
        ARRAY['software', 'lern', 'lehr', 'kurs', 'schulungs', 'studien', 'prüfungs', 'wahl',
              'pflicht', 'basis', 'aufbau', 'lan', 'funk', 'gsm', 'lte', 'bluetooth', 'zigbee',
              'ethernet', 'netzwerk', 'kommunikations', 'schnittstellen', 'erweiterungs',
              'zusatz', 'steuer', 'mess', 'relais', 'display', 'kamera', 'sensor', 'rechen',
              'daten', 'speicher', 'batterie', 'akku', 'lade'],
        '{}'::text[]),
    ('Wechselrichter', '{}'::text[],
        ARRAY['wechselrichter[ns]?'], ARRAY['Wechselrichter'], '{}'::text[], '{}'::text[]),
    ('Wärmepumpe', '{}'::text[],
        ARRAY['wärmepumpen?', 'waermepumpen?'], ARRAY['Wärmepumpe', 'Waermepumpe'],
        '{}'::text[], '{}'::text[]),
    ('Wallbox', '{}'::text[],
        ARRAY['wallbox(?:en|es)?'], ARRAY['Wallbox'], '{}'::text[], '{}'::text[]),
    ('Balkonkraftwerk', '{}'::text[],
        '{}'::text[], ARRAY['Balkonkraftwerk'], '{}'::text[], '{}'::text[]),
    ('Eigenverbrauch', '{}'::text[],
        '{}'::text[], ARRAY['Eigenverbrauch'], '{}'::text[], '{}'::text[]),
    ('Einspeisevergütung', '{}'::text[],
        '{}'::text[], ARRAY['Einspeisevergütung'], '{}'::text[], '{}'::text[]),
    ('Solarthermie', '{}'::text[],
        '{}'::text[], ARRAY['Solarthermie'], '{}'::text[], '{}'::text[])
) AS f(name, aliases, heads, modifiers, not_after, not_before)
WHERE e.name = f.name;
