/* reviews.h - figures over a set of customer reviews (pure): the Bayesian
 * average with the platform's prior and the documented 0-100 trust score.
 *
 * Bayesian average = (C*m + sum of ratings) / (C + n) with C = 10 reviews at
 * m = 4.0 stars: a handful of 5-star reviews does not outrank a long record.
 * Trust score = 100 * sum(w_i * c_i) / sum(w_i) over the components that have
 * data (see reviews_trust_formula), each component in [0, 1]. */
#ifndef ZOE_REVIEWS_H
#define ZOE_REVIEWS_H

#define REVIEWS_PRIOR_C 10.0     /* prior weight, in reviews */
#define REVIEWS_PRIOR_M 4.0      /* prior mean, in stars */
#define REVIEWS_VOLUME_FULL 100  /* reviews for a full volume component */
#define REVIEWS_PER_YEAR_FULL 12 /* reviews in the last year for full steadiness */
#define REVIEWS_FRESH_DAYS 90.0  /* e-folding time of the freshness term, days */

typedef struct reviews_summary {
	long n;                   /* reviews */
	double sum;               /* sum of their ratings (1..5) */
	long replied;             /* with an owner reply */
	long scored;              /* with a sentiment label */
	long contradicting;       /* rating >= 4 with negative text, or <= 2 with positive */
	long last_year;           /* published in the 365 days before the as-of time */
	double days_since_newest; /* as-of time minus the newest review, days (>= 0) */
} reviews_summary_t;

typedef struct reviews_trust {
	double score;             /* 0..100, rounded to one decimal */
	double bayes;             /* Bayesian average, stars */
	double quality;           /* (bayes - 1) / 4 */
	double volume;            /* min(1, ln(1 + n) / ln(1 + 100)) */
	double recency;           /* 0.5 min(1, last_year / 12) + 0.5 exp(-days / 90) */
	double reply;             /* replied / n */
	double consistency;       /* 1 - contradicting / scored; NAN when nothing is scored */
} reviews_trust_t;

/* Bayesian average of n ratings summing to `sum` with the platform prior;
 * NAN when n <= 0 (no reviews: no figure). */
double reviews_bayes(double sum, long n);

/* Fills `out` from `s`. 0 = ok; -1 when s->n <= 0 or the summary is
 * inconsistent (out is then all NAN). */
int reviews_trust(const reviews_summary_t *s, reviews_trust_t *out);

/* Number of trust components, their names and weights (in output order). */
#define REVIEWS_TRUST_COMPONENTS 5
extern const char *const reviews_trust_names[REVIEWS_TRUST_COMPONENTS];
extern const double reviews_trust_weights[REVIEWS_TRUST_COMPONENTS];
/* The formula in one line, for replies and documentation. */
extern const char reviews_trust_formula[];
extern const char reviews_bayes_formula[];

#endif
