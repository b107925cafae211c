/* test_webhook.c - Standard Webhooks signatures against the specification's
 * example, what an HTTP status means for a delivery, the retry schedule with
 * its jitter bounds, Retry-After in both forms, schedules from configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "webhook.h"
#include "whsig.h"

#include "testutil.h"

/* The example of the Standard Webhooks libraries' own tests (svix, python:
 * test_webhook.py): this secret, id, timestamp and body sign as below. */
static void test_sign_reference(void **state)
{
	(void)state;
	char sig[WHSIG_SIG_LEN];
	const char *body = "{\"test\": 2432232314}";
	assert_int_equal(whsig_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body, strlen(body), sig), 0);
	assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* without the prefix the same key */
	char sig2[WHSIG_SIG_LEN];
	assert_int_equal(whsig_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body, strlen(body), sig2), 0);
	assert_string_equal(sig, sig2);
	/* one byte of the body changes it */
	assert_int_equal(whsig_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body, strlen(body) - 1, sig2), 0);
	assert_string_not_equal(sig, sig2);
	assert_int_equal(whsig_sign("whsec_***", "m", "1", "x", 1, sig2), -1);
	assert_int_equal(whsig_sign("whsec_", "m", "1", "x", 1, sig2), -1);
}

static void test_secret_new(void **state)
{
	(void)state;
	char a[WHSIG_SECRET_LEN], b[WHSIG_SECRET_LEN], sig[WHSIG_SIG_LEN];
	assert_int_equal(whsig_secret_new(a), 0);
	assert_int_equal(whsig_secret_new(b), 0);
	assert_int_equal(strncmp(a, "whsec_", 6), 0);
	assert_int_equal(strlen(a), 6 + 44);          /* 32 bytes in base64 */
	assert_string_not_equal(a, b);
	assert_int_equal(whsig_sign(a, "msg_1", "1", "{}", 2, sig), 0);
}

static void test_outcome(void **state)
{
	(void)state;
	static const struct { int status; enum webhook_outcome o; } t[] = {
		{200, WH_SUCCESS}, {204, WH_SUCCESS}, {299, WH_SUCCESS}, {0, WH_RETRY},
		{199, WH_RETRY}, {301, WH_RETRY}, {302, WH_RETRY}, {400, WH_RETRY},
		{404, WH_RETRY}, {410, WH_DISABLE}, {429, WH_RETRY_AFTER}, {500, WH_RETRY},
		{502, WH_RETRY}, {503, WH_RETRY_AFTER},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (webhook_outcome(t[i].status) != t[i].o)
			fail_msg("status %d: %d, want %d", t[i].status,
				 webhook_outcome(t[i].status), t[i].o);
}

static void test_schedule(void **state)
{
	(void)state;
	const webhook_schedule_t *s = &webhook_schedule_default;
	static const double want[] = {5, 300, 1800, 7200, 18000, 36000, 36000};
	assert_int_equal(s->n, 7);
	for (int a = 1; a <= 7; a++) {
		assert_near(webhook_retry_delay(s, a, 0.5), want[a - 1], 1e-9);
		assert_near(webhook_retry_delay(s, a, 0), want[a - 1] * 0.8, 1e-9);
		assert_true(webhook_retry_delay(s, a, 0.9999999) <= want[a - 1] * 1.2);
		assert_true(webhook_retry_delay(s, a, 0.9999999) > want[a - 1] * 1.19);
	}
	assert_true(webhook_retry_delay(s, 8, 0.5) < 0);
	assert_true(webhook_retry_delay(s, 0, 0.5) < 0);
	/* the whole schedule spans about 27.6 hours before jitter */
	double sum = 0;
	for (int a = 1; a <= 7; a++)
		sum += webhook_retry_delay(s, a, 0.5);
	assert_near(sum, 5 + 300 + 1800 + 7200 + 18000 + 36000 + 36000, 1e-9);
}

static void test_retry_after(void **state)
{
	(void)state;
	time_t now = 784111777;   /* Sun, 06 Nov 1994 08:49:37 GMT */
	assert_int_equal(webhook_retry_after("120", now), 120);
	assert_int_equal(webhook_retry_after(" 0 ", now), 0);
	assert_int_equal(webhook_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 0);
	assert_int_equal(webhook_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now), 120);
	assert_int_equal(webhook_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now), 0);
	assert_int_equal(webhook_retry_after("99999999", now), 7 * 86400);
	assert_int_equal(webhook_retry_after(NULL, now), -1);
	assert_int_equal(webhook_retry_after("", now), -1);
	assert_int_equal(webhook_retry_after("-5", now), -1);
	assert_int_equal(webhook_retry_after("12abc", now), -1);
	assert_int_equal(webhook_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now), -1);
	assert_int_equal(webhook_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), -1);
	assert_int_equal(webhook_retry_after("99999999999999999999999", now), -1);
}

static void test_schedule_parse(void **state)
{
	(void)state;
	webhook_schedule_t s;
	assert_int_equal(webhook_schedule_parse("1,2,0.5", &s), 0);
	assert_int_equal(s.n, 3);
	assert_near(s.delay[2], 0.5, 1e-12);
	assert_near(s.jitter, 0.2, 1e-12);
	static const char *const bad[] = {"", "0", "-1", "1,,2", "1;2", "x", "1,2,",
		"700000", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "nan", "inf"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (webhook_schedule_parse(bad[i], &s) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_reference),
		cmocka_unit_test(test_secret_new),
		cmocka_unit_test(test_outcome),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_schedule_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
