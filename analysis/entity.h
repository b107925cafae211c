/* entity.h - the computations of entity SEO (pure, no I/O): overlap
 * resolution of dictionary matches, salience, paragraphs and co-occurrence
 * windows, a page's dominant topic cluster, and communities of the
 * co-occurrence graph by greedy modularity (Clauset-Newman-Moore).
 *
 * Entities are the caller's indexes; offsets are bytes into the caller's
 * UTF-8 text. Everything is deterministic: ties break on lower indexes. */
#ifndef ZOE_ENTITY_H
#define ZOE_ENTITY_H

#include <stddef.h>

#include "text.h"

/* Salience weights: raw = ln(1 + count) + TITLE·[in title] + H1·[in an H1]
 * + FIRST·[in the first paragraph]; salience = raw / Σ raw over the page. */
#define ENTITY_W_TITLE 3.0
#define ENTITY_W_H1 2.0
#define ENTITY_W_FIRST 1.5
/* A main entity is in the title or an H1, or has salience >= MAIN_SALIENCE
 * with at least MAIN_MIN_COUNT mentions. */
#define ENTITY_MAIN_SALIENCE 0.25
#define ENTITY_MAIN_MIN_COUNT 3
/* A window counts at most this many distinct entities (first ones by offset). */
#define ENTITY_WINDOW_MAX 64
/* Largest graph entity_communities accepts (it keeps an n x n matrix). */
#define ENTITY_GRAPH_MAX 512
/* The first paragraph is the first one of at least this many words that is
 * not a heading. */
#define ENTITY_FIRST_PARA_WORDS 5

typedef struct entity_hit {
	size_t entity;          /* caller's entity index */
	size_t start, end;      /* bytes [start, end) */
	size_t pos;             /* code points before start (entity_hits_positions) */
} entity_hit_t;

/* The surface forms of one dictionary entity. alias, head and modifier are
 * PCRE2 patterns (compiled with UTF|CASELESS|UCP); not_after and not_before
 * are literal word parts (at most ENTITY_SENSE_MAX bytes) that give a match
 * next to them another sense. A hyphen separates words, so an alias also
 * matches as a part of a hyphenated compound ("Gewerbe-PV", "PV-Großanlagen").
 *   alias     a whole word: "Speicher[ns]?"
 *   head      the end of a compound after at least three letters or a
 *             hyphen: "speicher[ns]?" in "Großspeicher", "modul(?:e|en)?"
 *             in "Premium-Module"
 *   modifier  the start of a compound followed by at least three more
 *             letters or a hyphen; linking elements need no listing:
 *             "Solaranlage" in "Solaranlagenförderung"
 *   not_after what may not stand right before a match, closed or with a
 *             hyphen: "arbeits" (Arbeitsspeicher, Arbeits-Speicher)
 *   not_before what may not follow a match: "karte" (Speicherkarte,
 *             Speicher-Karte)
 * Every branch is fixed-length look-arounds and an alternation of the
 * dictionary's patterns, so matching stays linear in the text; the
 * look-behind of other senses runs only where a form matches (a look-ahead
 * first), so a page costs about as much as with whole words alone. */
#define ENTITY_SENSE_MAX 64

typedef struct entity_forms {
	const char *const *alias, *const *head, *const *modifier;
	const char *const *not_after, *const *not_before;
	size_t n_alias, n_head, n_modifier, n_not_after, n_not_before;
} entity_forms_t;

/* The PCRE2 pattern of f, opening with the callout (?C1) (a caller's time
 * budget; harmless without one). Returns a malloc'd string (caller free()s),
 * NULL without any alias, head or modifier, for a sense part that is empty
 * or too long, or on OOM. */
char *entity_pattern(const entity_forms_t *f);

/* Sorts hits by start (at equal start: longer first, then lower entity) and
 * drops every hit that overlaps one kept before it. Returns the number kept. */
size_t entity_hits_resolve(entity_hit_t *h, size_t n);
/* Sets pos of hits sorted by start: the code point offset of start in s. */
void entity_hits_positions(const char *s, size_t n, entity_hit_t *h, size_t nh);

/* Paragraphs of s[0..n) appended to *out (zero it first): split at blank
 * lines when s has one, else at every line break; trimmed, empty ones
 * dropped. 0 or -1 (OOM). */
int entity_paragraphs(const char *s, size_t n, text_spans_t *out);
/* Index into paras of the first paragraph with >= ENTITY_FIRST_PARA_WORDS
 * words whose text is none of the n_head headings; else of the first
 * paragraph; -1 when there is none. */
long entity_first_paragraph(const char *s, const text_spans_t *paras,
			    const char *const *headings, size_t n_head);

typedef struct entity_score {
	size_t count;           /* mentions in the text */
	int in_title, in_h1, in_first;
	double salience;        /* out: share of the page's raw weight, 0..1 */
	int main;               /* out: a main entity of the page */
} entity_score_t;

/* Computes salience and main of n scores (the formula above). */
void entity_salience(entity_score_t *s, size_t n);

typedef struct entity_pair {
	size_t a, b;            /* a < b */
	unsigned sentences;     /* sentences holding a hit of both */
	unsigned paragraphs;    /* paragraphs holding a hit of both */
} entity_pair_t;

/* Co-occurrence of the entities of hits (sorted by start) in the sentence
 * and paragraph windows (spans sorted by offset): each window adds 1 to each
 * unordered pair of distinct entities with a hit starting inside it. *out
 * gets a malloc'd array sorted by (a, b) (caller free()s, NULL when empty).
 * 0 or -1 (OOM). */
int entity_cooccur(const entity_hit_t *h, size_t nh, const text_spans_t *sentences,
		   const text_spans_t *paragraphs, entity_pair_t **out, size_t *n_out);

/* The dominant cluster among n found entities (cluster[i] < n_clusters,
 * salience[i]): the eligible cluster with the highest salience sum, lower
 * index on a tie; -1 when no found entity is in an eligible cluster. */
long entity_dominant(const size_t *cluster, const double *salience, size_t n,
		     const unsigned char *eligible, size_t n_clusters);

typedef struct entity_edge {
	size_t a, b;            /* nodes < n; a == b is ignored */
	double w;               /* > 0; parallel edges add up */
} entity_edge_t;

/* Communities of an undirected weighted graph by greedy modularity: starting
 * from singletons, merges the pair of communities with the largest modularity
 * gain while it is positive (ties: lowest pair of indexes). community[i] gets
 * 0..k-1, numbered in order of each community's lowest node; *q (may be NULL)
 * the modularity. Returns k, or -1 when n > ENTITY_GRAPH_MAX or out of memory. */
int entity_communities(size_t n, const entity_edge_t *e, size_t ne, size_t *community,
		       double *q);

#endif
