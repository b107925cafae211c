-- Demo: the page inventory of ZOE Solar's website (40 pages) with German
-- titles, descriptions, headings and body text, for the metadata audit (#9),
-- entity SEO (#1/#2) and content analysis. Deterministic, idempotent
-- (ON CONFLICT (url_norm) DO NOTHING); `issues` stays empty for the audit.
--
-- Defects built in on purpose (what the stored-inventory audit must find):
--   missing meta description (3): /wartung-service, /standorte/koeln, /karriere
--   title wider than 580 px (3):  /agri-pv, /standorte/muenchen,
--                                 /ratgeber/pv-anlage-gewerbe-steuer
--   duplicate title (2 pages):    /standorte/berlin and /standorte/potsdam
--   duplicate description (2):    /wallbox and /pv-carport
--   no H1 (2):                    /referenzen, /ratgeber/netzbetreiber-anmeldung
--   two H1s (1):                  /waermepumpe
--   canonical mismatch (1):       /photovoltaik-privat -> /photovoltaik (old URL)
--   thin body, not legal (1):     /standorte/frankfurt (< 150 words)

INSERT INTO sites (domain, key_hash, origins)
VALUES ('zoe-solar.de', encode(sha256('site_demo_zoe_solar'::bytea), 'hex'),
        ARRAY['https://zoe-solar.de', 'https://www.zoe-solar.de', 'http://localhost:8080'])
ON CONFLICT (domain) DO NOTHING;

CREATE TEMP TABLE demo_inventory (
    path text, page_group text, title text, meta_description text, h1s text[],
    canonical text, body_text text) ON COMMIT DROP;

-- start and products -----------------------------------------------------------
INSERT INTO demo_inventory VALUES
('/', 'start',
 'Photovoltaik für Gewerbe und Privat | ZOE Solar',
 'ZOE Solar plant und baut Photovoltaikanlagen, Batteriespeicher und Wallboxen für Unternehmen, Landwirte und Eigenheime in ganz Deutschland. Jetzt anfragen.',
 ARRAY['Solarstrom für Ihr Unternehmen und Ihr Zuhause'], NULL,
 'ZOE Solar ist Ihr Fachbetrieb für Photovoltaik in Deutschland. Wir planen, bauen und betreuen Solaranlagen für Gewerbe, Landwirtschaft und Eigenheime, von der ersten Ertragsprognose bis zur Anmeldung beim Netzbetreiber. Unsere Teams arbeiten von Berlin, München, Hamburg, Leipzig, Stuttgart, Köln und Frankfurt aus und haben bereits mehr als 1.800 Anlagen ans Netz gebracht.
Mit einer eigenen PV-Anlage senken Sie Ihre Stromkosten dauerhaft. Jede Kilowattstunde, die Sie selbst verbrauchen, müssen Sie nicht zum Netzpreis einkaufen. Ein Batteriespeicher hebt den Eigenverbrauch auf 60 bis 80 Prozent, eine Wallbox lädt das Elektroauto mit Sonnenstrom und eine Wärmepumpe macht aus Solarstrom Wärme. Den Überschuss vergütet der Netzbetreiber nach dem EEG mit der Einspeisevergütung.
Wir verbauen Module und Wechselrichter bewährter Hersteller wie SMA, Fronius, Huawei und BYD und geben auf Montage und Anlagentechnik bis zu 15 Jahre Garantie. Unsere Energieberater prüfen Förderprogramme der KfW und der Länder und rechnen Ihnen ehrlich vor, wann sich die Anlage amortisiert. Fordern Sie Ihr kostenloses Angebot an: Wir melden uns innerhalb von zwei Werktagen, besichtigen Dach oder Fläche und planen die Anlage, die zu Ihrem Verbrauch passt.'),
('/photovoltaik-gewerbe', 'produkte',
 'Photovoltaik für Gewerbe | ZOE Solar',
 'Gewerbliche PV-Anlagen von 30 kWp bis 5 MWp: Planung, Finanzierung und Bau aus einer Hand. Senken Sie Ihre Energiekosten mit Solarstrom vom eigenen Dach.',
 ARRAY['Photovoltaik für Gewerbe und Industrie'], NULL,
 'Für Unternehmen ist Solarstrom vom eigenen Dach die günstigste Energiequelle. Eine gewerbliche Photovoltaikanlage erzeugt Strom zu Kosten von sieben bis zehn Cent pro Kilowattstunde, deutlich unter dem Industriestrompreis. Besonders lohnend ist sie für Betriebe, die tagsüber viel Strom verbrauchen: Kühlhäuser, Produktionshallen, Logistikzentren, Supermärkte und Bürogebäude.
ZOE Solar plant Anlagen von 30 kWp bis 5 MWp auf Hallendächern, Freiflächen und Parkplätzen. Wir prüfen die Statik, erstellen eine Ertragsprognose auf Basis Ihres Lastgangs und übernehmen die Abstimmung mit dem Netzbetreiber, inklusive Anlagenzertifikat bei größeren Anlagen. Wechselrichter von SMA und Huawei und ein Monitoring in Echtzeit sorgen dafür, dass Sie jederzeit sehen, was Ihre Anlage leistet.
Ein gewerblicher Batteriespeicher kappt teure Lastspitzen und erhöht den Eigenverbrauch. Mit Ladepunkten für die Firmenflotte wird aus Solarstrom günstige Mobilität. Wir beraten zu Kauf, Leasing und Pachtmodellen sowie zur steuerlichen Behandlung und zu Förderkrediten der KfW. Von der Besichtigung bis zur Inbetriebnahme vergehen meist drei bis sechs Monate.'),
('/photovoltaik-privat', 'produkte',
 'Photovoltaik für Ihr Eigenheim | ZOE Solar',
 'Solaranlage fürs Einfamilienhaus mit Speicher und Wallbox: ZOE Solar plant, montiert und meldet Ihre PV-Anlage an. Festpreis, Montage in wenigen Tagen.',
 ARRAY['Photovoltaik für Ihr Eigenheim'], 'https://zoe-solar.de/photovoltaik',
 'Eine Solaranlage auf dem eigenen Dach macht Sie unabhängiger von steigenden Strompreisen. Ein typisches Einfamilienhaus mit 4.000 Kilowattstunden Jahresverbrauch braucht eine Anlage mit acht bis zwölf kWp. Ohne Speicher nutzen Sie etwa 30 Prozent des Solarstroms selbst, mit Batteriespeicher bis zu 70 Prozent. Den Rest speisen Sie ein und erhalten die Einspeisevergütung nach dem EEG.
ZOE Solar übernimmt alles: Wir besichtigen Ihr Dach, planen die Belegung, bestellen Module und Wechselrichter von Fronius oder SMA und montieren die Anlage in der Regel an zwei Tagen. Den Zählertausch und die Anmeldung beim Netzbetreiber und im Marktstammdatenregister erledigen wir für Sie. Seit 2023 gilt für private PV-Anlagen bis 30 kWp der Nullsteuersatz, Sie zahlen also keine Mehrwertsteuer auf Anlage und Montage.
Auf Wunsch kombinieren wir die Anlage mit einer Wallbox für Ihr Elektroauto und einer Wärmepumpe. So nutzen Sie Ihren Solarstrom für Heizung und Mobilität und steigern den Eigenverbrauch weiter. Sie erhalten einen verbindlichen Festpreis ohne versteckte Kosten.'),
('/agri-pv', 'produkte',
 'Agri-PV: Photovoltaik und Landwirtschaft auf einer Fläche kombinieren – Planung, Förderung und Bau | ZOE Solar',
 'Agri-PV verbindet Ackerbau und Solarstrom auf derselben Fläche. ZOE Solar plant hoch aufgeständerte und vertikale Anlagen nach DIN SPEC 91434 für Ihren Hof.',
 ARRAY['Agri-PV: Ernte und Solarstrom auf einer Fläche'], NULL,
 'Agri-Photovoltaik nutzt landwirtschaftliche Flächen doppelt: unten wachsen Getreide, Beeren, Obst oder Grünland, darüber oder dazwischen erzeugen Solarmodule Strom. Nach DIN SPEC 91434 müssen mindestens 85 Prozent der Fläche landwirtschaftlich nutzbar bleiben. Dafür erhalten Landwirte weiterhin die Direktzahlungen der EU-Agrarförderung, und das EEG sieht für besondere Solaranlagen einen eigenen Bonus in den Ausschreibungen vor.
ZOE Solar plant zwei Bauarten. Hoch aufgeständerte Anlagen mit vier bis fünf Metern lichter Höhe schützen Sonderkulturen vor Hagel, Starkregen und Sonnenbrand. Vertikale, bifaziale Module in Reihen mit zehn bis zwölf Metern Abstand eignen sich für Ackerbau und Grünland, weil Traktoren und Mähdrescher ungehindert arbeiten können. Ihre Ertragsspitzen am Morgen und am Abend passen gut zum Strombedarf von Betrieben mit Melkanlage oder Kühlung.
Wir begleiten Sie vom Bebauungsplan über die Gespräche mit Gemeinde und Netzbetreiber bis zur Inbetriebnahme. Referenzen haben wir in Brandenburg, Sachsen und Bayern. Gemeinsam mit Ihnen wählen wir die Kulturen und das Anlagenkonzept, das zu Ihrem Hof passt.'),
('/batteriespeicher', 'produkte',
 'Batteriespeicher für Solarstrom | ZOE Solar',
 'Mit einem Batteriespeicher nutzen Sie Ihren Solarstrom auch abends und nachts. Wir installieren Speicher von BYD, SMA und Fronius für Haus und Gewerbe.',
 ARRAY['Batteriespeicher für Ihre PV-Anlage'], NULL,
 'Ein Batteriespeicher speichert den Solarstrom, den Sie tagsüber nicht verbrauchen, und gibt ihn abends und nachts wieder ab. So steigt der Eigenverbrauch einer privaten Photovoltaikanlage von etwa 30 auf 60 bis 80 Prozent. Für ein Einfamilienhaus reichen meist fünf bis zehn Kilowattstunden Speicherkapazität. Als Faustregel gilt eine Kilowattstunde Speicher pro kWp Anlagenleistung.
Wir setzen auf Lithium-Eisenphosphat-Speicher, etwa die BYD Battery-Box Premium, die über 6.000 Ladezyklen schaffen und als sehr sicher gelten. Sie lassen sich modular erweitern und arbeiten mit Hybridwechselrichtern von SMA und Fronius zusammen. Auf Wunsch richten wir eine Notstrom- oder Ersatzstromfunktion ein, damit wichtige Verbraucher bei einem Netzausfall weiterlaufen.
Auch bestehende PV-Anlagen lassen sich nachrüsten, besonders wenn die Einspeisevergütung nach 20 Jahren ausläuft. Im Gewerbe senkt ein Speicher zusätzlich die Leistungspreise, weil er Lastspitzen abfängt. Wir berechnen vorab, wie groß Ihr Speicher sein sollte und ob er sich für Sie rechnet.'),
('/wallbox', 'produkte',
 'Wallbox mit Solarstrom laden | ZOE Solar',
 'Laden Sie Ihr Elektroauto mit eigenem Solarstrom: ZOE Solar plant und installiert Wallboxen und Ladelösungen für Haus und Betrieb, inklusive Förderberatung.',
 ARRAY['Wallbox: Ihr Elektroauto mit Sonnenstrom laden'], NULL,
 'Wer sein Elektroauto zu Hause lädt, spart gegenüber öffentlichen Ladesäulen viel Geld, und mit Solarstrom vom eigenen Dach wird jede Fahrt noch günstiger. Eine Wallbox lädt mit elf Kilowatt sicher und deutlich schneller als die Haushaltssteckdose. Mit einem intelligenten Energiemanager lädt sie bevorzugt dann, wenn die Photovoltaikanlage Überschuss produziert.
ZOE Solar installiert Wallboxen von SMA, Fronius, go-e und anderen Herstellern und bindet sie in Ihr Energiemanagement ein. Wir prüfen den Hausanschluss, verlegen die Zuleitung, setzen den Fehlerstromschutzschalter und melden die Wallbox beim Netzbetreiber an. Seit 2024 gilt für steuerbare Verbrauchseinrichtungen der Paragraf 14a des Energiewirtschaftsgesetzes, der reduzierte Netzentgelte ermöglicht.
Für Unternehmen planen wir Ladeparks für Mitarbeiter, Kunden und Firmenflotten mit Lastmanagement und Abrechnung. Kombiniert mit einem Solarcarport und einem Batteriespeicher entsteht eine Ladelösung, die weitgehend mit eigener Energie auskommt. Wir informieren Sie über aktuelle Förderprogramme von Bund, Ländern und Kommunen.'),
('/waermepumpe', 'produkte',
 'Wärmepumpe mit Photovoltaik | ZOE Solar',
 'Heizen mit Solarstrom: ZOE Solar kombiniert Wärmepumpe und Photovoltaik zu einem System, das Heizkosten senkt und den Eigenverbrauch deutlich erhöht.',
 ARRAY['Wärmepumpe und Photovoltaik', 'Jetzt Beratung anfordern'], NULL,
 'Eine Wärmepumpe holt Wärme aus der Umgebungsluft, dem Erdreich oder dem Grundwasser und macht aus einer Kilowattstunde Strom drei bis vier Kilowattstunden Wärme. Kommt der Strom von der eigenen Photovoltaikanlage, sinken die Heizkosten besonders stark. Im Frühling, Sommer und Herbst deckt die Solaranlage einen großen Teil des Bedarfs für Warmwasser und Heizung.
ZOE Solar plant Wärmepumpe und PV-Anlage als ein System. Wir berechnen die Heizlast Ihres Hauses, wählen eine passende Luft-Wasser-Wärmepumpe und steuern sie über einen Energiemanager so, dass sie Solarüberschüsse nutzt. Ein Pufferspeicher oder ein Batteriespeicher verschiebt die Energie in die Abendstunden.
Der Bund fördert den Heizungstausch über die KfW mit bis zu 70 Prozent Zuschuss. Wir stellen die Anträge gemeinsam mit Ihnen und achten darauf, dass alle Fristen eingehalten werden. Für die Wärmepumpe gibt es zudem spezielle Stromtarife und reduzierte Netzentgelte nach Paragraf 14a. So wird Ihre Heizung nahezu unabhängig von Öl und Gas.'),
('/pv-carport', 'produkte',
 'Solarcarport für Haus und Firma | ZOE Solar',
 'Laden Sie Ihr Elektroauto mit eigenem Solarstrom: ZOE Solar plant und installiert Wallboxen und Ladelösungen für Haus und Betrieb, inklusive Förderberatung.',
 ARRAY['Solarcarport: Parken unter der Sonne'], NULL,
 'Ein Solarcarport schützt Ihr Fahrzeug vor Regen, Hagel und Sonne und erzeugt gleichzeitig Strom. Auf einem Doppelcarport finden Module mit sechs bis acht kWp Platz, genug für rund 8.000 Kilometer elektrisches Fahren im Jahr. Wer kein geeignetes Dach hat, gewinnt mit dem Carport zusätzliche Fläche für Photovoltaik.
ZOE Solar baut Carports aus Stahl, Aluminium und Holz, auf Wunsch mit Glas-Glas-Modulen, die Licht durchlassen. Für Unternehmen planen wir Parkplatzüberdachungen mit Hunderten Stellplätzen. In Baden-Württemberg und anderen Bundesländern ist eine Photovoltaikpflicht für neue große Parkplätze bereits Gesetz, und wir kennen die Anforderungen.
Die Wallbox montieren wir direkt an der Stütze des Carports, die Leitungen verlaufen unsichtbar in der Konstruktion. Mit einem Energiemanager lädt das Auto bevorzugt mit Solarstrom. Wir kümmern uns um Statik, Baugenehmigung, wo sie nötig ist, und die Anmeldung beim Netzbetreiber. So erhalten Sie einen Carport, der sich über die Jahre selbst bezahlt.'),
('/balkonkraftwerk', 'produkte',
 'Balkonkraftwerk kaufen und anmelden | ZOE Solar',
 'Steckersolargeräte bis 800 Watt: Wir erklären Anmeldung, Sicherheit und Ertrag und liefern geprüfte Balkonkraftwerke mit Wechselrichter und Halterung.',
 ARRAY['Balkonkraftwerk: Solarstrom für Mieter'], NULL,
 'Ein Balkonkraftwerk ist eine kleine Photovoltaikanlage mit ein oder zwei Modulen, die über einen Wechselrichter direkt in die Steckdose einspeist. Seit dem Solarpaket I dürfen Steckersolargeräte bis 800 Watt Wechselrichterleistung betrieben werden, die Anmeldung beim Netzbetreiber entfällt und nur der Eintrag im Marktstammdatenregister bleibt. Auch Mieter und Wohnungseigentümer haben inzwischen einen Anspruch darauf, ein Balkonkraftwerk anzubringen.
Ein gut ausgerichtetes Gerät mit zwei Modulen erzeugt in Deutschland 600 bis 800 Kilowattstunden im Jahr. Weil der Strom direkt im Haushalt verbraucht wird, sparen Sie je nach Strompreis 150 bis 250 Euro jährlich. Die Anschaffung hat sich damit meist nach drei bis fünf Jahren bezahlt gemacht. Ein kleiner Batteriespeicher erhöht den Eigenverbrauch weiter, lohnt sich aber nicht in jedem Fall.
ZOE Solar liefert geprüfte Sets mit Modulen, Wechselrichter und einer Halterung für Balkongeländer, Fassade, Flachdach oder Garten. Wir erklären die Sicherheitsregeln und helfen beim Eintrag ins Register. Wer später mehr will, steigt bei uns auf eine vollständige Dachanlage um.'),
('/wartung-service', 'produkte',
 'Wartung und Service für PV-Anlagen | ZOE Solar',
 NULL,
 ARRAY['Wartung und Service für Ihre Solaranlage'], NULL,
 'Eine Photovoltaikanlage arbeitet jahrzehntelang weitgehend wartungsfrei, aber nicht ganz ohne Pflege. Verschmutzte Module, lose Steckverbinder, ein defekter Wechselrichter oder ein Marderbiss an der Leitung kosten Ertrag, oft ohne dass es jemand merkt. Mit einer regelmäßigen Wartung erkennen Sie solche Fehler früh und erhalten Ihre Garantieansprüche.
ZOE Solar bietet Wartungsverträge für Anlagen aller Hersteller an, auch wenn wir sie nicht selbst gebaut haben. Unsere Techniker prüfen Module, Unterkonstruktion, Verkabelung und Wechselrichter, messen die Stringwerte und erstellen eine Thermografie, die heiße Stellen sichtbar macht. Für gewerbliche Anlagen übernehmen wir die wiederkehrende Prüfung nach DGUV Vorschrift 3 und die Dokumentation für Versicherung und Netzbetreiber.
Über das Monitoring sehen wir Störungen meist, bevor Sie sie bemerken, und schicken einen Techniker. Bei Ausfällen von Wechselrichtern von SMA, Fronius oder Huawei tauschen wir Geräte schnell aus. Auch Batteriespeicher von BYD prüfen wir und aktualisieren die Firmware. Die Modulreinigung bieten wir für Gewerbe und Landwirtschaft mit entmineralisiertem Wasser an.');

-- locations: one shared frame around a city's own paragraph ----------------------
CREATE TEMP TABLE demo_cities (path text, city text, title text, meta_description text,
    own text, full_frame boolean) ON COMMIT DROP;
INSERT INTO demo_cities VALUES
('/standorte/berlin', 'Berlin', 'Photovoltaik in Berlin | ZOE Solar',
 'Ihr Solarteur in Berlin: ZOE Solar plant und baut PV-Anlagen, Speicher und Wallboxen für Berliner Unternehmen und Eigenheime. Förderung SolarPLUS inklusive.',
 'In Berlin fördert das Programm SolarPLUS Batteriespeicher, Steckersolargeräte und Machbarkeitsstudien, und das Solargesetz verpflichtet Bauherren bei Neubauten und Dachsanierungen zu Photovoltaik. Unser Team in Berlin-Adlershof betreut Projekte in allen Bezirken, von Reihenhäusern in Zehlendorf bis zu Gewerbehöfen in Neukölln. Netzbetreiber ist die Stromnetz Berlin GmbH, mit der wir die Anmeldung jeden Tag abwickeln.', true),
('/standorte/muenchen', 'München',
 'Photovoltaik München: Solaranlagen, Batteriespeicher und Wallboxen vom Fachbetrieb für München und Umland | ZOE Solar',
 'ZOE Solar in München: Photovoltaik, Batteriespeicher und Wallboxen für Unternehmen und Eigenheime in München, Freising, Dachau und im ganzen Umland.',
 'München gehört mit über 1.100 Kilowattstunden Sonneneinstrahlung pro Quadratmeter zu den sonnigsten Großstädten Deutschlands. Die Stadt fördert Photovoltaik und Batteriespeicher über ihr Förderprogramm Klimaneutrale Gebäude. Von unserem Standort in Garching aus betreuen wir Kunden in München, Freising, Dachau, Erding und Starnberg. Netzbetreiber ist die SWM Infrastruktur, im Umland meist die Bayernwerk Netz.', true),
('/standorte/hamburg', 'Hamburg', 'Photovoltaik in Hamburg | ZOE Solar',
 'ZOE Solar in Hamburg: Solaranlagen, Speicher und Wallboxen für Hamburger Betriebe und Eigenheime, mit Anmeldung bei Stromnetz Hamburg und Förderberatung.',
 'Auch im Norden lohnt sich Photovoltaik: Eine gut geplante Anlage in Hamburg erzeugt rund 900 Kilowattstunden pro kWp im Jahr. Das Hamburgische Klimaschutzgesetz schreibt Solaranlagen auf Neubauten und bei Dachsanierungen vor. Unser Team in Hamburg-Harburg betreut Projekte von Altona bis Bergedorf und im Umland in Pinneberg, Norderstedt und Stade. Netzbetreiber ist die Stromnetz Hamburg GmbH.', true),
('/standorte/leipzig', 'Leipzig', 'Photovoltaik in Leipzig | ZOE Solar',
 'Photovoltaik in Leipzig und Mitteldeutschland: ZOE Solar plant Dachanlagen, Agri-PV und Speicher für Betriebe, Landwirte und Hausbesitzer in Sachsen.',
 'Leipzig und das Umland in Sachsen und Sachsen-Anhalt bieten große Hallendächer und weite landwirtschaftliche Flächen. Von Leipzig aus betreuen wir deshalb viele Agri-PV-Projekte und gewerbliche Anlagen in Halle, Delitzsch, Grimma und Borna. Der Freistaat Sachsen fördert Batteriespeicher und Ladeinfrastruktur für Unternehmen. Netzbetreiber sind die Netz Leipzig und die Mitnetz Strom.', true),
('/standorte/potsdam', 'Potsdam', 'Photovoltaik in Berlin | ZOE Solar',
 'Solaranlagen für Potsdam und Brandenburg: ZOE Solar plant PV-Anlagen, Batteriespeicher und Wallboxen für Häuser, Höfe und Unternehmen in der Region.',
 'Potsdam und das Land Brandenburg sind Vorreiter beim Solarausbau. Das Brandenburger Programm 1000-Speicher-Programm hat vielen Haushalten einen Batteriespeicher ermöglicht, und auf den Flächen im Havelland und in der Uckermark entstehen Agri-PV-Anlagen. Unsere Monteure fahren von Potsdam aus nach Werder, Teltow, Kleinmachnow, Brandenburg an der Havel und Falkensee. Netzbetreiber ist meist die E.DIS Netz.', true),
('/standorte/stuttgart', 'Stuttgart', 'Photovoltaik in Stuttgart | ZOE Solar',
 'ZOE Solar in Stuttgart: PV-Anlagen, Solarcarports und Speicher für Betriebe und Eigenheime in der Region Stuttgart, mit Beratung zur Photovoltaikpflicht.',
 'In Baden-Württemberg gilt eine Photovoltaikpflicht für Neubauten, grundlegende Dachsanierungen und neue Parkplätze ab 35 Stellplätzen. Wir kennen die Vorgaben des Klimaschutzgesetzes genau und planen Anlagen, die sie erfüllen. Von Stuttgart-Vaihingen aus betreuen wir Kunden in Esslingen, Böblingen, Sindelfingen, Ludwigsburg und Waiblingen. Netzbetreiber ist die Stuttgart Netze, im Umland die Netze BW.', true),
('/standorte/koeln', 'Köln', 'Photovoltaik in Köln | ZOE Solar',
 NULL,
 'Köln und das Rheinland bieten viele Gewerbeflächen und Mehrfamilienhäuser mit großen Dächern. Die Stadt Köln fördert Photovoltaik und Batteriespeicher über ihr Programm Klimafreundliches Wohnen. Unser Team in Köln-Ehrenfeld betreut Projekte in Köln, Bonn, Leverkusen, Bergisch Gladbach und im Rhein-Erft-Kreis. Netzbetreiber ist die Rheinische NETZGesellschaft, in Teilen des Umlands die Westnetz.', true),
('/standorte/frankfurt', 'Frankfurt am Main', 'Photovoltaik in Frankfurt | ZOE Solar',
 'ZOE Solar in Frankfurt am Main: Photovoltaik, Speicher und Wallboxen für Unternehmen und Eigenheime in Rhein-Main. Unser neuer Standort stellt sich vor.',
 'Unser neuer Standort in Frankfurt am Main ist seit diesem Frühjahr für Sie da. Von hier aus planen wir Photovoltaikanlagen, Batteriespeicher und Wallboxen für Unternehmen und Eigenheime in Frankfurt, Offenbach, Bad Homburg, Hanau und Darmstadt. Netzbetreiber ist die NRM Netzdienste Rhein-Main. Weitere Informationen zu Referenzen und Förderprogrammen im Rhein-Main-Gebiet folgen in Kürze. Rufen Sie uns an oder fordern Sie ein Angebot an.', false);

INSERT INTO demo_inventory
SELECT c.path, 'standorte', c.title, c.meta_description,
       ARRAY['Photovoltaik in ' || c.city], NULL,
       'ZOE Solar ist Ihr Ansprechpartner für Photovoltaik in ' || c.city || ' und Umgebung. '
       || c.own ||
       CASE WHEN c.full_frame THEN E'\n' ||
       'Unsere Energieberater kommen zu Ihnen, prüfen Dach oder Freifläche und erstellen eine Ertragsprognose für Ihren Standort. '
       'Wir planen Solaranlagen für Einfamilienhäuser, Mehrfamilienhäuser, Gewerbehallen und landwirtschaftliche Betriebe und kombinieren sie auf Wunsch mit Batteriespeicher, Wallbox und Wärmepumpe. '
       'Module und Wechselrichter beziehen wir von Herstellern wie SMA, Fronius und BYD, die Montage übernehmen unsere eigenen Teams aus der Region. '
       'Wir kümmern uns um die Anmeldung beim Netzbetreiber, den Eintrag im Marktstammdatenregister und die Inbetriebnahme. '
       'Wir kennen die regionalen Förderprogramme, die Vorgaben der Bauämter und die Anforderungen der örtlichen Netzbetreiber und beraten Sie persönlich vor Ort statt aus einem fernen Callcenter. '
       'Fordern Sie jetzt Ihr kostenloses Angebot an, wir melden uns innerhalb von zwei Werktagen.'
       ELSE '' END
FROM demo_cities c;

-- Ratgeber -------------------------------------------------------------------------
INSERT INTO demo_inventory VALUES
('/ratgeber/eeg-verguetung-2026', 'ratgeber',
 'EEG-Vergütung 2026: Aktuelle Sätze | ZOE Solar',
 'Wie hoch ist die Einspeisevergütung 2026? Alle Vergütungssätze nach EEG für Teil- und Volleinspeisung, die Degression und was sie für neue PV-Anlagen heißt.',
 ARRAY['EEG-Vergütung 2026: Was Sie für Solarstrom bekommen'], NULL,
 'Wer eine Photovoltaikanlage ans Netz bringt, erhält für jede eingespeiste Kilowattstunde eine Vergütung nach dem Erneuerbare-Energien-Gesetz, kurz EEG. Die Höhe hängt vom Zeitpunkt der Inbetriebnahme, der Anlagengröße und der Art der Einspeisung ab und bleibt dann 20 Jahre plus das Jahr der Inbetriebnahme gleich.
Seit dem Solarpaket sinkt die Einspeisevergütung alle sechs Monate um ein Prozent. Für Anlagen mit Teileinspeisung, bei denen Sie einen Teil des Stroms selbst verbrauchen, liegt sie 2026 bei rund 7,8 Cent pro Kilowattstunde für die ersten 10 kWp und bei etwa 6,8 Cent für den Anteil bis 40 kWp. Wer den gesamten Strom einspeist, erhält bei Volleinspeisung einen Zuschlag und kommt auf etwa 12,3 Cent für die ersten 10 kWp.
Lohnt sich Volleinspeisung? Nur selten. Jede selbst verbrauchte Kilowattstunde spart den Netzbezug zu 30 bis 40 Cent, also ein Vielfaches der Einspeisevergütung. Deshalb planen wir die meisten Anlagen auf möglichst hohen Eigenverbrauch, mit Batteriespeicher, Wallbox oder Wärmepumpe. Volleinspeisung kann sinnvoll sein, wenn auf einer Scheune oder Halle kaum Strom verbraucht wird. Ein Wechsel zwischen beiden Modellen ist jeweils zum Jahreswechsel möglich.
Neu ist die Regel für negative Strompreise: Neue Anlagen erhalten in Stunden mit negativen Börsenpreisen keine Vergütung, die Zeiten werden aber am Ende des Förderzeitraums angehängt. Außerdem begrenzt das Solarspitzengesetz die Einspeisung neuer Anlagen ohne Steuerbox auf 60 Prozent der Modulleistung. Ein Speicher, der die Mittagsspitze aufnimmt, gleicht diese Verluste weitgehend aus.
Größere Anlagen ab 100 kWp müssen den Strom direkt vermarkten und erhalten statt der festen Vergütung die Marktprämie. Ab 1 MWp auf Freiflächen führt der Weg über die Ausschreibungen der Bundesnetzagentur. Für Gewerbebetriebe rechnen wir beide Varianten durch.
Damit Sie die Vergütung erhalten, muss die Anlage beim Netzbetreiber angemeldet und im Marktstammdatenregister eingetragen sein. Versäumen Sie die Registrierung, kann der Anspruch ruhen. ZOE Solar übernimmt beide Schritte für Sie, damit ab dem ersten Sonnentag Geld auf Ihr Konto fließt.'),
('/ratgeber/kfw-foerderung-photovoltaik', 'ratgeber',
 'KfW-Förderung für Photovoltaik | ZOE Solar',
 'Welche KfW-Kredite gibt es für Solaranlagen und Speicher? Wir erklären das Programm 270, Zinssätze, Antrag und die Kombination mit Landesförderungen.',
 ARRAY['KfW-Förderung für Photovoltaik und Speicher'], NULL,
 'Die Kreditanstalt für Wiederaufbau, kurz KfW, fördert Photovoltaikanlagen und Batteriespeicher nicht mit Zuschüssen, sondern mit zinsgünstigen Krediten. Das wichtigste Programm ist der Kredit 270 Erneuerbare Energien Standard. Er finanziert bis zu 100 Prozent der förderfähigen Kosten, also Module, Wechselrichter, Speicher, Montage und Planung, und steht Privatpersonen, Landwirten, Freiberuflern und Unternehmen offen.
Der Zinssatz richtet sich nach der Bonität und der Laufzeit, die zwischen fünf und 30 Jahren liegen kann. Anfangs sind bis zu drei tilgungsfreie Jahre möglich, in denen die Anlage schon Erträge bringt. Den Antrag stellen Sie nicht direkt bei der KfW, sondern über Ihre Hausbank, und zwar bevor Sie den Auftrag erteilen. Ein unterschriebener Vertrag vor der Antragstellung gilt als Vorhabenbeginn und schließt die Förderung aus.
Für Wärmepumpen gibt es dagegen echte Zuschüsse: Über die Bundesförderung für effiziente Gebäude erhalten Eigentümer bis zu 70 Prozent der Kosten erstattet, wenn sie eine alte Öl- oder Gasheizung ersetzen. Wer Photovoltaik und Wärmepumpe kombiniert, kann beides nutzen, den Kredit für die Solaranlage und den Zuschuss für die Heizung.
Zusätzlich lohnt der Blick auf Länder und Kommunen. Berlin fördert Speicher über SolarPLUS, München über das Programm Klimaneutrale Gebäude, und viele Stadtwerke geben Zuschüsse für Wallboxen oder Balkonkraftwerke. Diese Programme lassen sich häufig mit dem KfW-Kredit kombinieren, solange die Gesamtförderung die Kosten nicht übersteigt.
Unsere Energieberater prüfen bei jedem Angebot, welche Förderprogramme für Sie infrage kommen, und geben Ihnen die Unterlagen für die Hausbank mit. So sichern Sie sich die günstigste Finanzierung, ohne Fristen zu versäumen.'),
('/ratgeber/stromspeicher-lohnt-sich', 'ratgeber',
 'Lohnt sich ein Stromspeicher? | ZOE Solar',
 'Ob sich ein Batteriespeicher rechnet, hängt von Verbrauch, Strompreis und Speichergröße ab. Wir rechnen ein Beispiel durch und nennen alle Faktoren.',
 ARRAY['Lohnt sich ein Stromspeicher für Ihre PV-Anlage?'], NULL,
 'Ein Stromspeicher macht Solarstrom auch abends nutzbar. Doch rechnet sich die Investition? Die ehrliche Antwort lautet: meistens ja, aber nicht immer. Entscheidend sind der Strompreis, Ihr Verbrauchsprofil, die Größe des Speichers und sein Preis pro Kilowattstunde Kapazität.
Rechnen wir ein Beispiel. Eine Familie verbraucht 5.000 Kilowattstunden im Jahr und hat eine PV-Anlage mit 10 kWp. Ohne Speicher nutzt sie etwa 30 Prozent des Solarstroms selbst. Mit einem Speicher von 10 Kilowattstunden steigt der Eigenverbrauch auf rund 65 Prozent. Jährlich verschieben sich so etwa 2.500 Kilowattstunden von der Einspeisung in den Eigenverbrauch. Bei einem Strompreis von 35 Cent und einer Einspeisevergütung von knapp 8 Cent spart die Familie damit rund 675 Euro pro Jahr.
Ein Lithium-Eisenphosphat-Speicher dieser Größe kostet installiert etwa 6.000 bis 8.000 Euro. Die Amortisation liegt damit bei neun bis zwölf Jahren, die Lebensdauer moderner Speicher wie der BYD Battery-Box bei 15 bis 20 Jahren. Steigen die Strompreise weiter, geht es schneller.
Weniger lohnend ist ein Speicher, wenn Sie tagsüber ohnehin viel Strom verbrauchen, etwa im Homeoffice, mit einer Wallbox, die mittags lädt, oder mit einer Wärmepumpe, die auf Solarüberschuss gesteuert wird. Dann ist der Eigenverbrauch schon ohne Speicher hoch. Überdimensionieren sollten Sie den Speicher nicht: Mehr als eine Kilowattstunde Kapazität pro kWp Anlagenleistung wird im Winter kaum voll.
Zusätzliche Gründe für einen Speicher sind die Notstromfunktion, die Begrenzung der Einspeisung neuer Anlagen auf 60 Prozent ohne Steuerbox und dynamische Stromtarife, bei denen ein Speicher günstigen Netzstrom zwischenspeichern kann. Wir rechnen Ihnen vorab mit Ihrem Lastprofil vor, welche Größe sich lohnt.'),
('/ratgeber/agri-pv-landwirtschaft', 'ratgeber',
 'Agri-PV in der Landwirtschaft | ZOE Solar',
 'Agri-PV lohnt sich für viele Höfe: Wir erklären Bauformen, die DIN SPEC 91434, Förderung über das EEG, Agrarzahlungen und Erfahrungen aus der Praxis.',
 ARRAY['Agri-PV: Chancen für landwirtschaftliche Betriebe'], NULL,
 'Landwirte stehen unter Druck: Preise schwanken, Wetterextreme nehmen zu und Flächen werden knapp. Agri-Photovoltaik bietet eine zweite Einnahmequelle, ohne die Fläche der Landwirtschaft zu entziehen. Der Strom wird über oder zwischen den Kulturen erzeugt, die Bewirtschaftung geht weiter.
Die DIN SPEC 91434 legt fest, was als Agri-PV gilt. Höchstens 10 Prozent der Fläche dürfen bei hoch aufgeständerten Anlagen durch die Konstruktion verloren gehen, bei bodennahen Anlagen 15 Prozent. Außerdem muss der landwirtschaftliche Ertrag mindestens 66 Prozent des Referenzertrags erreichen. Wer diese Regeln einhält, behält den Anspruch auf die Direktzahlungen der Gemeinsamen Agrarpolitik.
Im EEG erhalten besondere Solaranlagen wie Agri-PV in den Ausschreibungen einen eigenen Bonus, weil sie teurer sind als normale Freiflächenanlagen. Für kleinere Anlagen bis 1 MWp gilt die feste Marktprämie ohne Ausschreibung. Viele Höfe nutzen einen Teil des Stroms selbst, etwa für Melkroboter, Kühlung, Trocknung oder Bewässerung, und senken so ihre Betriebskosten.
Welche Bauform passt? Vertikale bifaziale Module in Reihen mit großem Abstand eignen sich für Grünland und Ackerbau. Sie erzeugen morgens und abends viel Strom, wenn die Börsenpreise höher sind. Hoch aufgeständerte Anlagen schützen Obst, Beeren und Wein vor Hagel und Sonnenbrand und reduzieren die Verdunstung. Versuche in Baden-Württemberg und Sachsen zeigen, dass manche Kulturen im Halbschatten in trockenen Jahren sogar mehr Ertrag bringen.
Wichtig ist die frühe Abstimmung mit Gemeinde und Netzbetreiber. Agri-PV ist seit 2023 im Außenbereich unter Bedingungen privilegiert, größere Anlagen brauchen aber weiterhin einen Bebauungsplan. Wir begleiten Betriebe in Brandenburg, Sachsen, Bayern und Niedersachsen durch das ganze Verfahren, von der Machbarkeitsstudie bis zum Netzanschluss.'),
('/ratgeber/wallbox-foerderung', 'ratgeber',
 'Wallbox-Förderung 2026 im Überblick | ZOE Solar',
 'Welche Förderung gibt es 2026 für die Wallbox? Programme von Ländern, Kommunen und Netzbetreibern, reduzierte Netzentgelte nach 14a EnWG und Steuertipps.',
 ARRAY['Wallbox-Förderung: Was es 2026 noch gibt'], NULL,
 'Das bundesweite KfW-Programm 440, das private Wallboxen mit 900 Euro bezuschusst hat, ist ausgelaufen. Trotzdem müssen Sie die Ladestation nicht ohne Unterstützung kaufen. Mehrere Bundesländer, viele Kommunen und einige Stadtwerke fördern Wallboxen weiterhin, besonders in Kombination mit einer Photovoltaikanlage.
Die wichtigste Entlastung kommt heute über die Netzentgelte. Seit 2024 gelten Wallboxen über 4,2 Kilowatt als steuerbare Verbrauchseinrichtungen nach Paragraf 14a des Energiewirtschaftsgesetzes. Der Netzbetreiber darf die Ladeleistung in seltenen Engpässen kurzzeitig drosseln, dafür zahlen Sie reduzierte Netzentgelte. Je nach Netzgebiet spart das 100 bis 200 Euro im Jahr.
Unternehmen können Ladeinfrastruktur steuerlich abschreiben, und das Laden von Dienstwagen beim Arbeitgeber ist für Mitarbeiter steuerfrei. Einige Länder wie Sachsen und Nordrhein-Westfalen fördern gewerbliche Ladepunkte mit Zuschüssen. Für Wohnungseigentümergemeinschaften gibt es in manchen Städten eigene Programme für Ladeinfrastruktur in Tiefgaragen.
Am meisten spart, wer mit eigenem Solarstrom lädt. Eine Kilowattstunde vom Dach kostet rund zehn Cent, aus dem Netz über 30 Cent. Ein Elektroauto mit 15.000 Kilometern im Jahr braucht etwa 2.500 Kilowattstunden. Lädt es zur Hälfte mit Solarstrom, sparen Sie jährlich über 250 Euro gegenüber reinem Netzstrom. Voraussetzung ist eine Wallbox, die mit dem Wechselrichter oder einem Energiemanager kommuniziert, etwa die SMA EV Charger oder die Fronius Wattpilot.
Vor dem Kauf lohnt ein Blick in die Förderdatenbank des Bundes und auf die Website Ihres Stadtwerks, denn viele Programme verlangen den Antrag vor der Bestellung. Wir prüfen das bei jedem Angebot für Sie.'),
('/ratgeber/waermepumpe-und-photovoltaik', 'ratgeber',
 'Wärmepumpe und Photovoltaik kombinieren | ZOE Solar',
 'Wärmepumpe und PV-Anlage sind ein starkes Team. Wie viel Heizstrom liefert die Sonne, wie groß muss die Anlage sein, welche Förderung gibt es?',
 ARRAY['Wärmepumpe und Photovoltaik: ein starkes Team'], NULL,
 'Wärmepumpen brauchen Strom, Photovoltaikanlagen erzeugen ihn. Was liegt näher, als beides zu kombinieren? Doch wie viel Heizstrom kann die Sonne wirklich liefern? Die Antwort hängt von der Jahreszeit ab. Im Sommer deckt die Solaranlage den Strombedarf für Warmwasser fast vollständig, in der Übergangszeit einen großen Teil der Heizung. Im Dezember und Januar dagegen liefert sie nur wenig.
Über das Jahr gerechnet kann eine gut geplante Photovoltaikanlage 25 bis 40 Prozent des Strombedarfs einer Wärmepumpe decken. Bei einem Einfamilienhaus mit 4.000 Kilowattstunden Wärmepumpenstrom sind das bis zu 1.600 Kilowattstunden, die nicht aus dem Netz kommen müssen. Das spart je nach Tarif 300 bis 500 Euro jährlich.
Damit die Kombination funktioniert, braucht es eine intelligente Steuerung. Ein Energiemanager erkennt Solarüberschüsse und schaltet die Wärmepumpe ein, um Pufferspeicher und Warmwasserspeicher aufzuheizen. Viele Geräte unterstützen dafür die Schnittstelle SG Ready. Ein Batteriespeicher hilft zusätzlich, den Solarstrom in die Abendstunden zu verschieben.
Wie groß sollte die PV-Anlage sein? Planen Sie das Dach möglichst voll. Für Haushaltsstrom, Wärmepumpe und vielleicht eine Wallbox ist eine Anlage mit zwölf bis 15 kWp sinnvoll. Ost-West-Dächer haben den Vorteil, dass sie morgens und abends mehr erzeugen, wenn die Heizung läuft.
Für die Wärmepumpe gibt es über die KfW einen Zuschuss von bis zu 70 Prozent, für die Solaranlage einen günstigen Kredit. Zusätzlich senken spezielle Wärmepumpentarife und reduzierte Netzentgelte die Kosten für den restlichen Netzstrom. ZOE Solar plant beide Systeme gemeinsam, damit sie optimal zusammenarbeiten.'),
('/ratgeber/balkonkraftwerk-anmelden', 'ratgeber',
 'Balkonkraftwerk anmelden: So geht es | ZOE Solar',
 'Balkonkraftwerk anmelden in drei Minuten: Was Sie im Marktstammdatenregister eintragen, welche Regeln seit dem Solarpaket gelten und was Mieter beachten.',
 ARRAY['Balkonkraftwerk anmelden: Schritt für Schritt'], NULL,
 'Die Anmeldung eines Balkonkraftwerks ist seit dem Solarpaket I deutlich einfacher geworden. Eine separate Meldung beim Netzbetreiber ist nicht mehr nötig. Es bleibt nur die Registrierung im Marktstammdatenregister der Bundesnetzagentur, die Sie online in wenigen Minuten erledigen.
So gehen Sie vor: Legen Sie auf der Website des Marktstammdatenregisters ein Benutzerkonto als Anlagenbetreiber an. Wählen Sie dann die vereinfachte Registrierung für Steckersolargeräte. Sie brauchen die Adresse, das Datum der Inbetriebnahme, die Modulleistung in Watt und die Leistung des Wechselrichters. Mehr Angaben sind nicht erforderlich. Die Registrierung muss innerhalb eines Monats nach der Inbetriebnahme erfolgen.
Welche Grenzen gelten? Der Wechselrichter darf bis zu 800 Watt einspeisen, die Module dürfen zusammen bis zu 2.000 Watt Leistung haben. Ein alter Zähler ohne Rücklaufsperre darf übergangsweise weiterlaufen, bis der Netzbetreiber ihn tauscht. Der Anschluss über einen normalen Schukostecker ist erlaubt, ein spezieller Wielandstecker wird empfohlen, aber nicht mehr verlangt.
Mieter und Wohnungseigentümer haben seit 2024 einen Anspruch darauf, ein Steckersolargerät anzubringen. Vermieter oder Eigentümergemeinschaft können nur über die Art der Montage mitreden, etwa über die Farbe oder die Befestigung am Geländer. Fragen Sie trotzdem vorher, das erspart Streit.
Achten Sie auf eine sichere Befestigung, besonders in oberen Stockwerken und an windigen Standorten. Die Halterung muss für die Windlast ausgelegt sein. Unsere Sets enthalten geprüfte Halterungen und eine Anleitung, und bei Fragen zur Anmeldung helfen wir gern.'),
('/ratgeber/eigenverbrauch-optimieren', 'ratgeber',
 'Eigenverbrauch optimieren: 7 Tipps | ZOE Solar',
 'Mehr Solarstrom selbst nutzen: Sieben Tipps, wie Sie mit Speicher, Wallbox, Wärmepumpe und smarter Steuerung den Eigenverbrauch Ihrer PV-Anlage steigern.',
 ARRAY['Sieben Tipps für mehr Eigenverbrauch'], NULL,
 'Jede Kilowattstunde Solarstrom, die Sie selbst verbrauchen, ist bares Geld wert. Während die Einspeisevergütung bei unter acht Cent liegt, kostet Netzstrom über 30 Cent. Wer den Eigenverbrauch erhöht, verkürzt die Amortisationszeit seiner Photovoltaikanlage erheblich. Diese sieben Tipps helfen dabei.
Erstens: Verschieben Sie große Verbraucher in die Mittagszeit. Waschmaschine, Trockner und Geschirrspüler mit Startzeitvorwahl laufen am besten zwischen elf und 15 Uhr. Zweitens: Nutzen Sie einen Batteriespeicher, der überschüssigen Strom für den Abend aufbewahrt. Drittens: Laden Sie Ihr Elektroauto mit einer Wallbox im Überschussmodus, die nur mit Solarstrom lädt.
Viertens: Lassen Sie die Wärmepumpe auf Solarüberschuss reagieren. Über SG Ready heizt sie Speicher auf, wenn die Sonne scheint. Fünftens: Ein Heizstab im Warmwasserspeicher nimmt kleine Überschüsse auf, die sich anders nicht nutzen lassen. Sechstens: Ein Energiemanager wie der SMA Sunny Home Manager oder der Fronius Ohmpilot koordiniert alle Geräte automatisch und lernt Ihr Verbrauchsverhalten.
Siebtens: Prüfen Sie einen dynamischen Stromtarif. Er macht Netzstrom in Stunden mit viel Wind- und Solarstrom günstig. In Kombination mit Speicher und Wallbox können Sie so auch im Winter Geld sparen.
Ein Beispiel aus unserer Praxis in Leipzig: Eine Familie mit 9 kWp Anlage steigerte ihren Eigenverbrauch mit Speicher, Wallbox und Energiemanager von 28 auf 74 Prozent. Die jährliche Ersparnis stieg von 620 auf 1.450 Euro. Gern analysieren wir auch Ihre Anlage und zeigen, wo noch Potenzial liegt.'),
('/ratgeber/pv-anlage-gewerbe-steuer', 'ratgeber',
 'PV-Anlage im Gewerbe und die Steuer: Umsatzsteuer, Einkommensteuer, Abschreibung und Gewerbesteuer erklärt | ZOE Solar',
 'Gewerbliche PV-Anlage und Steuern: Abschreibung, Investitionsabzugsbetrag, Umsatzsteuer und Gewerbesteuer einfach erklärt, mit Beispielrechnung.',
 ARRAY['Photovoltaik im Unternehmen: Das sagt das Steuerrecht'], NULL,
 'Für private Anlagen bis 30 kWp hat der Gesetzgeber die Steuern weitgehend abgeschafft: Es gilt der Nullsteuersatz bei der Umsatzsteuer und die Einnahmen sind von der Einkommensteuer befreit. Für Unternehmen und größere Anlagen sieht es anders aus. Hier lohnt sich ein genauer Blick, denn die Steuer kann die Wirtschaftlichkeit deutlich verbessern.
Eine gewerbliche Photovoltaikanlage ist ein Wirtschaftsgut, das über 20 Jahre linear abgeschrieben wird. Zusätzlich können kleine und mittlere Unternehmen einen Investitionsabzugsbetrag von bis zu 50 Prozent der geplanten Kosten bilden, bevor sie investieren, und im Jahr der Anschaffung eine Sonderabschreibung von 40 Prozent nutzen. So lässt sich ein großer Teil der Kosten schon in den ersten Jahren steuerlich geltend machen.
Bei der Umsatzsteuer können Unternehmen die Vorsteuer aus Kauf und Montage zurückholen. Der selbst verbrauchte Strom ist dann kein Entnahmetatbestand, solange er im Betrieb genutzt wird. Eingespeister Strom unterliegt der Umsatzsteuer, die der Netzbetreiber zusätzlich zur Vergütung zahlt.
Die Gewerbesteuer betrifft Anlagen, die zu einem Gewerbebetrieb gehören. Seit 2023 sind Betreiber kleiner Anlagen bis 30 kWp davon befreit. Für Landwirte ist wichtig, dass eine Anlage auf der Scheune die Pauschalierung nicht gefährden darf, deshalb wird sie oft in einem eigenen Betrieb geführt.
Ein Beispiel: Ein Handwerksbetrieb in Stuttgart investiert 120.000 Euro in eine Anlage mit 150 kWp. Mit Investitionsabzugsbetrag und Sonderabschreibung mindert er seinen Gewinn in den ersten beiden Jahren um über 80.000 Euro. Gleichzeitig spart er durch Eigenverbrauch jährlich rund 25.000 Euro Stromkosten. Sprechen Sie die Details mit Ihrem Steuerberater ab, wir liefern die Zahlen dafür.'),
('/ratgeber/netzbetreiber-anmeldung', 'ratgeber',
 'PV-Anlage beim Netzbetreiber anmelden | ZOE Solar',
 'Wie melde ich meine PV-Anlage beim Netzbetreiber an? Ablauf, Unterlagen, Fristen und die Eintragung im Marktstammdatenregister für PV-Anlagen und Speicher.',
 ARRAY[]::text[], NULL,
 'Bevor eine Photovoltaikanlage Strom ins Netz einspeisen darf, muss sie beim zuständigen Netzbetreiber angemeldet werden. Das ist der Betreiber des Stromnetzes an Ihrem Standort, nicht Ihr Stromanbieter. In Berlin ist das die Stromnetz Berlin, in München die SWM Infrastruktur, in weiten Teilen Brandenburgs die E.DIS Netz.
Der Ablauf hat zwei Stufen. Zuerst stellen Sie vor dem Bau eine Netzanschlussanfrage, damit der Netzbetreiber prüft, ob das Netz die Leistung aufnehmen kann. Für Anlagen bis 30 kWp gilt ein vereinfachtes Verfahren: Meldet sich der Netzbetreiber nicht innerhalb eines Monats, dürfen Sie anschließen. Nach der Installation folgt die Fertigmeldung mit Inbetriebnahmeprotokoll, Datenblättern von Modulen und Wechselrichter, Einheitenzertifikat und Lageplan.
Der Netzbetreiber tauscht dann den Zähler gegen einen Zweirichtungszähler oder ein intelligentes Messsystem. Seit dem Solarspitzengesetz werden neue Anlagen ab 7 kWp mit einer Steuerbox ausgestattet, über die der Netzbetreiber die Einspeisung regeln kann. Fehlt sie, ist die Einspeisung auf 60 Prozent der Modulleistung begrenzt.
Parallel müssen Sie die Anlage und einen eventuellen Batteriespeicher innerhalb eines Monats nach Inbetriebnahme im Marktstammdatenregister eintragen. Ohne diesen Eintrag zahlt der Netzbetreiber keine Einspeisevergütung. Die Registrierung ist online möglich und kostenlos.
Seit 2025 nutzen viele Netzbetreiber ein gemeinsames Webportal, doch Formulare und Fristen unterscheiden sich weiterhin. ZOE Solar übernimmt die gesamte Kommunikation mit dem Netzbetreiber für Sie, vom ersten Antrag bis zur Zählersetzung, und kennt die Besonderheiten der großen Netzgebiete.');

-- company ----------------------------------------------------------------------------
INSERT INTO demo_inventory VALUES
('/ueber-uns', 'unternehmen',
 'Über uns: Ihr Solarteur | ZOE Solar',
 'ZOE Solar wurde 2012 in Berlin gegründet und beschäftigt heute 180 Mitarbeiter an acht Standorten. Lernen Sie unser Team und unsere Geschichte kennen.',
 ARRAY['Über ZOE Solar'], NULL,
 'ZOE Solar wurde 2012 von zwei Elektroingenieuren in Berlin gegründet. Die Idee war einfach: Solarstrom sollte für jeden Betrieb und jedes Haus verständlich, bezahlbar und zuverlässig werden. Aus einem kleinen Büro in Adlershof ist ein Unternehmen mit 180 Mitarbeitern an acht Standorten geworden, von Hamburg bis München.
Wir planen und bauen jedes Jahr mehr als 250 Photovoltaikanlagen, vom Einfamilienhaus bis zum Agri-PV-Projekt mit mehreren Megawatt. Dazu kommen Batteriespeicher, Wallboxen, Wärmepumpen und Solarcarports. Unsere Montageteams sind fest angestellt und regelmäßig bei Herstellern wie SMA, Fronius und BYD geschult.
Qualität ist für uns kein Schlagwort. Wir verwenden nur Komponenten, die wir selbst getestet haben, dokumentieren jede Anlage vollständig und bleiben auch nach der Inbetriebnahme Ihr Ansprechpartner. Über 1.800 Kunden vertrauen uns, und viele empfehlen uns weiter.
Als Mitglied im Bundesverband Solarwirtschaft setzen wir uns für faire Rahmenbedingungen der Energiewende ein. Wir bilden jedes Jahr Elektroniker für Energie- und Gebäudetechnik aus und unterstützen Schulprojekte zu erneuerbaren Energien.'),
('/referenzen', 'unternehmen',
 'Referenzen und Projekte | ZOE Solar',
 'Ausgewählte Projekte von ZOE Solar: gewerbliche PV-Anlagen, Agri-PV, Solarcarports und Eigenheime mit Speicher. Zahlen, Fotos und Stimmen unserer Kunden.',
 ARRAY[]::text[], NULL,
 'Seit 2012 haben wir über 1.800 Anlagen gebaut. Hier zeigen wir eine Auswahl, die die Bandbreite unserer Arbeit zeigt.
Logistikzentrum in Großbeeren bei Berlin: Auf 12.000 Quadratmetern Hallendach erzeugt eine Anlage mit 1,4 MWp jährlich rund 1.300 Megawattstunden. Ein Batteriespeicher mit 500 Kilowattstunden kappt die Lastspitzen der Kühlung. Der Eigenverbrauch liegt bei 78 Prozent.
Obsthof im Alten Land bei Hamburg: Eine hoch aufgeständerte Agri-PV-Anlage mit 750 kWp schützt Äpfel und Kirschen vor Hagel und Sonnenbrand. Die Erträge blieben stabil, der Einsatz von Pflanzenschutzmitteln ging zurück.
Autohaus in Stuttgart: Ein Solarcarport mit 80 Stellplätzen und 40 Ladepunkten erfüllt die Photovoltaikpflicht für Parkplätze und versorgt die Vorführwagen mit Sonnenstrom.
Einfamilienhaus in Potsdam: 11 kWp auf dem Dach, ein BYD-Speicher mit 10 Kilowattstunden, eine Wallbox und eine Wärmepumpe. Die Familie deckt 72 Prozent ihres gesamten Energiebedarfs selbst.
Milchviehbetrieb in Sachsen: Vertikale bifaziale Module auf Grünland liefern Strom für Melkroboter und Kühlung in den Morgen- und Abendstunden.'),
('/kontakt', 'unternehmen',
 'Kontakt | ZOE Solar',
 'So erreichen Sie ZOE Solar: Telefon, E-Mail und Adressen unserer acht Standorte. Unser Kundenservice ist werktags von 8 bis 18 Uhr für Sie da.',
 ARRAY['Kontakt'], NULL,
 'Sie haben Fragen zu Photovoltaik, Batteriespeicher, Wallbox oder Wärmepumpe? Unser Team ist für Sie da. Sie erreichen unseren Kundenservice werktags von 8 bis 18 Uhr unter der Telefonnummer 030 555 123 400 oder per E-Mail an info@zoe-solar.de. Für Störungen an bestehenden Anlagen mit Wartungsvertrag gibt es eine eigene Hotline, die auch am Wochenende erreichbar ist.
Unsere Zentrale befindet sich in Berlin-Adlershof, Rudower Chaussee 29, 12489 Berlin. Regionale Standorte haben wir in Hamburg, München, Leipzig, Potsdam, Stuttgart, Köln und Frankfurt am Main. Termine vor Ort vereinbaren Sie am einfachsten telefonisch oder über unser Kontaktformular.
Wenn Sie ein konkretes Angebot wünschen, nutzen Sie bitte unser Angebotsformular. Mit Angaben zu Dachfläche, Stromverbrauch und Wünschen wie Speicher oder Wallbox können wir Ihnen schneller eine erste Einschätzung geben. Presseanfragen richten Sie bitte an presse@zoe-solar.de, Bewerbungen an karriere@zoe-solar.de.'),
('/karriere', 'unternehmen',
 'Karriere in der Solarbranche | ZOE Solar',
 NULL,
 ARRAY['Karriere bei ZOE Solar'], NULL,
 'Die Energiewende braucht Menschen, die anpacken. Bei ZOE Solar arbeiten Elektroniker, Dachdecker, Projektleiter, Planer und Energieberater gemeinsam daran, dass mehr Solarstrom ins Netz kommt. Wir wachsen jedes Jahr und suchen an allen acht Standorten Verstärkung.
Was wir bieten: unbefristete Verträge, faire Bezahlung nach Tarif, 30 Urlaubstage, ein Dienstfahrrad oder ein elektrisches Dienstfahrzeug, regelmäßige Schulungen bei Herstellern wie SMA, Fronius und BYD und ein Team, das zusammenhält. Unsere Monteure sind abends zu Hause, denn wir arbeiten regional.
Aktuell suchen wir Elektroniker für Energie- und Gebäudetechnik in Berlin, Leipzig und München, Projektleiter für gewerbliche Photovoltaik in Hamburg und Stuttgart sowie Vertriebsberater für Wärmepumpe und Speicher. Auch Quereinsteiger aus dem Handwerk sind willkommen, wir schulen Sie gründlich ein.
Jedes Jahr bilden wir junge Menschen zu Elektronikern aus und bieten duale Studienplätze in Elektrotechnik und Energiewirtschaft an. Bewerben Sie sich mit wenigen Angaben online, wir melden uns innerhalb einer Woche.'),
('/impressum', 'unternehmen',
 'Impressum | ZOE Solar',
 'Impressum der ZOE Solar GmbH: Anschrift, Geschäftsführung, Handelsregister, Umsatzsteuer-ID und Angaben nach Paragraf 5 DDG für unsere Website zoe-solar.de.',
 ARRAY['Impressum'], NULL,
 'ZOE Solar GmbH, Rudower Chaussee 29, 12489 Berlin. Geschäftsführer: Dr. Jana Weber, Martin Schulz. Registergericht: Amtsgericht Charlottenburg, HRB 145678 B. Umsatzsteuer-Identifikationsnummer: DE 287654321. Telefon 030 555 123 400, E-Mail info@zoe-solar.de. Verantwortlich für den Inhalt nach Paragraf 18 Absatz 2 MStV: Dr. Jana Weber, Anschrift wie oben. Wir sind nicht bereit oder verpflichtet, an Streitbeilegungsverfahren vor einer Verbraucherschlichtungsstelle teilzunehmen.'),
('/datenschutz', 'unternehmen',
 'Datenschutzerklärung | ZOE Solar',
 'Datenschutzerklärung der ZOE Solar GmbH: welche Daten wir auf zoe-solar.de verarbeiten, wozu, auf welcher Rechtsgrundlage und welche Rechte Sie haben.',
 ARRAY['Datenschutzerklärung'], NULL,
 'Verantwortlich für die Datenverarbeitung ist die ZOE Solar GmbH, Rudower Chaussee 29, 12489 Berlin. Unsere Website setzt keine Cookies zu Werbezwecken. Für die Reichweitenmessung verwenden wir ein eigenes Verfahren ohne Cookies, das keine IP-Adressen speichert. Anfragen über unsere Formulare verarbeiten wir zur Bearbeitung Ihres Anliegens nach Artikel 6 Absatz 1 lit. b DSGVO. Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Widerspruch. Unseren Datenschutzbeauftragten erreichen Sie unter datenschutz@zoe-solar.de.'),
('/faq', 'unternehmen',
 'Häufige Fragen zur Photovoltaik | ZOE Solar',
 'Antworten auf die häufigsten Fragen zu Photovoltaik, Speicher, Wallbox und Förderung: Kosten, Ertrag, Dauer der Montage, Anmeldung und Wartung der Anlage.',
 ARRAY['Häufige Fragen'], NULL,
 'Was kostet eine Photovoltaikanlage? Für ein Einfamilienhaus mit 10 kWp liegen die Kosten inklusive Montage bei etwa 13.000 bis 17.000 Euro, mit Batteriespeicher bei 19.000 bis 25.000 Euro. Gewerbliche Anlagen sind pro kWp günstiger.
Wie viel Strom erzeugt eine Anlage? In Deutschland rechnet man mit 850 bis 1.100 Kilowattstunden pro kWp und Jahr, abhängig von Standort, Ausrichtung und Neigung.
Wie lange dauert die Montage? Auf einem Einfamilienhaus meist ein bis zwei Tage. Von der Bestellung bis zur Inbetriebnahme vergehen in der Regel sechs bis zehn Wochen.
Brauche ich eine Genehmigung? Auf Dächern meist nicht, außer bei Denkmalschutz. Die Anlage muss aber beim Netzbetreiber und im Marktstammdatenregister angemeldet werden, das übernehmen wir.
Lohnt sich ein Speicher? Häufig ja, besonders bei hohem Abendverbrauch. Details finden Sie in unserem Ratgeber.
Gibt es Förderung? Die KfW vergibt günstige Kredite, für Wärmepumpen gibt es Zuschüsse, dazu kommen Programme von Ländern und Kommunen.
Braucht die Anlage Wartung? Wir empfehlen eine Prüfung alle zwei bis vier Jahre, für Gewerbe regelmäßig nach DGUV Vorschrift 3.'),
('/angebot-anfordern', 'unternehmen',
 'Kostenloses Angebot anfordern | ZOE Solar',
 'Fordern Sie Ihr kostenloses und unverbindliches Angebot für Photovoltaik, Speicher, Wallbox oder Wärmepumpe an. Antwort innerhalb von zwei Werktagen.',
 ARRAY['Ihr kostenloses Angebot'], NULL,
 'Sie möchten wissen, was eine Photovoltaikanlage auf Ihrem Dach kostet und was sie bringt? Füllen Sie unser Formular aus, es dauert nur drei Minuten. Wir brauchen die Adresse des Gebäudes, Ihren ungefähren Jahresstromverbrauch und ein paar Angaben zum Dach: Form, Ausrichtung, Eindeckung und ungefähre Größe. Fotos vom Dach und vom Zählerschrank helfen uns, schneller zu planen.
Sagen Sie uns außerdem, ob Sie sich für einen Batteriespeicher, eine Wallbox für Ihr Elektroauto oder eine Wärmepumpe interessieren. Für Unternehmen und landwirtschaftliche Betriebe fragen wir nach dem Lastgang oder den Stromrechnungen der letzten zwölf Monate, damit wir den Eigenverbrauch realistisch berechnen können.
Innerhalb von zwei Werktagen meldet sich ein Energieberater aus Ihrer Region. Nach einer kurzen Abstimmung erhalten Sie eine erste Auslegung mit Ertragsprognose, Wirtschaftlichkeitsberechnung und Festpreis. Auf Wunsch besichtigen wir das Gebäude vor Ort. Das Angebot ist kostenlos und unverbindlich, Ihre Daten verwenden wir ausschließlich für Ihre Anfrage.');

-- closing blocks as the site's templates render them under the main text
UPDATE demo_inventory SET body_text = body_text || E'\n' ||
    'Sie möchten wissen, was das für Ihr Gebäude bedeutet? Unsere Energieberater erstellen Ihnen kostenlos eine Auslegung mit Ertragsprognose, Wirtschaftlichkeitsberechnung und Festpreis. Fordern Sie jetzt Ihr Angebot an, wir melden uns innerhalb von zwei Werktagen.'
WHERE page_group = 'produkte';
UPDATE demo_inventory SET body_text = body_text || E'\n' ||
    'Über diesen Ratgeber: Der Text wurde von den Energieberatern der ZOE Solar GmbH geschrieben und wird regelmäßig aktualisiert. Alle Angaben ohne Gewähr, denn Förderbedingungen, Vergütungssätze und Gesetze ändern sich. Für eine persönliche Berechnung mit Ihrem Verbrauch, Ihrem Dach und den aktuellen Förderprogrammen in Ihrer Region sprechen Sie uns an.'
WHERE page_group = 'ratgeber';
UPDATE demo_inventory SET body_text = body_text || E'\n' ||
    'ZOE Solar GmbH: Photovoltaik, Batteriespeicher, Wallbox und Wärmepumpe aus einer Hand. Zentrale in Berlin-Adlershof, Standorte in Hamburg, München, Leipzig, Potsdam, Stuttgart, Köln und Frankfurt am Main. Mitglied im Bundesverband Solarwirtschaft und zertifizierter Fachbetrieb für Elektrotechnik.'
WHERE page_group = 'unternehmen' AND path NOT IN ('/impressum', '/datenschutz');

-- the inventory, one statement -----------------------------------------------------
INSERT INTO pages (site_id, url, url_norm, path, page_group, title, meta_description, h1s,
                   canonical, lang, body_text, word_count)
SELECT s.id, 'https://zoe-solar.de' || d.path, 'https://zoe-solar.de' || d.path, d.path,
       d.page_group, d.title, d.meta_description, d.h1s,
       coalesce(d.canonical, 'https://zoe-solar.de' || d.path), 'de', d.body_text,
       array_length(regexp_split_to_array(trim(d.body_text), '\s+'), 1)
FROM demo_inventory d, sites s
WHERE s.domain = 'zoe-solar.de'
ORDER BY d.path
ON CONFLICT (url_norm) DO NOTHING;
