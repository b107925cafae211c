/* forecast.c - the forecasting benchmarks of bench/forecast (figures, never asserts).
 *
 *   forecast compare    reads "series NAME FREQUENCY v1 v2 ..." lines
 *                       (bench/forecast.R) and prints per series the 12-point
 *                       holdout MAPE of fc_select fitted on all but the last 12
 *                       points with the frequency as season, and the model chosen;
 *                       then the parameters and SSE of both Holt-Winters fits,
 *                       and the same comparison over earlier test years
 *   forecast speed K N  K keywords of N days: the daily model choice (weekly
 *                       season), and the monthly analysis the report runs
 *                       (months, Mann-Kendall, Sen, decomposition, model choice);
 *                       milliseconds in total and per keyword (wall clock), and
 *                       the process's CPU time (what a shared machine does not blur) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forecast.h"
#include "trend.h"

#define MAXN 1000

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static double cpu_ms(void)
{
	return clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

/* MAPE in % of m's 12 forecasts against the 12 actuals a. */
static double mape(const hw_model_t *m, const double *a)
{
	double ape = 0;
	for (int h = 1; h <= 12; h++)
		ape += fabs(a[h - 1] - hw_point(m, h)) / fabs(a[h - 1]);
	return 100 * ape / 12;
}

/* Rounded to the 3 decimals the table prints (what "no worse" compares). */
static double r3(double x)
{
	return round(x * 1000) / 1000;
}

/* The same against our own Holt-Winters fits (R's, as the table shows) on
 * the test years before: fitted on all but the last 12 t points (t = 1 ..
 * YEARS) while two seasons and a holdout remain, forecasting the 12 after.
 * Prints "years NAME tests no-worse in80 in95 logratio": how many of those
 * 12-point tests the choice is no worse than the better fit on, how many of
 * their points its 80 % and 95 % intervals hold, and the sum of the logs of
 * its MAPE over the better fit's. */
#define YEARS 8

static void years(const char *name, const double *y, size_t n, int season)
{
	int tests = 0, ties = 0;
	double in80 = 0, in95 = 0, logratio = 0;
	for (size_t t = 1; t <= YEARS && n >= 12 * t + 2 * (size_t)season + 12; t++) {
		size_t m = n - 12 * t;
		fc_choice_t c;
		fc_accuracy_t a;
		hw_model_t add, mult;
		if (fc_select(y, m, season, &c) < 0 || fc_fit(y, m, season, FC_HW_ADDITIVE, &add) < 0)
			continue;
		double best = r3(mape(&add, y + m));
		if (fc_fit(y, m, season, FC_HW_MULTIPLICATIVE, &mult) == 0)
			best = fmin(best, r3(mape(&mult, y + m)));
		fc_accuracy(&c.model, y, m, season, y + m, 12, &a);
		tests++;
		ties += r3(mape(&c.model, y + m)) <= best;
		logratio += log(r3(mape(&c.model, y + m)) / best);
		in80 += 12 * a.cover80;
		in95 += 12 * a.cover95;
	}
	printf("years %s %d %d %.0f %.0f %.6f\n", name, tests, ties, in80, in95, logratio);
}

static int compare(void)
{
	char line[65536];
	while (fgets(line, sizeof(line), stdin)) {
		char name[64], *p = line + 7, *end;
		if (strncmp(line, "series ", 7) != 0)
			continue;
		size_t len = strcspn(p, " \n");
		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		p += len;
		int season = (int)strtol(p, &p, 10);
		double y[MAXN];
		size_t n = 0;
		for (double v; n < MAXN && (v = strtod(p, &end), end != p); p = end)
			y[n++] = v;
		fc_choice_t c;
		if (n < 12 + 2 * (size_t)season || fc_select(y, n - 12, season, &c) < 0) {
			printf("ours %s - -\n", name);
			continue;
		}
		hw_model_t add, mult;
		int ok = fc_fit(y, n - 12, season, FC_HW_ADDITIVE, &add) == 0 &&
			 fc_fit(y, n - 12, season, FC_HW_MULTIPLICATIVE, &mult) == 0;
		printf("ours %s %.3f %s %.3f %.3f %d %.4g %.4g\n", name, mape(&c.model, y + n - 12),
		       fc_method_names[c.method], ok ? mape(&add, y + n - 12) : NAN,
		       ok ? mape(&mult, y + n - 12) : NAN, c.origins, c.score[FC_HW_ADDITIVE],
		       c.score[FC_HW_MULTIPLICATIVE]);
		for (int k = 0; ok && k < 2; k++) {
			const hw_model_t *m = k ? &mult : &add;
			printf("ofit %s %s %.8f %.8f %.8f %.10g\n", name,
			       k ? "multiplicative" : "additive", m->alpha, m->beta, m->gamma, m->sse);
		}
		years(name, y, n, season);
	}
	return 0;
}

/* A keyword's days: level, trend, yearly and weekly season, noise. */
static void synth(double *y, int n, unsigned k)
{
	unsigned s = 2654435761u * (k + 1);
	double base = 20 + k % 200, growth = ((int)(k % 7) - 3) * 0.1, peak = k % 365;
	for (int t = 0; t < n; t++) {
		s = s * 1664525u + 1013904223u;
		double u = (double)(s >> 8) / (double)(1u << 24) - 0.5;
		y[t] = base * (1 + 0.5 * cos(2 * M_PI * (t - peak) / 365.25)) * (1 + growth * t / n) *
		       (t % 7 >= 5 ? 0.8 : 1) * (1 + 0.2 * u);
	}
}

static int speed(int k, int n)
{
	double *y = malloc((size_t)n * sizeof(*y)), m[MAXN], w[3 * MAXN];
	double daily = 0, monthly = 0;
	if (!y)
		return 1;
	double cpu0 = cpu_ms();
	for (int i = 0; i < k; i++) {
		synth(y, n, (unsigned)i);
		fc_choice_t c;
		double t0 = now_ms();
		fc_select(y, (size_t)n, 7, &c);
		double t1 = now_ms();
		size_t nm = 0;                 /* 30-day months, as the report's monthly sums */
		for (int t = 0; t + 30 <= n && nm < MAXN; t += 30, nm++) {
			m[nm] = 0;
			for (int j = 0; j < 30; j++)
				m[nm] += y[t + j];
		}
		mk_result_t mk;
		sen_result_t sen;
		decomp_t d;
		mk_test(m, nm, &mk);
		sen_slope(m, nm, mk.var_s, &sen);
		decomp_additive(m, nm, 12, w, w + nm, w + 2 * nm, &d);
		fc_select(m, nm, 12, &c);
		monthly += now_ms() - t1;
		daily += t1 - t0;
	}
	printf("%d keywords x %d days: daily model choice (7 models, weekly season) %.0f ms, "
	       "%.2f ms per keyword\n", k, n, daily, daily / k);
	printf("%d keywords x %d days: monthly analysis (MK, Sen, decomposition, model choice) "
	       "%.0f ms, %.3f ms per keyword\n", k, n, monthly, monthly / k);
	printf("(wall clock; CPU time of both together %.0f ms, %.2f ms per keyword)\n",
	       cpu_ms() - cpu0, (cpu_ms() - cpu0) / k);
	free(y);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "compare"))
		return compare();
	if (argc >= 2 && !strcmp(argv[1], "speed"))
		return speed(argc > 2 ? (int)strtol(argv[2], NULL, 10) : 500,
			     argc > 3 ? (int)strtol(argv[3], NULL, 10) : 730);
	fprintf(stderr, "usage: forecast compare < series | forecast speed [keywords] [days]\n");
	return 2;
}
