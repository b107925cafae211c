// extract-real.mjs - turns German prose of Debian's documentation packages
// into the plain text files of texts-real/ (one paragraph per line) and
// writes texts-real/SOURCES.md (package, file, section, licence of each).
//
//   apt-get install debian-handbook installation-guide-amd64 \
//                   debian-reference-de maint-guide-de
//   node extract-real.mjs            # rewrites texts-real/
//
// The extracted files are committed, so agreement.mjs runs without the
// packages. Only prose is taken: paragraphs (<p>, DocBook's <div class=
// "para">) outside lists, tables, listings, examples and footnotes;
// paragraphs that are mostly markup of commands or file names, or that are
// left in English in the translation, are dropped. A text is one section
// (or consecutive short sections of one file) of 300-900 words.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "texts-real");

const SOURCES = [
	{ key: "hb", pkg: "debian-handbook", dir: "/usr/share/doc/debian-handbook/html/de-DE",
	  title: "Das Debian Administrationshandbuch (Raphaël Hertzog, Roland Mas; German translation)",
	  licence: "GPL-2+ or CC-BY-SA-3.0", take: 14 },
	{ key: "ig", pkg: "installation-guide-amd64", dir: "/usr/share/doc/installation-guide-amd64/de",
	  title: "Debian-Installationsanleitung für amd64 (German translation)",
	  licence: "GPL-2", take: 10 },
	{ key: "ref", pkg: "debian-reference-de", dir: "/usr/share/debian-reference", match: /\.de\.html$/,
	  title: "Debian-Referenz (Osamu Aoki; German translation)",
	  licence: "GPL-2+", take: 6 },
	{ key: "mg", pkg: "maint-guide-de", dir: "/usr/share/doc/maint-guide-de/html", match: /\.de\.html$/,
	  title: "Debian-Leitfaden für neue Paketbetreuer (Josip Rodin, Osamu Aoki; German translation)",
	  licence: "GPL-2+ or MIT", take: 4 },
];
const MIN = 300, MAX = 900;

// containers whose paragraphs are not running prose
const SKIP = new Set(["pre", "table", "ul", "ol", "dl", "script", "style", "head",
	"blockquote"]);
const SKIPCLASS = /\b(screen|programlisting|example|informalexample|footnotes?|toc|list-of-tables|list-of-examples|navfooter|navheader|docnav|variablelist|itemizedlist|orderedlist|calloutlist|titlepage|legalnotice|revhistory|qandaset)\b/;
const CODECLASS = /\b(command|filename|literal|replaceable|userinput|computeroutput|varname|option|systemitem|package|refentrytitle|uri|email)\b/;
const VOID = new Set(["br", "img", "meta", "link", "hr", "input", "col", "area", "base", "wbr"]);

const ENT = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "–",
	mdash: "—", hellip: "…", bdquo: "„", ldquo: "“", rdquo: "”", lsquo: "‘", rsquo: "’",
	sbquo: "‚", laquo: "«", raquo: "»", auml: "ä", ouml: "ö", uuml: "ü", Auml: "Ä",
	Ouml: "Ö", Uuml: "Ü", szlig: "ß", eacute: "é", copy: "©", reg: "®", shy: "" };
function decode(s) {
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
		if (e[0] === "#")
			return String.fromCodePoint(e[1] === "x" || e[1] === "X" ?
				parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return ENT[e] ?? m;
	});
}

// A small tag-stack walk: yields {type:"heading", text} and {type:"para", text, code}
function* blocks(html) {
	const re = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*?)(\/?)>|([^<]+)/g;
	const stack = [];   // {tag, skip, code, para, heading}
	let para = null, heading = null, m;
	const skipping = () => stack.some((e) => e.skip);
	const inCode = () => stack.some((e) => e.code);
	while ((m = re.exec(html))) {
		if (m[0].startsWith("<!--")) continue;
		if (m[5] !== undefined) {
			const t = decode(m[5]);
			if (heading) heading.text += t;
			else if (para && !skipping()) {
				para.text += t;
				if (inCode()) para.code += t.trim().length;
			}
			continue;
		}
		const close = m[1] === "/", tag = m[2].toLowerCase(), attrs = m[3];
		if (!close) {
			if (VOID.has(tag) || m[4] === "/") {
				if (tag === "br" && para) para.text += " ";
				continue;
			}
			const cls = (/class="([^"]*)"/.exec(attrs) || [])[1] || "";
			const e = { tag, skip: SKIP.has(tag) || SKIPCLASS.test(cls) ||
				/^footnote/.test(cls), code: tag === "code" || tag === "tt" ||
				CODECLASS.test(cls) };
			if (/^h[1-4]$/.test(tag)) { e.heading = true; heading = { text: "" }; }
			else if (!para && !skipping() && (tag === "p" || (tag === "div" && /\bpara\b/.test(cls)))) {
				e.para = true; para = { text: "", code: 0 };
			}
			stack.push(e);
			continue;
		}
		// close: pop to the matching tag (tolerates unclosed <p> etc.)
		let i = stack.length - 1;
		while (i >= 0 && stack[i].tag !== tag) i--;
		if (i < 0) continue;
		while (stack.length > i) {
			const e = stack.pop();
			if (e.heading && heading) {
				yield { type: "heading", text: heading.text.replace(/\s+/g, " ").trim() };
				heading = null;
			}
			if (e.para && para) {
				if (!skipping()) yield { type: "para", text: para.text, code: para.code };
				para = null;
			}
		}
	}
}

const words = (s) => s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
const DE = /^(der|die|das|und|ist|nicht|ein|eine|einen|sich|mit|von|für|auf|den|dem|des|werden|wird|sind|auch|oder|wenn|kann|können|zu|im|es|sie|wir|Sie|diese|dieser|bei|nach|wie|nur|aus)$/i;
const EN = /^(the|and|is|are|of|to|in|it|this|that|with|for|be|can|on|as|which|by|you|not|will|from|an|or)$/i;

function prose(p) {
	const text = p.text.replace(/\s+/g, " ").trim();
	const n = words(text);
	if (n < 12) return null;                   // captions, one-liners
	if (p.code > 0.15 * text.length) return null;   // mostly commands / paths
	if (!/[.!?]["“”»)]?$/.test(text)) return null;  // lead-in to a listing ("…:")
	const ws = text.split(/\s+/);
	const de = ws.filter((w) => DE.test(w)).length, en = ws.filter((w) => EN.test(w)).length;
	if (de < 2 * en || de < 0.08 * ws.length) return null;   // left in English
	if (/https?:\/\/|\$ |# /.test(text)) return null;
	return text;
}

function files(src) {
	if (!fs.existsSync(src.dir)) return [];
	return fs.readdirSync(src.dir).filter((f) => (src.match || /\.html$/).test(f))
		.filter((f) => !/^(index|ix01|go01|bi01|pr01|apas0[0-9]|legalnotice|apf)/.test(f)).sort();   // apf: the GPL itself
}

// sections of one file: paragraphs under each heading; short consecutive
// sections merge until MIN words, a section is cut at a paragraph before MAX
function sections(html) {
	const out = [];
	let cur = { title: "", paras: [], n: 0 };
	const flush = () => {
		if (cur.n >= MIN) { out.push(cur); cur = { title: "", paras: [], n: 0 }; }
	};
	for (const b of blocks(html)) {
		if (b.type === "heading") {
			flush();
			if (!cur.title) cur.title = b.text;
			continue;
		}
		const t = prose(b);
		if (!t) continue;
		const n = words(t);
		if (cur.n + n > MAX) {
			if (cur.n >= MIN) { out.push(cur); cur = { title: cur.title + " (Forts.)", paras: [], n: 0 }; }
			else continue;   // a paragraph too long to fit: skip it
		}
		cur.paras.push(t); cur.n += n;
	}
	flush();
	return out;
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out);
const rows = [];
for (const src of SOURCES) {
	const cands = [];
	for (const f of files(src)) {
		const html = fs.readFileSync(path.join(src.dir, f), "utf8");
		for (const s of sections(html)) cands.push({ file: f, ...s });
	}
	if (!cands.length) { console.error(src.pkg + ": not installed, skipped"); continue; }
	// evenly spaced over the book, so the texts cover different chapters
	const step = Math.max(1, cands.length / src.take);
	const picked = [];
	for (let i = 0; i < src.take && Math.floor(i * step) < cands.length; i++)
		picked.push(cands[Math.floor(i * step)]);
	picked.forEach((c, i) => {
		const name = `real_${src.key}${String(i + 1).padStart(2, "0")}`;
		fs.writeFileSync(path.join(out, name + ".txt"), c.paras.join("\n") + "\n");
		rows.push(`| ${name} | ${c.n} | ${src.pkg} | ${c.file} | ${c.title.replace(/\|/g, "/")} | ${src.licence} |`);
	});
	console.log(`${src.pkg}: ${cands.length} sections of ${MIN}-${MAX} words, ${picked.length} taken`);
}
const books = SOURCES.map((s) => `- ${s.pkg}: ${s.title}. Licence ${s.licence}; ` +
	`copyright and full terms in /usr/share/doc/${s.pkg}/copyright of the Debian package.`);
fs.writeFileSync(path.join(out, "SOURCES.md"),
	"# Real German texts: sources and licences\n\n" +
	"Prose sections extracted unchanged (markup removed, one paragraph per line) by\n" +
	"bench/content/extract-real.mjs from the German editions of Debian's documentation,\n" +
	"written and translated by people, under the free licences below.\n\n" +
	books.join("\n") + "\n\n" +
	"| text | words | package | file | section | licence |\n|---|---:|---|---|---|---|\n" +
	rows.join("\n") + "\n");
console.log(rows.length + " texts written to texts-real/");
