/* test_netguard.c - the outbound address check: which addresses a webhook or
 * a page fetch may reach, the allow list, URL forms and the pinning entry.
 * Names resolve through /etc/hosts only ("localhost"); no test needs DNS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "netguard.h"

static int check(const char *url, const char *allow, netguard_target_t *t, char *err)
{
	return netguard_check_url(url, allow, t, err, 160);
}

static void refused(const char *url, const char *allow, const char *why)
{
	netguard_target_t t;
	char err[160];
	if (check(url, allow, &t, err) == 0)
		fail_msg("%s was let through (allow %s)", url, allow ? allow : "-");
	if (!strstr(err, why))
		fail_msg("%s: '%s' does not say '%s'", url, err, why);
}

static void allowed(const char *url, const char *allow, const char *addr, int port)
{
	netguard_target_t t;
	char err[160] = "";
	if (check(url, allow, &t, err) != 0)
		fail_msg("%s refused: %s", url, err);
	assert_string_equal(t.addr, addr);
	assert_int_equal(t.port, port);
}

static void test_internal_refused(void **state)
{
	(void)state;
	refused("http://127.0.0.1/", NULL, "loopback");
	refused("http://127.9.9.9:8080/x", NULL, "loopback");
	refused("http://10.0.0.1/", NULL, "private");
	refused("https://172.31.255.255/", NULL, "private");
	refused("http://192.168.1.10/", NULL, "private");
	refused("http://169.254.169.254/latest/meta-data/", NULL, "link-local");
	refused("http://100.64.0.1/", NULL, "CGNAT");
	refused("http://0.0.0.0/", NULL, "this network");
	refused("http://224.0.0.1/", NULL, "multicast");
	refused("http://255.255.255.255/", NULL, "reserved");
	refused("http://[::1]/", NULL, "loopback");
	refused("http://[::]/", NULL, "unspecified");
	refused("http://[fe80::1]/", NULL, "link-local");
	refused("http://[fd00::5]/", NULL, "unique local");
	refused("http://[::ffff:127.0.0.1]/", NULL, "loopback");
	refused("http://[::ffff:10.1.2.3]/", NULL, "private");
	refused("http://[64:ff9b::a00:1]/", NULL, "NAT64");
	refused("http://[2002:a9fe:a9fe::1]/", NULL, "6to4");
	refused("http://localhost:9/", NULL, "refused");
	/* other spellings of 127.0.0.1 are still 127.0.0.1 */
	refused("http://2130706433/", NULL, "loopback");
	refused("http://0x7f.1/", NULL, "loopback");
}

static void test_public_allowed(void **state)
{
	(void)state;
	allowed("http://93.184.216.34/", NULL, "93.184.216.34", 80);
	allowed("https://93.184.216.34/a?b=c", NULL, "93.184.216.34", 443);
	allowed("https://[2606:2800:220:1:248:1893:25c8:1946]:8443/", NULL,
		"2606:2800:220:1:248:1893:25c8:1946", 8443);
	allowed("http://172.32.0.1/", NULL, "172.32.0.1", 80);   /* just outside 172.16/12 */
}

static void test_allow_list(void **state)
{
	(void)state;
	allowed("http://127.0.0.1:18150/hook", "127.0.0.1/32", "127.0.0.1", 18150);
	allowed("http://127.0.0.1/", " 10.0.0.0/8 , 127.0.0.0/8", "127.0.0.1", 80);
	allowed("http://[::1]/", "::1/128", "::1", 80);
	allowed("http://192.168.7.7/", "192.168.7.7", "192.168.7.7", 80);
	refused("http://127.0.0.2/", "127.0.0.1/32", "loopback");
	refused("http://10.0.0.1/", "127.0.0.1/32", "private");
	refused("http://127.0.0.1/", "127.0.0.1/33", "does not parse");
	refused("http://127.0.0.1/", "nonsense", "does not parse");
}

static void test_bad_urls(void **state)
{
	(void)state;
	refused("ftp://93.184.216.34/", NULL, "scheme ftp");
	refused("file:///etc/passwd", NULL, "scheme file");
	refused("gopher://93.184.216.34/", NULL, "scheme");
	refused("/relative/path", NULL, "not an absolute URL");
	refused("", NULL, "not an absolute URL");
	refused("http://no-such-host.invalid/", NULL, "does not resolve");
}

static void test_resolve_entry(void **state)
{
	(void)state;
	netguard_target_t t = {"hooks.example", "93.184.216.34", 443};
	char out[64];
	assert_int_equal(netguard_resolve_entry(&t, out, sizeof(out)), 0);
	assert_string_equal(out, "hooks.example:443:93.184.216.34");
	netguard_target_t v6 = {"v6.example", "2001:4860::1", 80};
	assert_int_equal(netguard_resolve_entry(&v6, out, sizeof(out)), 0);
	assert_string_equal(out, "v6.example:80:[2001:4860::1]");
	assert_int_equal(netguard_resolve_entry(&t, out, 10), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_internal_refused),
		cmocka_unit_test(test_public_allowed),
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_resolve_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
