-- Demo: 150 customer reviews of ZOE Solar from Google, ProvenExpert and
-- Trustpilot over the last 18 months: mostly 4-5 stars, some 1-3; German
-- text (a few English, a few star-only) composed from the sentences below by
-- rating, about a third with an owner reply. Deterministic (setseed) and
-- idempotent (ON CONFLICT (source, external_id) DO NOTHING). Sentiment is left
-- NULL here and scored by reviews_seed_demo() (analysis/sentiment) in the C
-- step of `zoe seed --demo` that runs after the SQL files.
SELECT setseed(0.30);

WITH t AS (
    SELECT
    ARRAY[
        'Die Beratung war kompetent und ehrlich, ganz ohne Verkaufsdruck.',
        'Die Montage der Module war in zwei Tagen erledigt, alles sauber verkabelt.',
        'Das Montageteam war pünktlich, freundlich und hat die Baustelle ordentlich hinterlassen.',
        'Der Batteriespeicher läuft seit Monaten zuverlässig, im Sommer sind wir fast autark.',
        'Die Wallbox wurde gleich mit installiert und lädt unser E-Auto jetzt mit eigenem Solarstrom.',
        'Die Anmeldung beim Netzbetreiber hat ZOE Solar komplett übernommen, super.',
        'Bei der Förderung durch die KfW wurden wir sehr gut unterstützt.',
        'Das Angebot war transparent und der Preis fair.',
        'Die Kommunikation war jederzeit schnell und zuverlässig.',
        'Kein Problem, alles bestens.',
        'Sehr professionelle Planung, die Ertragsprognose stimmt bisher genau.',
        'Wir würden ZOE Solar jederzeit weiterempfehlen.',
        'Der Zählertausch lief reibungslos.',
        'Unsere Fragen wurden geduldig beantwortet, auch nach der Inbetriebnahme.',
        'Top Service von der ersten Anfrage bis zur Abnahme.',
        'Die App zeigt Erzeugung und Verbrauch übersichtlich an, wir sind begeistert.',
        'Alle Termine wurden eingehalten.',
        'Die Elektriker haben sauber und sorgfältig gearbeitet.',
        'Unsere Stromrechnung ist deutlich gesunken.',
        'Klare Empfehlung für alle, die über eine Solaranlage nachdenken.'
    ] AS pos,
    ARRAY[
        'Die Montage hat etwas länger gedauert als geplant.',
        'Die Anlage läuft, aber die Anmeldung beim Netzbetreiber zog sich über Wochen.',
        'Der Preis ist nicht gerade günstig, die Qualität passt aber.',
        'Die Beratung war in Ordnung, das Angebot kam allerdings spät.',
        'Der Speicher wurde erst drei Wochen nach den Modulen geliefert.',
        'Insgesamt okay, bei der Kommunikation ist noch Luft nach oben.'
    ] AS mix,
    ARRAY[
        'Nicht zu empfehlen.',
        'Die Montagetermine wurden mehrfach verschoben, nie wieder.',
        'Auf Rückrufe haben wir wochenlang vergeblich gewartet.',
        'Kein Ansprechpartner fühlte sich zuständig.',
        'Die Wallbox funktioniert bis heute nicht richtig.',
        'Der Speicher fällt immer wieder aus und niemand kümmert sich.',
        'Bei der Förderung wurden wir falsch beraten und haben den Zuschuss verpasst.',
        'Die Anmeldung beim Netzbetreiber wurde vergessen, die Anlage stand monatelang still.',
        'Das Team war unpünktlich und hat Dreck auf dem Dach hinterlassen.',
        'Der Endpreis lag deutlich über dem Angebot, das war nicht fair.',
        'Die Kommunikation war eine Katastrophe.',
        'Leider keine gute Erfahrung, ich bin enttäuscht.'
    ] AS neg,
    ARRAY['Great advice and a very clean installation.',
          'The team was on time and explained everything about the battery.',
          'Fair price, quick grid registration, highly recommended.'] AS pos_en,
    ARRAY['Installation was fine, but communication could be better.',
          'Good panels, although the wallbox came two weeks late.'] AS mix_en,
    ARRAY['Not recommended, the wallbox still does not work.',
          'Terrible support, never again.'] AS neg_en,
    ARRAY['Thomas M.', 'Sabine K.', 'Familie Schneider', 'Jürgen W.', 'Andrea B.', 'Stefan H.',
          'Monika R.', 'Markus L.', 'Claudia F.', 'Frank S.', 'Petra G.', 'Michael T.',
          'Birgit N.', 'Uwe P.', 'Katrin Z.', 'Andreas Hoffmann', 'Julia Becker', 'Ralf Schulz',
          'Sandra Wagner', 'Dirk Meyer', 'Familie Özdemir', 'Günter Weiß', 'Lena Krüger',
          'Tobias Braun', 'Anja Wolf', 'M. Schäfer', 'Hof Brandt (Agri-PV)', 'Bäckerei Lehmann',
          'Jens P.', 'Carina D.'] AS authors,
    ARRAY['John D.', 'Emily R.', 'Mark S.', 'Sarah W.'] AS authors_en,
    ARRAY['Vielen Dank für Ihre Bewertung! Wir freuen uns, dass Sie mit Ihrer Anlage zufrieden sind.',
          'Danke für das tolle Feedback, viel Freude mit Ihrem Solarstrom!',
          'Herzlichen Dank! Es war uns eine Freude, Ihr Projekt umzusetzen.'] AS reply_pos,
    ARRAY['Es tut uns leid, dass es nicht rund lief. Wir melden uns umgehend, um eine Lösung zu finden.',
          'Danke für Ihre offenen Worte. Unser Serviceteam hat sich bereits mit Ihnen in Verbindung gesetzt.'] AS reply_neg,
    ARRAY['Thank you for your review, enjoy your solar power!',
          'We are sorry to hear this and will contact you right away.'] AS reply_en
),
base AS MATERIALIZED (
    SELECT g, random() AS r_rating, random() AS r_src, random() AS r_age, random() AS r_lang,
           random() AS a1, random() AS a2, random() AS a3, random() AS r_len,
           random() AS r_reply, random() AS r_author, random() AS r_min
    FROM generate_series(1, 150) g
),
d AS (
    SELECT b.*,
           CASE WHEN r_rating < 0.52 THEN 5 WHEN r_rating < 0.78 THEN 4 WHEN r_rating < 0.87 THEN 3
                WHEN r_rating < 0.93 THEN 2 ELSE 1 END AS rating,
           CASE WHEN r_src < 0.47 THEN 'google' WHEN r_src < 0.77 THEN 'provenexpert'
                ELSE 'trustpilot' END AS source,
           r_lang < 0.08 AS en,
           date_trunc('day', now()) - make_interval(days => 1 + floor(r_age * 540)::int)
               + make_interval(mins => 420 + floor(r_min * 840)::int) AS published_at
    FROM base b
),
-- The sentence arrays by rating: P the main one, S the second sentence's.
s AS (
    SELECT d.*,
           CASE WHEN rating >= 4 THEN (CASE WHEN en THEN t.pos_en ELSE t.pos END)
                WHEN rating = 3 THEN (CASE WHEN en THEN t.mix_en ELSE t.mix END)
                ELSE (CASE WHEN en THEN t.neg_en ELSE t.neg END) END AS p,
           CASE WHEN rating = 5 OR (rating = 4 AND a3 >= 0.3) OR (rating = 3 AND a3 < 0.5)
                THEN (CASE WHEN en THEN t.pos_en ELSE t.pos END)
                WHEN rating = 4 OR (rating = 2 AND a3 < 0.4)
                THEN (CASE WHEN en THEN t.mix_en ELSE t.mix END)
                ELSE (CASE WHEN en THEN t.neg_en ELSE t.neg END) END AS q,
           1 + (r_len > 0.35)::int + (r_len > 0.85 AND rating IN (1, 5) AND NOT en)::int AS k
    FROM d, t
),
-- Indexes: i the first sentence; j offset 1..len/2-1 from i when p = q;
-- the third sentence at offset len/2 in p (so all three differ).
c AS (
    SELECT s.*, 1 + floor(a1 * array_length(p, 1))::int AS i,
           array_length(p, 1) AS np, array_length(q, 1) AS nq
    FROM s
)
INSERT INTO reviews (source, external_id, rating, author, body, lang, published_at, reply,
                     replied_at)
SELECT c.source, 'demo-' || lpad(c.g::text, 4, '0'), c.rating,
       CASE WHEN en THEN t.authors_en[1 + floor(r_author * 4)::int]
            ELSE t.authors[1 + floor(r_author * 30)::int] END,
       CASE WHEN c.source = 'google' AND r_len < 0.04 THEN ''   -- star-only reviews
            ELSE p[i]
                 || CASE WHEN k >= 2 THEN ' ' || CASE WHEN p = q
                        THEN q[1 + (i - 1 + 1 + floor(a2 * greatest(np / 2 - 1, 1))::int) % nq]
                        ELSE q[1 + floor(a2 * nq)::int] END ELSE '' END
                 || CASE WHEN k >= 3 THEN ' ' || p[1 + (i - 1 + np / 2) % np] ELSE '' END
       END,
       CASE WHEN en THEN 'en' ELSE 'de' END,
       c.published_at,
       CASE WHEN r_reply < (CASE WHEN rating <= 3 THEN 0.85 ELSE 0.30 END) THEN
            CASE WHEN en THEN t.reply_en[CASE WHEN rating >= 4 THEN 1 ELSE 2 END]
                 WHEN rating >= 4 THEN t.reply_pos[1 + floor(a3 * 3)::int]
                 ELSE t.reply_neg[1 + floor(a3 * 2)::int] END END,
       CASE WHEN r_reply < (CASE WHEN rating <= 3 THEN 0.85 ELSE 0.30 END) THEN
            least(now(), c.published_at + make_interval(hours => 6 + floor(r_reply * 90)::int)) END
FROM c, t
ORDER BY c.g
ON CONFLICT (source, external_id) DO NOTHING;
