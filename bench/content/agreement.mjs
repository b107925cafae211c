// agreement.mjs - runs yoastseo's German researcher (Flesch reading ease,
// passive-sentence share, long-sentence share) and ours (POST
// /api/level4/ai-content/analyze) over every *.txt of texts/ and texts-real/
// (or of the folders named as arguments) and prints the
// table, also written to content-agreement.md (and .json) next to this
// script (bench/reports is the report-latency benchmark, a file).
//
//   cd bench/content && npm install
//   ZOE_URL=http://127.0.0.1:8110 ZOE_PASSWORD=$(cat ../../var/admin.password) node agreement.mjs
// (or ZOE_TOKEN=<an editor's access token>; ZOE_EMAIL defaults to the admin)
//
// A text file is plain German prose, one paragraph per line. Both sides get
// the same paragraphs: Yoast as <p> elements, ours as lines.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yoast from "yoastseo";
import GermanResearcher from "yoastseo/build/languageProcessing/languages/de/Researcher.js";
import LanguageProcessorMod from "yoastseo/build/parse/language/LanguageProcessor.js";
import buildMod from "yoastseo/build/parse/build/index.js";
import stripNumbersMod from "yoastseo/build/languageProcessing/helpers/sanitize/stripNumbers.js";
import countWordsMod from "yoastseo/build/languageProcessing/helpers/word/countWords.js";
import countSyllablesMod from "yoastseo/build/languageProcessing/helpers/syllables/countSyllables.js";

const { Paper } = yoast;
const here = path.dirname(fileURLToPath(import.meta.url));
const URL = process.env.ZOE_URL || "http://127.0.0.1:8110";
let TOKEN = process.env.ZOE_TOKEN;
if (!TOKEN && process.env.ZOE_PASSWORD) {
  const r = await fetch(URL + "/api/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: process.env.ZOE_EMAIL || "admin@zoe-solar.de",
                           password: process.env.ZOE_PASSWORD }),
  });
  TOKEN = (await r.json()).access_token;
}

function yoastFigures(text) {
  const html = text.split("\n").filter((l) => l.trim()).map((l) => `<p>${l}</p>`).join("\n");
  const R = GermanResearcher.default || GermanResearcher;
  const paper = new Paper(html, { locale: "de_DE" });
  const researcher = new R(paper);
  const LP = LanguageProcessorMod.default || LanguageProcessorMod;
  paper.setTree(buildMod.build(paper, new LP(researcher), []));
  const flesch = researcher.getResearch("getFleschReadingScore");
  const passive = researcher.getResearch("getPassiveVoiceResult");
  const lengths = researcher.getResearch("countSentencesFromText");
  const long = lengths.filter((s) => s.sentenceLength > 20).length;
  // Yoast's reading ease counts sentences of the text with numbers stripped
  // ("Kapitel 12.5. Sie" -> "Kapitel . Sie": one more sentence), not the
  // sentences of its other checks; the same formula over those:
  const d = (m) => m.default || m;
  const stripped = d(stripNumbersMod)(paper.getText());
  const w = d(countWordsMod)(stripped);
  const syl = d(countSyllablesMod)(stripped, researcher.getConfig("syllables"));
  const own = Math.min(100, Math.max(0, 180 - w / lengths.length - 58.5 * syl / w));
  return {
    flesch: Number(flesch.score),
    flesch_own_sentences: Math.round(10 * own) / 10,
    sentences: lengths.length,
    passive_sentences: passive.passives.length,
    passive_share: Math.round(1000 * passive.passives.length / passive.total) / 10,
    long_sentences: long,
    long_share: Math.round(1000 * long / lengths.length) / 10,
    passives: passive.passives.map((p) => (typeof p === "string" ? p : p.getSentenceText?.() ?? String(p))),
  };
}

async function ourFigures(name, text) {
  const r = await fetch(URL + "/api/level4/ai-content/analyze", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: "Bearer " + TOKEN },
    body: JSON.stringify({ url: "https://bench.example.org/" + name, text, lang: "de" }),
  });
  if (r.status !== 200) throw new Error(name + ": " + r.status + " " + (await r.text()));
  return (await r.json()).stats;
}

// folders of texts: the arguments, else texts/ (written for the purpose) and
// texts-real/ (real German prose, see texts-real/SOURCES.md)
const sets = process.argv.length > 2 ? process.argv.slice(2) : ["texts", "texts-real"];
const fmt = (x) => (x === undefined || x === null ? "–" : Number(x).toFixed(1));
const all = [], tables = [];
for (const set of sets) {
  const dir = path.resolve(here, set);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".txt")).sort();
  const rows = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    const name = f.replace(/\.txt$/, "");
    const y = yoastFigures(text);
    const o = TOKEN ? await ourFigures(name, text) : null;
    rows.push({ set, name, text, y, o });
  }
  const lines = [
    "| text | words | sentences ours/Yoast | Flesch ours | Flesch Yoast | Δ | Yoast on its own sentences | passive % ours | passive % Yoast | Δ | passive beyond Yoast | long % ours | long % Yoast |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  let okOwn = 0, okF = 0, okP = 0, okL = 0, same = 0, sameP = 0, beyond = 0;
  for (const { name, y, o } of rows) {
    const dF = o ? o.flesch - y.flesch : NaN, dP = o ? o.passive_share - y.passive_share : NaN;
    okF += Math.abs(dF) <= 2; okP += Math.abs(dP) <= 3;
    okOwn += o ? Math.abs(o.flesch - y.flesch_own_sentences) <= 2 : 0;
    if (o && o.sentences === y.sentences) {
      same++;
      okL += Math.abs(o.long_share - y.long_share) < 0.05;
      sameP += o.passive_sentences === y.passive_sentences;
    }
    beyond += o?.passive_beyond_yoast ?? 0;
    lines.push(`| ${name} | ${o?.words ?? "–"} | ${o?.sentences ?? "–"}/${y.sentences} | ${fmt(o?.flesch)} | ${fmt(y.flesch)} | ${fmt(dF)} | ${fmt(y.flesch_own_sentences)} | ${fmt(o?.passive_share)} | ${fmt(y.passive_share)} | ${fmt(dP)} | ${o?.passive_beyond_yoast ?? "–"} | ${fmt(o?.long_share)} | ${fmt(y.long_share)} |`);
  }
  const summary = `${set}/, ${rows.length} texts: Flesch within ±2 on ${okF} (of Yoast's formula over its own sentences: ${okOwn}), passive share within ±3 points on ${okP}; ` +
    `both split into the same number of sentences on ${same}, long-sentence share equal on ${okL} ` +
    `and the number of passive sentences equal on ${sameP} of those; ${beyond} sentences are ` +
    `passive by German grammar but not by Yoast's definition (passive_beyond_yoast).`;
  console.log(`## ${set}/\n\n` + lines.join("\n") + "\n\n" + summary + "\n");
  tables.push(`## ${set}/\n\n` + lines.join("\n") + "\n\n" + summary + "\n");
  all.push(...rows);
}
if (process.env.VERBOSE)
  for (const { name, y } of all) console.log(name, "Yoast passives:", y.passives);
fs.writeFileSync(path.join(here, "content-agreement.json"),
  JSON.stringify(all.map(({ set, name, y, o }) => ({ set, name, yoast: y, ours: o })), null, 1) + "\n");
const md = path.join(here, "content-agreement.md");
const head = "# Content analysis vs yoastseo 3.6.0 (German researcher)\n\n" +
  "Generated by bench/content/agreement.mjs over " + sets.map((s) => "bench/content/" + s + "/").join(" and ") + ".\n\n";
let tail = "";
if (fs.existsSync(md)) {   // keep the hand-written explanation below the table
  const old = fs.readFileSync(md, "utf8"), at = old.indexOf("## Disagreements");
  if (at >= 0) tail = "\n" + old.slice(at);
}
fs.writeFileSync(md, head + tables.join("\n") + tail);
