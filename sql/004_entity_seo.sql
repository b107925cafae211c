-- 004_entity_seo.sql: entity SEO (#1/#2). The entity dictionary, editable through
-- the table (every change bumps entity_dict_state.version, so each worker
-- recompiles its PCRE2 patterns on the next request), and the stored analyses:
-- one row per normalised URL, its entity mentions and co-occurring pairs.
--
-- aliases: PCRE2 patterns, matched case-insensitively with Unicode properties
-- (PCRE2_UTF|PCRE2_CASELESS|PCRE2_UCP) as whole words: the service wraps them
-- as (?<!\w)(?:a1|a2|…)(?!\w). List German inflections and compounds
-- explicitly ("Wärmepumpen?", "Batteriespeicher[ns]?").
-- same_as: Wikidata item where certain, else the German Wikipedia article.
-- cluster: topic cluster; core: a core entity of its cluster (a page whose
-- dominant cluster lacks one is told so).

CREATE TABLE entities (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    type        text NOT NULL CHECK (type IN ('Product', 'Brand', 'Place', 'Concept', 'Organization')),
    aliases     text[] NOT NULL CHECK (cardinality(aliases) > 0),
    same_as     text CHECK (same_as ~ '^https://'),
    cluster     text NOT NULL CHECK (cluster ~ '^[a-z_]+$'),
    core        boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row: the dictionary's version, bumped by every statement that changes it.
CREATE TABLE entity_dict_state (
    one         boolean PRIMARY KEY DEFAULT true CHECK (one),
    version     bigint NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO entity_dict_state DEFAULT VALUES;

CREATE FUNCTION entity_dict_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entity_dict_state SET version = version + 1, updated_at = now();
    RETURN NULL;
END $$;

CREATE FUNCTION entity_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TRIGGER entities_touch BEFORE UPDATE ON entities
    FOR EACH ROW EXECUTE FUNCTION entity_touch();
CREATE TRIGGER entities_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entities
    FOR EACH STATEMENT EXECUTE FUNCTION entity_dict_bump();

-- One analysis per normalised URL; re-analysing replaces it.
CREATE TABLE entity_analyses (
    id             bigserial PRIMARY KEY,
    url            text NOT NULL,               -- as last sent
    url_norm       text NOT NULL UNIQUE,        -- lowercase scheme and host, no fragment
    title          text,
    lang           text NOT NULL,
    chars          integer NOT NULL,            -- code points of the analysed text
    n_entities     integer NOT NULL,
    main_entities  integer NOT NULL,
    topic          text,                        -- dominant topic cluster
    missing_core   text[] NOT NULL DEFAULT '{}',
    dict_version   bigint NOT NULL,
    analysed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE entity_mentions (
    analysis_id  bigint NOT NULL REFERENCES entity_analyses ON DELETE CASCADE,
    entity_id    bigint NOT NULL REFERENCES entities ON DELETE CASCADE,
    count        integer NOT NULL,
    first_pos    integer,                       -- code point offset, NULL when only in the title
    salience     double precision NOT NULL,
    main         boolean NOT NULL,
    in_title     boolean NOT NULL,
    in_h1        boolean NOT NULL,
    in_first     boolean NOT NULL,
    PRIMARY KEY (analysis_id, entity_id)
);
CREATE INDEX ON entity_mentions (entity_id);

CREATE TABLE entity_pairs (
    analysis_id  bigint NOT NULL REFERENCES entity_analyses ON DELETE CASCADE,
    a            bigint NOT NULL REFERENCES entities ON DELETE CASCADE,
    b            bigint NOT NULL REFERENCES entities ON DELETE CASCADE,
    sentences    integer NOT NULL,              -- sentences holding both
    paragraphs   integer NOT NULL,              -- paragraphs holding both
    PRIMARY KEY (analysis_id, a, b),
    CHECK (a < b)
);

-- The starting dictionary of a German solar installer.
INSERT INTO entities (type, name, aliases, same_as, cluster, core) VALUES
-- photovoltaik
('Concept', 'Photovoltaik', ARRAY['Photovoltaik(?:anlagen?)?', 'PV-Anlagen?', 'Solaranlagen?',
    'Solarstromanlagen?', 'Photovoltaic'], 'https://de.wikipedia.org/wiki/Photovoltaik', 'photovoltaik', true),
('Product', 'Solarmodul', ARRAY['Solarmodul(?:e|en|s)?', 'PV-Modul(?:e|en|s)?', 'Photovoltaikmodul(?:e|en|s)?'],
    'https://de.wikipedia.org/wiki/Solarmodul', 'photovoltaik', true),
('Product', 'Wechselrichter', ARRAY['Wechselrichter[ns]?', 'Hybridwechselrichter[ns]?', 'Inverter[ns]?'],
    'https://de.wikipedia.org/wiki/Wechselrichter', 'photovoltaik', true),
('Concept', 'Agri-PV', ARRAY['Agri-PV', 'Agri-Photovoltaik', 'Agrar-PV', 'Agrivoltaik'],
    'https://de.wikipedia.org/wiki/Agri-Photovoltaik', 'photovoltaik', false),
('Product', 'Balkonkraftwerk', ARRAY['Balkonkraftwerk(?:e|en|s)?', 'Stecker-?Solargerät(?:e|en)?', 'Mini-PV'],
    'https://de.wikipedia.org/wiki/Balkonkraftwerk', 'photovoltaik', false),
('Concept', 'Netzbetreiber', ARRAY['Netzbetreiber[ns]?', 'Verteilnetzbetreiber[ns]?'],
    'https://de.wikipedia.org/wiki/Netzbetreiber', 'photovoltaik', false),
('Organization', 'Fraunhofer ISE', ARRAY['Fraunhofer[- ]ISE', 'Fraunhofer-Institut für Solare Energiesysteme'],
    'https://de.wikipedia.org/wiki/Fraunhofer-Institut_f%C3%BCr_Solare_Energiesysteme', 'photovoltaik', false),
-- speicher
('Product', 'Batteriespeicher', ARRAY['Batteriespeicher[ns]?', 'Stromspeicher[ns]?', 'Solarspeicher[ns]?',
    'Heimspeicher[ns]?', 'PV-Speicher[ns]?', 'Solarstromspeicher[ns]?'],
    'https://de.wikipedia.org/wiki/Batteriespeicher', 'speicher', true),
('Concept', 'Eigenverbrauch', ARRAY['Eigenverbrauch(?:s|squote)?', 'Eigenverbrauchsanteil(?:s)?'],
    'https://de.wikipedia.org/wiki/Eigenverbrauch', 'speicher', true),
('Product', 'Tesla Powerwall', ARRAY['Tesla[- ]Powerwall', 'Powerwall'],
    'https://de.wikipedia.org/wiki/Tesla_Powerwall', 'speicher', false),
-- emobilitaet
('Product', 'Wallbox', ARRAY['Wallbox(?:en|es)?', 'Wandladestation(?:en)?'],
    'https://de.wikipedia.org/wiki/Wallbox', 'emobilitaet', true),
('Product', 'PV-Carport', ARRAY['PV-Carports?', 'Solar-?Carports?', 'Photovoltaik-Carports?'],
    NULL, 'emobilitaet', true),
('Product', 'Elektroauto', ARRAY['Elektroautos?', 'E-Autos?', 'Elektrofahrzeug(?:e|en|s)?', 'E-Fahrzeug(?:e|en|s)?'],
    'https://de.wikipedia.org/wiki/Elektroauto', 'emobilitaet', true),
-- waerme
('Product', 'Wärmepumpe', ARRAY['Wärmepumpen?', 'Waermepumpen?', 'Luft-Wasser-Wärmepumpen?', 'Wärmepumpenheizung(?:en)?'],
    'https://de.wikipedia.org/wiki/W%C3%A4rmepumpe', 'waerme', true),
('Concept', 'Solarthermie', ARRAY['Solarthermie(?:anlagen?)?', 'solarthermische[nmrs]?'],
    'https://de.wikipedia.org/wiki/Solarthermie', 'waerme', true),
('Concept', 'Gebäudeenergiegesetz', ARRAY['Gebäudeenergiegesetz(?:es)?', 'GEG'],
    'https://de.wikipedia.org/wiki/Geb%C3%A4udeenergiegesetz', 'waerme', false),
-- foerderung
('Concept', 'EEG', ARRAY['EEG', 'Erneuerbare-Energien-Gesetz(?:es)?'],
    'https://de.wikipedia.org/wiki/Erneuerbare-Energien-Gesetz', 'foerderung', true),
('Concept', 'Einspeisevergütung', ARRAY['Einspeisevergütung(?:en)?', 'Einspeisetarif(?:e|en)?'],
    'https://de.wikipedia.org/wiki/Einspeiseverg%C3%BCtung', 'foerderung', true),
('Organization', 'KfW', ARRAY['KfW', 'Kreditanstalt für Wiederaufbau'],
    'https://de.wikipedia.org/wiki/KfW', 'foerderung', true),
('Organization', 'BAFA', ARRAY['BAFA', 'Bundesamt(?:es)? für Wirtschaft und Ausfuhrkontrolle'],
    'https://de.wikipedia.org/wiki/Bundesamt_f%C3%BCr_Wirtschaft_und_Ausfuhrkontrolle', 'foerderung', false),
('Organization', 'Bundesnetzagentur', ARRAY['Bundesnetzagentur', 'BNetzA'],
    'https://de.wikipedia.org/wiki/Bundesnetzagentur', 'foerderung', false),
('Concept', 'Marktstammdatenregister', ARRAY['Marktstammdatenregisters?', 'MaStR'],
    'https://de.wikipedia.org/wiki/Marktstammdatenregister', 'foerderung', false),
-- hersteller (brands; no core: a brand is never a page's missing piece)
('Brand', 'SMA', ARRAY['SMA', 'SMA Solar(?: Technology)?', 'Sunny (?:Boy|Tripower)'],
    'https://de.wikipedia.org/wiki/SMA_Solar_Technology', 'hersteller', false),
('Brand', 'Fronius', ARRAY['Fronius'], 'https://de.wikipedia.org/wiki/Fronius_International', 'hersteller', false),
('Brand', 'Huawei', ARRAY['Huawei'], 'https://www.wikidata.org/wiki/Q160120', 'hersteller', false),
('Brand', 'SolarEdge', ARRAY['SolarEdge'], 'https://de.wikipedia.org/wiki/SolarEdge', 'hersteller', false),
('Brand', 'Enphase', ARRAY['Enphase(?: Energy)?'], 'https://de.wikipedia.org/wiki/Enphase_Energy', 'hersteller', false),
('Brand', 'BYD', ARRAY['BYD'], 'https://de.wikipedia.org/wiki/BYD_Company', 'hersteller', false),
('Brand', 'Jinko Solar', ARRAY['Jinko ?Solar', 'Jinko'], 'https://de.wikipedia.org/wiki/JinkoSolar', 'hersteller', false),
('Brand', 'LONGi', ARRAY['LONGi(?: Green Energy| Solar)?'], 'https://de.wikipedia.org/wiki/LONGi_Green_Energy_Technology', 'hersteller', false),
('Brand', 'Trina Solar', ARRAY['Trina ?Solar'], 'https://de.wikipedia.org/wiki/Trina_Solar', 'hersteller', false),
('Brand', 'Meyer Burger', ARRAY['Meyer Burger'], 'https://de.wikipedia.org/wiki/Meyer_Burger_Technology', 'hersteller', false),
('Brand', 'Q CELLS', ARRAY['(?:Hanwha )?Q[ .-]?CELLS'], 'https://de.wikipedia.org/wiki/Q-Cells', 'hersteller', false),
-- regionen (Wikidata items of the Länder and cities)
('Place', 'Bayern', ARRAY['Bayerns?', 'Freistaat Bayern', 'bayerische[nmrs]?'], 'https://www.wikidata.org/wiki/Q980', 'regionen', false),
('Place', 'Baden-Württemberg', ARRAY['Baden-Württembergs?', 'BaWü'], 'https://www.wikidata.org/wiki/Q985', 'regionen', false),
('Place', 'Nordrhein-Westfalen', ARRAY['Nordrhein-Westfalens?', 'NRW'], 'https://www.wikidata.org/wiki/Q1198', 'regionen', false),
('Place', 'Niedersachsen', ARRAY['Niedersachsens?'], 'https://www.wikidata.org/wiki/Q1197', 'regionen', false),
('Place', 'Brandenburg', ARRAY['Brandenburgs?'], 'https://www.wikidata.org/wiki/Q1208', 'regionen', false),
('Place', 'Sachsen', ARRAY['Sachsens?', 'Freistaat Sachsen'], 'https://www.wikidata.org/wiki/Q1202', 'regionen', false),
('Place', 'Sachsen-Anhalt', ARRAY['Sachsen-Anhalts?'], 'https://www.wikidata.org/wiki/Q1206', 'regionen', false),
('Place', 'Hessen', ARRAY['Hessens?'], 'https://www.wikidata.org/wiki/Q1199', 'regionen', false),
('Place', 'Berlin', ARRAY['Berlins?', 'Berliner'], 'https://www.wikidata.org/wiki/Q64', 'regionen', false),
('Place', 'Hamburg', ARRAY['Hamburgs?', 'Hamburger'], 'https://www.wikidata.org/wiki/Q1055', 'regionen', false),
('Place', 'München', ARRAY['Münchens?', 'Münchner', 'Muenchen', 'Munich'], 'https://www.wikidata.org/wiki/Q1726', 'regionen', false),
('Place', 'Köln', ARRAY['Kölns?', 'Kölner', 'Koeln', 'Cologne'], 'https://www.wikidata.org/wiki/Q365', 'regionen', false),
('Place', 'Frankfurt am Main', ARRAY['Frankfurt(?: am Main)?', 'Frankfurter'], 'https://www.wikidata.org/wiki/Q1794', 'regionen', false),
('Place', 'Stuttgart', ARRAY['Stuttgarts?', 'Stuttgarter'], 'https://www.wikidata.org/wiki/Q1022', 'regionen', false),
('Place', 'Düsseldorf', ARRAY['Düsseldorfs?', 'Düsseldorfer'], 'https://www.wikidata.org/wiki/Q1718', 'regionen', false),
('Place', 'Leipzig', ARRAY['Leipzigs?', 'Leipziger'], 'https://www.wikidata.org/wiki/Q2079', 'regionen', false),
('Place', 'Dresden', ARRAY['Dresdens?', 'Dresdner'], 'https://www.wikidata.org/wiki/Q1731', 'regionen', false),
('Place', 'Nürnberg', ARRAY['Nürnbergs?', 'Nürnberger', 'Nuremberg'], 'https://www.wikidata.org/wiki/Q2090', 'regionen', false),
('Place', 'Hannover', ARRAY['Hannovers?', 'Hannoversche[nmrs]?'], 'https://www.wikidata.org/wiki/Q1715', 'regionen', false),
('Place', 'Potsdam', ARRAY['Potsdams?', 'Potsdamer'], 'https://www.wikidata.org/wiki/Q1711', 'regionen', false);
