/* reviews.c - Bayesian average and trust score of a set of reviews; see reviews.h. */
#include "reviews.h"

#include <math.h>
#include <stddef.h>

#include "stats.h"

const char *const reviews_trust_names[REVIEWS_TRUST_COMPONENTS] = {
	"quality", "volume", "recency", "reply", "consistency",
};
const double reviews_trust_weights[REVIEWS_TRUST_COMPONENTS] = {
	0.45, 0.15, 0.15, 0.10, 0.15,
};

const char reviews_bayes_formula[] =
	"(C*m + sum of ratings) / (C + n) with C = 10 reviews at m = 4.0 stars";
const char reviews_trust_formula[] =
	"100 * (0.45*quality + 0.15*volume + 0.15*recency + 0.10*reply + 0.15*consistency), "
	"quality = (bayesian_average - 1) / 4; volume = min(1, ln(1+n) / ln(101)); "
	"recency = 0.5*min(1, reviews in the last 365 days / 12) + 0.5*exp(-days since the newest "
	"review / 90); reply = replied / n; consistency = 1 - (rating >= 4 with negative text or "
	"rating <= 2 with positive text) / reviews with sentiment; a component without data is "
	"left out and the weights of the others renormalised";

double reviews_bayes(double sum, long n)
{
	if (n <= 0)
		return NAN;
	return stats_bayes_avg(REVIEWS_PRIOR_M, REVIEWS_PRIOR_C, sum, (size_t)n);
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

static int consistent(const reviews_summary_t *s)
{
	return s->n > 0 && s->sum >= (double)s->n && s->sum <= 5.0 * (double)s->n &&
	       s->replied >= 0 && s->replied <= s->n && s->scored >= 0 && s->scored <= s->n &&
	       s->contradicting >= 0 && s->contradicting <= s->scored && s->last_year >= 0 &&
	       s->last_year <= s->n && !isnan(s->days_since_newest);
}

int reviews_trust(const reviews_summary_t *s, reviews_trust_t *out)
{
	*out = (reviews_trust_t){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
	if (!s || !consistent(s))
		return -1;
	double n = (double)s->n, days = s->days_since_newest > 0 ? s->days_since_newest : 0;
	out->bayes = reviews_bayes(s->sum, s->n);
	out->quality = clamp01((out->bayes - 1) / 4);
	out->volume = clamp01(log1p(n) / log1p(REVIEWS_VOLUME_FULL));
	out->recency = 0.5 * clamp01((double)s->last_year / REVIEWS_PER_YEAR_FULL) +
		       0.5 * exp(-days / REVIEWS_FRESH_DAYS);
	out->reply = (double)s->replied / n;
	out->consistency = s->scored ? 1 - (double)s->contradicting / (double)s->scored : NAN;
	const double c[REVIEWS_TRUST_COMPONENTS] = {out->quality, out->volume, out->recency,
						    out->reply, out->consistency};
	double sum = 0, wsum = 0;
	for (int i = 0; i < REVIEWS_TRUST_COMPONENTS; i++) {
		if (isnan(c[i]))
			continue;
		sum += reviews_trust_weights[i] * c[i];
		wsum += reviews_trust_weights[i];
	}
	out->score = round(1000 * sum / wsum) / 10;
	return 0;
}
