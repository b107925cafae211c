-- 030_drafts.sql: autonomous content drafts (#48-#51).
--
-- content_templates holds the templates (analysis/template.h syntax) as
-- data: one row per (kind, variant, version); the newest version of each
-- active variant is used, an edit is a new version (the old one stays).
-- content_drafts holds the current state of each draft, its version the
-- ETag of PATCH; content_draft_revisions keeps every version a draft went
-- through (generated, edited, approved, rejected, published).

CREATE TABLE content_templates (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('landing', 'faq', 'blog_outline')),
    variant     text NOT NULL CHECK (variant ~ '^[a-z0-9_]{1,32}$'),
    version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 400),
    meta        text NOT NULL CHECK (length(meta) <= 1000),
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 65536),
    active      boolean NOT NULL DEFAULT true,
    created_by  text NOT NULL DEFAULT 'migration',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, variant, version)
);

CREATE TABLE content_drafts (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('landing', 'faq', 'blog_outline')),
    keyphrase     text NOT NULL CHECK (length(keyphrase) BETWEEN 1 AND 100),
    params        jsonb NOT NULL DEFAULT '{}',
    status        text NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'approved', 'rejected', 'published')),
    version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    title         text NOT NULL,
    meta          text NOT NULL,
    slug          text NOT NULL,
    body          text NOT NULL,                  -- marked text (readability.h)
    score         smallint CHECK (score BETWEEN 0 AND 100),
    analysis      jsonb NOT NULL,                 -- #26 of the kept text
    paragraphs    jsonb NOT NULL,                 -- [{text, facts: ["table:id"]}]
    missing       jsonb NOT NULL DEFAULT '[]',    -- facts to add
    candidates    jsonb NOT NULL,                 -- every candidate's template, ordering, score
    template_id   bigint REFERENCES content_templates,
    created_by    text NOT NULL,
    updated_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    published_version integer
);
CREATE INDEX content_drafts_status ON content_drafts (status, score DESC, id);

CREATE TABLE content_draft_revisions (
    draft_id    bigint NOT NULL REFERENCES content_drafts ON DELETE CASCADE,
    version     integer NOT NULL,
    status      text NOT NULL,
    title       text NOT NULL,
    meta        text NOT NULL,
    body        text NOT NULL,
    score       smallint,
    paragraphs  jsonb NOT NULL,
    change      text NOT NULL CHECK (change IN ('generated', 'edited', 'approved', 'rejected',
                                               'reopened', 'published')),
    changed_by  text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (draft_id, version)
);

-- the report cache (008): every write bumps one version
CREATE SEQUENCE data_version_drafts;
SELECT nextval('data_version_drafts');
CREATE TRIGGER content_drafts_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON content_drafts FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('data_version_drafts');

-- The starting templates (German). Variables: see handlers/level5_content.c
-- (the context of each kind); every fact comes from a stored row.
INSERT INTO content_templates (kind, variant, title, meta, body) VALUES
('landing', 'erfahrungen',
 'Photovoltaik in {{ stadt }}: {{ keyphrase_titel }} mit Kundenerfahrungen',
 '{{ keyphrase_titel }}: Solaranlage in {{ stadt }} planen.{% if bewertung %} {{ bewertung.anzahl | zahl }} Bewertungen, im Schnitt {{ bewertung.schnitt | zahl:1 }} von 5 Sternen.{% endif %}{% if foerderung %} Mit aktueller Förderung.{% endif %}',
 $t${{ keyphrase_titel }}: Wer in {{ stadt }} eine Solaranlage plant, will wissen, was andere erlebt haben und welche Förderung es gibt. Hier steht, was wir dazu gesammelt haben.
## Erfahrungen mit {{ keyphrase }}
{% if stimmen_ort %}{% for s in stimmen_ort %}„{{ s.text }}“ ({{ s.autor }}, {{ s.sterne }} von 5 Sternen, {{ s.datum | datum }})
{% endfor %}{% else %}{{ bewertung_aus_der_stadt }}
{% endif %}{% if bewertung %}Insgesamt haben uns {{ bewertung.anzahl | zahl }} Kundinnen und Kunden bewertet, im Schnitt mit {{ bewertung.schnitt | zahl:1 }} von 5 Sternen.
{% endif %}## Förderung für Ihre Photovoltaik
{% if foerderung %}{% for f in foerderung %}{{ f.name }}: gilt vom {{ f.von | datum }} bis zum {{ f.bis | datum }}.
{% endfor %}{% else %}{{ foerderprogramm }}
{% endif %}## Der richtige Zeitpunkt
{% if saison %}Die meisten Suchanfragen zu „{{ saison.keyword }}“ kommen im {{ saison.monat }}. Wer im {{ saison.start }} plant, hat die Anlage zur Saison auf dem Dach.
{% else %}{{ saison_daten }}
{% endif %}{% if themen %}## Rund um Ihre Anlage in {{ stadt }}
Wir beraten Sie zu {% for t in themen %}{{ t.name }}{% if not loop.last %}, {% endif %}{% endfor %}.
{% endif %}## Beratung in {{ stadt }}
Sie möchten wissen, ob sich {{ keyphrase }} für Ihr Dach lohnt? Schreiben Sie uns, wir melden uns mit einem Termin.
$t$),
('landing', 'foerderung_zuerst',
 '{{ keyphrase_titel }}: Förderung und Erfahrungen in {{ stadt }}',
 'Photovoltaik in {{ stadt }}: {{ keyphrase_titel }}, aktuelle Förderung und Erfahrungen von Kunden aus der Region.',
 $t${{ keyphrase_titel }} lohnt sich besonders, wenn die Förderung passt. Deshalb steht sie hier zuerst, danach folgen die Erfahrungen unserer Kunden aus {{ stadt }}.
## Förderung für {{ keyphrase }}
{% if foerderung %}{% for f in foerderung %}{{ f.name }} läuft bis zum {{ f.bis | datum }}.
{% endfor %}{% else %}{{ foerderprogramm }}
{% endif %}## Was Kunden aus {{ stadt }} sagen
{% if stimmen_ort %}{% for s in stimmen_ort %}{{ s.autor }} ({{ s.sterne }} von 5 Sternen): „{{ s.text }}“
{% endfor %}{% else %}{{ bewertung_aus_der_stadt }}
{% endif %}{% if bewertung %}Über alle {{ bewertung.anzahl | zahl }} Bewertungen liegt der Schnitt bei {{ bewertung.schnitt | zahl:1 }} von 5 Sternen.
{% endif %}{% if saison %}## Wann Sie planen sollten
Die Nachfrage nach „{{ saison.keyword }}“ ist im {{ saison.monat }} am höchsten. Planen Sie ab {{ saison.start }}.
{% endif %}## Ihr Kontakt in {{ stadt }}
Fragen zu {{ keyphrase }}? Wir beraten Sie gern persönlich.
$t$),
('faq', 'standard',
 '{{ keyphrase_titel }}: häufige Fragen und Antworten',
 'Antworten auf häufige Fragen zu {{ keyphrase }}: kurz, verständlich und aus unserer Praxis.',
 $t${{ keyphrase_titel }}: Hier beantworten wir die Fragen, nach denen am häufigsten gesucht wird.
{% for f in fragen %}## {{ f.frage }}
{{ f.antwort.text }}
{% endfor %}{% if not fragen %}{{ fragen_aus_suchanfragen }}
{% endif %}{% if stimmen %}## Was unsere Kunden sagen
{% for s in stimmen %}„{{ s.text }}“ ({{ s.autor }}, {{ s.sterne }} von 5 Sternen)
{% endfor %}{% endif %}$t$),
('faq', 'stimmen_zuerst',
 'Fragen zu {{ keyphrase }}: Antworten und Kundenstimmen',
 '{{ keyphrase_titel }}: die häufigsten Fragen, unsere Antworten und was Kunden dazu sagen.',
 $t${{ keyphrase_titel }} wirft Fragen auf. Zuerst die Erfahrungen unserer Kunden, danach die Antworten.
{% if stimmen %}{% for s in stimmen %}„{{ s.text }}“ ({{ s.autor }})
{% endfor %}{% endif %}{% for f in fragen %}## {{ f.frage }}
{{ f.antwort.text }}
{% endfor %}{% if not fragen %}{{ fragen_aus_suchanfragen }}
{% endif %}$t$),
('blog_outline', 'saison',
 '{{ keyphrase_titel }}: Ratgeber zur richtigen Zeit',
 'Gliederung für einen Ratgeber zu {{ keyphrase }}: Zeitpunkt nach der Saison der Suchanfragen und steigende Themen.',
 $t${{ keyphrase_titel }}: Gliederung für den nächsten Ratgeber-Artikel.
## Zeitpunkt
{% if saison %}Veröffentlichen im {{ saison.start }}: Die Suchanfragen zu „{{ saison.keyword }}“ erreichen im {{ saison.monat }} ihren Höhepunkt, im Mittel {{ saison.impressionen | zahl }} Impressionen in diesem Monat.
{% else %}{{ saison_daten }}
{% endif %}{% for k in steigend %}## {{ k.titel }}
Die Suchanfrage „{{ k.keyword }}“ steigt um {{ k.anstieg | prozent }} ihres Wochenmittels pro Woche (Mann-Kendall p = {{ k.p | zahl:3 }}, {{ k.wochen }} Wochen).
{% endfor %}{% if not steigend %}{{ steigende_suchanfragen }}
{% endif %}{% if fragen %}## Fragen, die Leser stellen
{% for f in fragen %}{{ f.frage }}
{% endfor %}{% endif %}## Fazit
Fassen Sie zusammen, was {{ keyphrase }} für Leser bedeutet, und verweisen Sie auf die Beratung.
$t$),
('blog_outline', 'trends_zuerst',
 'Was Leser zu {{ keyphrase }} jetzt suchen',
 '{{ keyphrase_titel }}: steigende Suchanfragen und der beste Zeitpunkt für einen Ratgeber.',
 $t${{ keyphrase_titel }}: Diese Themen gewinnen gerade an Suchinteresse.
{% for k in steigend %}## {{ k.titel }}
„{{ k.keyword }}“ legt pro Woche um {{ k.anstieg | prozent }} des Mittels zu.
{% endfor %}{% if not steigend %}{{ steigende_suchanfragen }}
{% endif %}## Wann veröffentlichen?
{% if saison %}Im {{ saison.start }}, zwei Monate vor dem Höhepunkt im {{ saison.monat }}.
{% else %}{{ saison_daten }}
{% endif %}## Fazit
Fassen Sie zusammen, was {{ keyphrase }} für Leser bedeutet.
$t$);
