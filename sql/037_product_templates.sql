-- 037_product_templates.sql: the product page (#48) and the local landing
-- page on the stored locations of #38.
--
-- kind 'product': a page for one product of #32 (a Product node of an
-- automotive schema snippet: wallbox, Speicher, carport), two variants.
-- The landing templates get a new version that builds on the location of
-- the city (local_locations: address, telephone, service area); the old
-- versions stay (templates are versioned, the newest active one is used).
-- Variables: see handlers/level5_content.c (the context of each kind).

ALTER TABLE content_templates DROP CONSTRAINT content_templates_kind_check,
    ADD CONSTRAINT content_templates_kind_check
    CHECK (kind IN ('landing', 'faq', 'blog_outline', 'product'));
ALTER TABLE content_drafts DROP CONSTRAINT content_drafts_kind_check,
    ADD CONSTRAINT content_drafts_kind_check
    CHECK (kind IN ('landing', 'faq', 'blog_outline', 'product'));

INSERT INTO content_templates (kind, variant, title, meta, body) VALUES
('product', 'datenblatt',
 '{{ produkt.name }}: {{ keyphrase_titel }} mit Preis und Daten',
 '{{ keyphrase_titel }}: {{ produkt.name }}{% if produkt.preis %} für {{ produkt.preis | zahl:2 }} {{ produkt.waehrung }}{% endif %}. Technische Daten, Lieferbarkeit und Förderung.',
 $t${{ keyphrase_titel }}: {{ produkt.name }}{% if produkt.marke %} von {{ produkt.marke }}{% endif %}. {{ produkt.beschreibung }}
## Preis und Lieferbarkeit
Preis: {{ produkt.preis | zahl:2 }} {{ produkt.waehrung }}{% if produkt.gueltig_bis %} (gültig bis zum {{ produkt.gueltig_bis | datum }}){% endif %}. Lieferbarkeit: {{ produkt.verfuegbarkeit }}.
## Technische Daten von {{ produkt.name }}
{% if produkt.eigenschaften %}{% for e in produkt.eigenschaften %}{{ e.name }}: {% if e.ist_zahl %}{{ e.wert | zahl }}{% else %}{{ e.wert }}{% endif %}{% if e.einheit %} {{ e.einheit }}{% endif %}
{% endfor %}{% else %}{{ produkt.eigenschaften }}
{% endif %}{% if foerderung %}## Förderung für {{ keyphrase }}
{% for f in foerderung %}{{ f.name }}: gilt vom {{ f.von | datum }} bis zum {{ f.bis | datum }}.
{% endfor %}{% endif %}{% if bewertung %}## Erfahrungen unserer Kunden
{{ bewertung.anzahl | zahl }} Kundinnen und Kunden haben uns bewertet, im Schnitt mit {{ bewertung.schnitt | zahl:1 }} von 5 Sternen.
{% endif %}## Beratung zu {{ keyphrase }}
Sie möchten {{ produkt.name }} bei sich installieren lassen? Schreiben Sie uns, wir melden uns mit einem Angebot.
$t$),
('product', 'nutzen_zuerst',
 '{{ keyphrase_titel }}: {{ produkt.name }} für Ihr Zuhause',
 '{{ produkt.name }}{% if produkt.marke %} von {{ produkt.marke }}{% endif %}: {{ keyphrase }} mit Preis, technischen Daten und Förderung.',
 $t${{ keyphrase_titel }} mit {{ produkt.name }}: {{ produkt.beschreibung }}
## Das steckt in {{ produkt.name }}
{% if produkt.eigenschaften %}{% for e in produkt.eigenschaften %}{{ e.name }}: {% if e.ist_zahl %}{{ e.wert | zahl }}{% else %}{{ e.wert }}{% endif %}{% if e.einheit %} {{ e.einheit }}{% endif %}
{% endfor %}{% else %}{{ produkt.eigenschaften }}
{% endif %}## Was {{ keyphrase }} kostet
{{ produkt.name }} kostet {{ produkt.preis | zahl:2 }} {{ produkt.waehrung }}{% if produkt.gueltig_bis %}, das Angebot gilt bis zum {{ produkt.gueltig_bis | datum }}{% endif %}. Lieferbarkeit: {{ produkt.verfuegbarkeit }}.
{% if foerderung %}{% for f in foerderung %}Dazu passt die Förderung {{ f.name }}, sie läuft bis zum {{ f.bis | datum }}.
{% endfor %}{% endif %}{% if bewertung %}## Was Kunden sagen
Über alle {{ bewertung.anzahl | zahl }} Bewertungen liegt der Schnitt bei {{ bewertung.schnitt | zahl:1 }} von 5 Sternen.
{% endif %}## Ihr Angebot
Fragen zu {{ keyphrase }}? Wir beraten Sie gern und planen die Installation mit Ihnen.
$t$);

-- the landing page, version 2: the location of #38 in the city, added to
-- version 1 (the meta names it; a section before the reviews in the first
-- variant, the contact section of the second)
INSERT INTO content_templates (kind, variant, version, title, meta, body)
SELECT kind, variant, version + 1, title,
 CASE variant WHEN 'erfahrungen' THEN replace(meta, 'planen.',
  'planen.{% if standort %} {{ standort.name }}, Telefon {{ standort.telefon }}.{% endif %}')
  ELSE replace(meta, 'der Region.',
  'der Region{% if standort %}, {{ standort.name }} vor Ort{% endif %}.') END,
 CASE variant WHEN 'erfahrungen' THEN replace(body, '## Erfahrungen mit',
  $t$## Photovoltaik in {{ stadt }}: Ihr Standort
{% if standort %}{{ standort.name }}, {{ standort.strasse }}, {{ standort.plz }} {{ standort.stadt }}, Telefon {{ standort.telefon }}.{% if standort.umkreis_km %} Wir installieren im Umkreis von {{ standort.umkreis_km | zahl }} km um {{ standort.stadt }}.{% endif %}{% if standort.gebiet %} Unser Einsatzgebiet: {% for g in standort.gebiet %}{{ g }}{% if not loop.last %}, {% endif %}{% endfor %}.{% endif %}
{% else %}{{ standort_in_der_stadt }}
{% endif %}## Erfahrungen mit$t$)
  ELSE replace(body, $t$## Ihr Kontakt in {{ stadt }}
$t$, $t$## Ihr Kontakt in {{ stadt }}
{% if standort %}{{ standort.name }}: {{ standort.strasse }}, {{ standort.plz }} {{ standort.stadt }}, Telefon {{ standort.telefon }}.{% if standort.umkreis_km %} Wir kommen zu Ihnen im Umkreis von {{ standort.umkreis_km | zahl }} km.{% endif %}{% if standort.gebiet %} Wir sind für Sie da in {% for g in standort.gebiet %}{{ g }}{% if not loop.last %}, {% endif %}{% endfor %}.{% endif %}
{% else %}{{ standort_in_der_stadt }}
{% endif %}$t$) END
FROM content_templates WHERE kind = 'landing' AND version = 1
 AND variant IN ('erfahrungen', 'foerderung_zuerst');

-- every landing template now asks for the location
DO $$
BEGIN
    IF (SELECT count(*) FROM content_templates WHERE kind = 'landing' AND version = 2
        AND strpos(body, 'standort_in_der_stadt') > 0 AND strpos(meta, 'standort.name') > 0) <> 2
    THEN
        RAISE EXCEPTION 'the landing templates of 030 are not as expected';
    END IF;
END $$;
