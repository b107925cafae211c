/* abtest.c - A/B test statistics; see abtest.h. The frequentist figures are
 * R's prop.test(correct = FALSE) and chisq.test, the Bayesian one the exact
 * Beta-Beta sum, the decision GrowthBook's defaults (SPEC, "A/B tests"). */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>

#define PI 3.14159265358979323846

#include "abtest.h"
#include "stats.h"

static int whole(double v)
{
	return isfinite(v) && v >= 0 && v == floor(v);
}

int ab_compare(double xc, double nc, double x, double n, ab_compare_t *o)
{
	if (!whole(xc) || !whole(nc) || !whole(x) || !whole(n) || xc > nc || x > n)
		return -1;
	double pc = nc > 0 ? xc / nc : NAN, p = n > 0 ? x / n : NAN;
	double vc = nc > 0 ? pc * (1 - pc) / nc : NAN, v = n > 0 ? p * (1 - p) / n : NAN;
	double se = sqrt(vc + v);
	o->rate = p;
	o->abs_uplift = p - pc;
	o->abs_lo = o->abs_uplift - AB_Z975 * se;
	o->abs_hi = o->abs_uplift + AB_Z975 * se;
	/* relative: delta method on p / pc */
	double rse = pc > 0 ? sqrt(v / (pc * pc) + p * p * vc / (pc * pc * pc * pc)) : NAN;
	o->rel_uplift = pc > 0 ? p / pc - 1 : NAN;
	o->rel_lo = o->rel_uplift - AB_Z975 * rse;
	o->rel_hi = o->rel_uplift + AB_Z975 * rse;
	o->p_value = stats_two_prop_p(x, n, xc, nc, &o->z);
	o->chance_to_beat = nc > 0 && n > 0 ? ab_prob_beats(1 + xc, 1 + nc - xc, 1 + x, 1 + n - x)
					    : NAN;
	return 0;
}

static double lbeta(double a, double b)
{
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/* log of term i of P(B > A) = sum_{i<ab} B(aa+i, ba+bb) / ((bb+i) B(1+i, bb) B(aa, ba)) */
static double term(double aa, double ba, double bb, double i)
{
	return lbeta(aa + i, ba + bb) - log(bb + i) - lbeta(1 + i, bb) - lbeta(aa, ba);
}

#define EXACT_MAX 1e7

double ab_prob_beats(double aa, double ba, double ab, double bb)
{
	if (!(aa > 0 && ba > 0 && ab > 0 && bb > 0))
		return NAN;
	if (ab > aa && aa == floor(aa) && aa <= EXACT_MAX)
		return 1 - ab_prob_beats(ab, bb, aa, ba);     /* sum over the smaller alpha */
	if (ab != floor(ab) || ab > EXACT_MAX) {
		double ma = aa / (aa + ba), mb = ab / (ab + bb);
		double va = aa * ba / ((aa + ba) * (aa + ba) * (aa + ba + 1));
		double vb = ab * bb / ((ab + bb) * (ab + bb) * (ab + bb + 1));
		return 0.5 * erfc(-(mb - ma) / sqrt(2 * (va + vb)));
	}
	double top = -INFINITY, sum = 0;
	for (double i = 0; i < ab; i++) {
		double t = term(aa, ba, bb, i);
		if (t > top)
			top = t;
	}
	for (double i = 0; i < ab; i++)
		sum += exp(term(aa, ba, bb, i) - top);
	double p = exp(top + log(sum));
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* Regularised lower incomplete gamma P(a, x) by its series (x < a + 1). */
static double gamma_p_series(double a, double x)
{
	double ap = a, del = 1 / a, sum = del;
	for (int n = 0; n < 10000; n++) {
		ap += 1;
		del *= x / ap;
		sum += del;
		if (fabs(del) < fabs(sum) * 1e-16)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Regularised upper incomplete gamma Q(a, x) by its continued fraction
 * (modified Lentz), for x >= a + 1. */
static double gamma_q_fraction(double a, double x)
{
	const double tiny = 1e-300;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
	for (int i = 1; i < 10000; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double ab_chisq_upper(double x, double df)
{
	if (!(df > 0) || !(x >= 0))
		return NAN;
	if (x == 0)
		return 1;
	double a = df / 2, h = x / 2;
	return h < a + 1 ? 1 - gamma_p_series(a, h) : gamma_q_fraction(a, h);
}

double ab_srm_p(const double *obs, const double *w, size_t k, double *chisq)
{
	double total = 0, stat = 0;
	for (size_t i = 0; i < k; i++)
		total += obs[i];
	if (k < 2 || !(total > 0))
		return NAN;
	for (size_t i = 0; i < k; i++) {
		double e = total * w[i];
		if (!(e > 0))
			return NAN;
		stat += (obs[i] - e) * (obs[i] - e) / e;
	}
	if (chisq)
		*chisq = stat;
	return ab_chisq_upper(stat, (double)(k - 1));
}

int ab_srm_flag(const double *obs, size_t k, double p)
{
	for (size_t i = 0; i < k; i++)
		if (obs[i] < AB_SRM_MIN_UNITS)
			return 0;
	return k >= 2 && p < AB_SRM_P;
}

/* Why a decision was taken: a code for translations and a sentence. */
static const char *const reasons[][2] = {
	{"srm", "sample-ratio mismatch: the assignment is broken, results cannot be trusted"},
	{"chance_reached", "a variant's chance to beat the control reached 95 %"},
	{"all_losing", "every variant's chance to beat the control is at most 5 %: keep the control"},
	{"too_few_conversions", "fewer than 150 conversions in the larger arm of a comparison"},
	{"undecided", "no variant has reached 95 % or fallen to 5 % chance to beat the control"},
};

static ab_decision_t why(ab_decision_t d, int r, const char **code, const char **reason)
{
	*code = reasons[r][0];
	*reason = reasons[r][1];
	return d;
}

ab_decision_t ab_decide(const double *chance, const double *conv, size_t k, int srm,
			int *winner, const char **code, const char **reason)
{
	size_t best = 0, ready = 0, losing = 0;
	*winner = -1;
	if (srm)
		return why(AB_STOP, 0, code, reason);
	for (size_t i = 1; i < k; i++) {
		if (fmax(conv[0], conv[i]) < AB_MIN_CONVERSIONS || isnan(chance[i]))
			continue;
		ready++;
		losing += chance[i] <= AB_CHANCE_LOSE;
		if (!best || chance[i] > chance[best])
			best = i;
	}
	if (best && chance[best] >= AB_CHANCE_SHIP) {
		*winner = (int)best;
		return why(AB_SHIP, 1, code, reason);
	}
	if (k > 1 && ready == k - 1 && losing == ready) {
		*winner = 0;
		return why(AB_STOP, 2, code, reason);
	}
	return why(AB_KEEP_RUNNING, ready < k - 1 ? 3 : 4, code, reason);
}

const char *ab_decision_name(ab_decision_t d)
{
	static const char *const names[] = {"keep running", "ship", "stop"};
	return names[d];
}

static uint32_t fnv1a32(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

double ab_hash(const char *seed, const char *id)
{
	char joined[512], inner[16];
	snprintf(joined, sizeof joined, "%s%s", seed, id);
	snprintf(inner, sizeof inner, "%u", (unsigned)fnv1a32(joined));
	return (double)(fnv1a32(inner) % 10000u) / 10000.0;
}

size_t ab_bucket(double u, const double *w, size_t k)
{
	double cum = 0;
	for (size_t i = 0; i + 1 < k; i++) {
		cum += w[i];
		if (u < cum)
			return i;
	}
	return k ? k - 1 : 0;
}

/* splitmix64: the generator of the Thompson draws */
static uint64_t next64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return ((double)(next64(s) >> 11) + 0.5) / 9007199254740992.0;     /* (0, 1) */
}

static double normal(uint64_t *s)
{
	return sqrt(-2 * log(uniform(s))) * cos(2 * PI * uniform(s));
}

/* Gamma(a, 1) by Marsaglia and Tsang (a >= 1 here: a = 1 + count). */
static double gamma_draw(double a, uint64_t *s)
{
	double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);
	for (;;) {
		double x = normal(s), v = 1 + c * x;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = uniform(s);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

size_t ab_thompson(const double *conv, const double *expo, size_t k, uint64_t seed)
{
	size_t best = 0;
	double top = -1;
	for (size_t i = 0; i < k; i++) {
		double g1 = gamma_draw(1 + conv[i], &seed);
		double g2 = gamma_draw(1 + expo[i] - conv[i], &seed);
		double b = g1 / (g1 + g2);
		if (b > top) {
			top = b;
			best = i;
		}
	}
	return best;
}
