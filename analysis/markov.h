/* markov.h - Markov chains over visits: next-page prediction with back-off
 * (order 2, falling back to order 1) and removal-effect attribution over an
 * absorbing chain (Start, states..., Conversion, Exit).
 *
 * Pure code: counts come in (aggregated in SQL), probabilities go out. */
#ifndef ZOE_MARKOV_H
#define ZOE_MARKOV_H

#include <stddef.h>

/* One aggregated observation of a visit moving on: after `prev2` (NULL for
 * an order-1 gram) and `prev1`, the visitor went to `next` (NULL = left the
 * site), `count` times. */
typedef struct mk_gram {
	const char *prev2, *prev1, *next;
	double count;
} mk_gram_t;

typedef struct mk_next {
	const char *next;       /* a state of the grams (not copied); NULL = exit */
	double p;               /* its probability given the context */
	double count;
} mk_next_t;

typedef struct mk_answer {
	int order;              /* 2, 1, or 0 when even prev1 was never seen */
	double support;         /* observations of the context that answered */
	double support2;        /* observations of the order-2 context */
	size_t n;               /* entries in out[] (highest p first, ties by name) */
} mk_answer_t;

/* Distribution of the next state after (prev2, prev1): order 2 when the
 * grams hold at least `min_context` observations of that context, else order
 * 1 from the grams with prev2 == NULL. Writes at most `max` entries into out
 * (exit included, as next == NULL). Returns 0, -1 on bad arguments. */
int mk_predict(const mk_gram_t *grams, size_t n, const char *prev2, const char *prev1,
	       double min_context, mk_next_t *out, size_t max, mk_answer_t *ans);

/* An absorbing chain: state 0 is Start, 1..k the transient page groups,
 * k+1 Conversion, k+2 Exit. counts is (k+3)×(k+3), row-major, counts[i][j]
 * transitions from i to j; a transient row with no outgoing count exits. */
#define MK_START 0
#define MK_MAX_STATES 128

/* Probability of reaching Conversion from Start; the states with removed[i]
 * set send whatever enters them to Exit. removed may be NULL. Returns the
 * probability, or -1 on bad arguments or a singular chain. */
double mk_conversion_prob(const double *counts, int k, const unsigned char *removed);

/* Removal effect of each page group i (1..k) into effect[i - 1]:
 * 1 - P(conversion without i) / P(conversion), and its share of the sum of
 * effects into share[i - 1] (all 0 when nothing converts). Returns P, or -1. */
double mk_removal_effects(const double *counts, int k, double *effect, double *share);

/* ---- journeys: visits' paths of page groups counted into a chain ----
 * Paths are added one by one: the page groups of a visit in order, whether it
 * converted, and how many visits took it. mk_paths_chain() ranks the groups by
 * the visits through them (each occurrence in a path counts; ties by name in
 * byte order), keeps the busiest `max` as states (when there are more, the
 * max-th stands for every group from it on, named `other`) and counts the
 * transitions Start -> first group, group -> next group, last group ->
 * Conversion | Exit. Counting happens here in a hash table, not in SQL. */
typedef struct mk_paths mk_paths_t;

/* An empty set of paths; NULL out of memory. */
mk_paths_t *mk_paths_new(void);
void mk_paths_free(mk_paths_t *p);

/* Adds n visits along groups[0..len-1] (len > 0). Returns 0, -1 out of memory
 * or on bad arguments. */
int mk_paths_add(mk_paths_t *p, const char *const *groups, size_t len, int converted,
		 long long n);

/* The same from PostgreSQL's text output of a one-dimensional text[] without
 * NULLs ("{/a,\"/b c\"}"); an empty array adds nothing. Returns 0, -1 on
 * malformed text or out of memory. */
int mk_paths_add_array(mk_paths_t *p, const char *text, int converted, long long n);

/* Packed paths (sql/065_journey_packs.sql) name their groups and goal events
 * by ids of the caller's: mk_paths_name() tells the name of id `key` (before
 * any pack that uses it; a key named again keeps its first name).
 * mk_paths_add_pack() adds the paths of a pack, lines separated by '\n':
 *
 *     n id id ...|goal:cut|goal:cut
 *
 * n visits along the groups; a line with the goal event named `goal` is cut
 * to its first `cut` groups and converted. Both return 0, -1 out of memory,
 * on malformed text or an unknown id (the lines of a pack before the bad one
 * stay added: the caller gives up). */
int mk_paths_name(mk_paths_t *p, long long key, const char *name);
int mk_paths_add_pack(mk_paths_t *p, const char *text, const char *goal);

/* Visits and converted visits added so far. */
long long mk_paths_visits(const mk_paths_t *p);
long long mk_paths_conversions(const mk_paths_t *p);

/* The chain: writes the state names into names[1..k] (names has max + 1
 * entries; they live as long as p) and the transition counts, (k+3)×(k+3) as
 * mk_conversion_prob() reads them, into counts (room for (max+3)² doubles).
 * Returns k (<= max), or -1 on bad arguments (max < 1 or max + 3 >
 * MK_MAX_STATES) or out of memory. */
int mk_paths_chain(mk_paths_t *p, int max, const char *other, const char **names,
		   double *counts);

/* A converting path: its groups as a JSON array (as PostgreSQL's to_json
 * writes it; lives as long as p) and the visits that took it. */
typedef struct mk_top_path {
	const char *json;
	long long n;
} mk_top_path_t;

/* The `max` converting paths taken by the most visits (ties: the lesser path,
 * compared group by group in byte order, a prefix first), written into out
 * ordered by visits, ties by their JSON text. Returns how many, or -1 out of
 * memory. */
int mk_paths_top(mk_paths_t *p, int max, mk_top_path_t *out);

#endif
