/* hub_delivery.c - the job `webhooks` (every second): turns new events of
 * the log into deliveries (hub_dispatch, sql/027_hub.sql), then sends the
 * next due delivery of every endpoint at once with libcurl's multi
 * interface, so a slow or failing endpoint never delays another.
 *
 * Per endpoint one delivery at a time, the oldest pending in event-log
 * order: an endpoint is leased while its delivery is in flight, so several
 * runners never send to one endpoint in parallel or out of order. A request:
 * POST of {type, timestamp, data} with Standard Webhooks headers
 * (webhook-id msg_<event id>, the same on every retry; webhook-timestamp of
 * this attempt; webhook-signature "v1,<sig>" under the current secret, and
 * under the previous one too during a rotation), 15 s timeout, redirects not
 * followed, the answer read up to 64 KiB (1 KiB kept), the host checked by
 * core/netguard and the connection pinned to the checked address.
 *
 * Configuration (environment of `zoe jobs`): ZOE_OUTBOUND_ALLOW (CIDRs that
 * may be internal, core/netguard.h), ZOE_WEBHOOK_SCHEDULE (retry delays in
 * seconds, "5,300,1800,..."; SPEC's by default), ZOE_WEBHOOK_DISABLE_AFTER
 * (seconds without a success before an endpoint is disabled; 5 days). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "db.h"
#include "handlers.h"
#include "jobs.h"
#include "log.h"
#include "netguard.h"
#include "webhook.h"
#include "whsig.h"

#define PARALLEL 32             /* endpoints sent to at once */
#define RUN_SECONDS 10          /* claiming new work stops after this */
#define TIMEOUT_MS 15000L
#define READ_CAP 65536          /* answer bytes read before hanging up */
#define KEEP_CAP 1024           /* answer bytes stored with the attempt */
#define DISABLE_AFTER (5 * 86400)

typedef struct send {
	CURL *h;
	struct curl_slist *headers, *resolve;
	char delivery[24], attempts[12], err[256], retry_after[64];
	char *body;
	char resp[KEEP_CAP + 1];
	size_t resp_len, read;
	long status;
	double ms;
} send_t;

static const db_stmt_t q_cleanup = {"hub_cleanup",
	"DELETE FROM jobs WHERE kind = 'webhooks' AND done_at < now() - interval '10 minutes'"};
static const db_stmt_t q_dispatch = {"hub_dispatch", "SELECT hub_dispatch(1000)"};
/* The due head of every enabled, unleased endpoint, leased for this round. */
static const db_stmt_t q_claim = {"hub_claim",
	"WITH heads AS (SELECT DISTINCT ON (endpoint_id) id, endpoint_id, event_id, next_at, attempts"
	"  FROM webhook_deliveries WHERE status = 'pending' ORDER BY endpoint_id, ev_xid, event_id),"
	" due AS (SELECT h.* FROM heads h JOIN webhook_endpoints w ON w.id = h.endpoint_id"
	"  WHERE h.next_at <= now() AND w.enabled AND (w.lease_until IS NULL OR w.lease_until < now())"
	"  ORDER BY h.next_at LIMIT $1::int),"
	" claim AS (UPDATE webhook_endpoints w SET lease_until = now() + interval '120 seconds'"
	"  FROM due WHERE w.id = due.endpoint_id AND (w.lease_until IS NULL OR w.lease_until < now())"
	"  RETURNING w.url, w.secret, CASE WHEN w.prev_until > now() THEN w.prev_secret END AS prev,"
	"  due.id AS did, due.event_id, due.attempts)"
	" SELECT c.did, c.event_id, c.attempts, c.url, c.secret, c.prev,"
	"  json_build_object('type', e.type, 'timestamp', to_char(e.created_at AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'data', e.data)::text"
	" FROM claim c JOIN event_log e ON e.id = c.event_id"};
static const db_stmt_t q_record = {"hub_record",
	"SELECT hub_record($1::bigint, $2::int, $3, $4::int, $5, $6, $7::float8, $8::int)"};

static webhook_schedule_t schedule(void)
{
	webhook_schedule_t s;
	const char *env = getenv("ZOE_WEBHOOK_SCHEDULE");
	if (env && webhook_schedule_parse(env, &s) == 0)
		return s;
	return webhook_schedule_default;
}

const char *hub_schedule_json(arena_t *a)
{
	webhook_schedule_t s = schedule();
	json_t *arr = arena_json(a, json_array());
	for (size_t i = 0; arr && i < s.n; i++)
		json_array_append_new(arr, json_real(s.delay[i]));
	char *out = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	if (out && arena_cleanup(a, free, out) < 0) {
		free(out);
		return NULL;
	}
	return out;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	send_t *s = ud;
	size_t len = size * n, keep = KEEP_CAP - s->resp_len;
	if (keep > len)
		keep = len;
	for (size_t i = 0; i < keep; i++)      /* printable ASCII only: stored as text */
		s->resp[s->resp_len++] = (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' ? p[i] : '?';
	s->resp[s->resp_len] = '\0';
	s->read += len;
	return s->read > READ_CAP ? 0 : len;    /* 0: hang up, the status is known */
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	send_t *s = ud;
	size_t len = size * n;
	if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0) {
		size_t v = len - 12 < sizeof s->retry_after - 1 ? len - 12 : sizeof s->retry_after - 1;
		memcpy(s->retry_after, p + 12, v);
		s->retry_after[v] = '\0';
		s->retry_after[strcspn(s->retry_after, "\r\n")] = '\0';
	}
	return len;
}

/* The signature header: "v1,<current>" and " v1,<previous>" during a rotation. */
static int signatures(const char *secret, const char *prev, const char *id, const char *ts,
		      const char *body, char *out, size_t outlen)
{
	char a[WHSIG_SIG_LEN], b[WHSIG_SIG_LEN];
	size_t len = strlen(body);
	if (whsig_sign(secret, id, ts, body, len, a) < 0)
		return -1;
	if (prev && whsig_sign(prev, id, ts, body, len, b) == 0)
		snprintf(out, outlen, "webhook-signature: %s %s", a, b);
	else
		snprintf(out, outlen, "webhook-signature: %s", a);
	return 0;
}

/* Prepares the request of row i; -1 with s->err when it cannot be sent. */
static int prepare(send_t *s, PGresult *res, int i, const char *allow)
{
	netguard_target_t t;
	char line[256], why[200], ts[24], id[40];
	const char *url = db_get(res, i, 3);
	if (netguard_check_url(url, allow, &t, why, sizeof why) < 0) {
		snprintf(s->err, sizeof s->err, "refused: %s", why);
		return -1;
	}
	snprintf(id, sizeof id, "msg_%s", db_get(res, i, 1));
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	if (netguard_resolve_entry(&t, line, sizeof line) < 0 ||
	    !(s->resolve = curl_slist_append(NULL, line)) || !(s->h = curl_easy_init()))
		goto oom;
	const char *fixed[] = {"content-type: application/json", "user-agent: zoe-webhooks/1",
		"expect:"};
	for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
		if (!(s->headers = curl_slist_append(s->headers, fixed[k])))
			goto oom;
	char sig[2 * WHSIG_SIG_LEN + 32], hid[64], hts[48];
	snprintf(hid, sizeof hid, "webhook-id: %s", id);
	snprintf(hts, sizeof hts, "webhook-timestamp: %s", ts);
	if (signatures(db_get(res, i, 4), db_get(res, i, 5), id, ts, s->body, sig, sizeof sig) < 0) {
		snprintf(s->err, sizeof s->err, "the endpoint's secret is unusable");
		return -1;
	}
	if (!(s->headers = curl_slist_append(s->headers, hid)) ||
	    !(s->headers = curl_slist_append(s->headers, hts)) ||
	    !(s->headers = curl_slist_append(s->headers, sig)))
		goto oom;
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_RESOLVE, s->resolve);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(s->h, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
	return 0;
oom:
	snprintf(s->err, sizeof s->err, "out of memory");
	return -1;
}

/* A finished request: its status, time and error. */
static void finished(send_t *s, CURLcode rc)
{
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &s->status);
	curl_easy_getinfo(s->h, CURLINFO_TOTAL_TIME, &s->ms);
	s->ms *= 1000;
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && s->status))
		snprintf(s->err, sizeof s->err, "%s", curl_easy_strerror(rc));
	if (s->err[0])
		s->status = 0;
}

static void send_free(send_t *s)
{
	if (!s)
		return;
	if (s->h)
		curl_easy_cleanup(s->h);
	curl_slist_free_all(s->headers);
	curl_slist_free_all(s->resolve);
	free(s->body);
	free(s);
}

/* Applies the delivery rules to one finished request and stores the attempt. */
static void record(send_t *s, const webhook_schedule_t *sch, int disable_after)
{
	static const char *const names[] = {[WH_SUCCESS] = "success", [WH_RETRY] = "retry",
		[WH_RETRY_AFTER] = "retry", [WH_DISABLE] = "disable"};
	enum webhook_outcome o = webhook_outcome((int)s->status);
	unsigned int u;
	crypto_random(&u, sizeof u);
	double delay = webhook_retry_delay(sch, (int)strtol(s->attempts, NULL, 10) + 1,
					   u / 4294967296.0);
	long ra = o == WH_RETRY_AFTER ? webhook_retry_after(s->retry_after[0] ? s->retry_after : NULL,
							   time(NULL)) : -1;
	if (delay >= 0 && ra >= 0)
		delay = (double)ra;
	char st[16], ms[16], d[32], da[16];
	snprintf(st, sizeof st, "%ld", s->status);
	snprintf(ms, sizeof ms, "%d", (int)(s->ms + 0.5));
	snprintf(d, sizeof d, "%.3f", delay);
	snprintf(da, sizeof da, "%d", disable_after);
	const char *p[] = {s->delivery, s->status ? st : NULL, s->err[0] ? s->err : NULL, ms,
		s->resp_len ? s->resp : NULL, names[o], delay >= 0 ? d : NULL, da};
	PGresult *res = db_run(NULL, &q_record, 8, p);
	if (!res)
		log_warn("webhooks: recording delivery %s failed: %s", s->delivery, db_last_message());
	else if (db_get(res, 0, 0))
		log_warn("webhooks: endpoint of delivery %s disabled: %s", s->delivery, db_get(res, 0, 0));
	PQclear(res);
}

/* Claims up to `room` due heads and starts them on m (the ones that cannot
 * be sent are recorded at once). Returns the number started, -1 on a DB error. */
static int claim(CURLM *m, int room, const webhook_schedule_t *sch, int disable_after)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", room);
	const char *p[] = {lim};
	PQclear(db_run(NULL, &q_dispatch, 0, NULL));    /* events committed meanwhile */
	PGresult *res = db_run(NULL, &q_claim, 1, p);
	if (!res)
		return -1;
	int n = PQntuples(res), started = 0;
	const char *allow = getenv("ZOE_OUTBOUND_ALLOW");
	for (int i = 0; i < n; i++) {
		send_t *s = calloc(1, sizeof *s);
		if (!s)
			break;  /* the lease expires; another run takes the endpoint */
		snprintf(s->delivery, sizeof s->delivery, "%s", db_get(res, i, 0));
		snprintf(s->attempts, sizeof s->attempts, "%s", db_get(res, i, 2));
		s->body = strdup(db_get(res, i, 6));
		if (s->body && prepare(s, res, i, allow) == 0 && curl_multi_add_handle(m, s->h) == CURLM_OK) {
			started++;
			continue;
		}
		if (!s->err[0])
			snprintf(s->err, sizeof s->err, "out of memory");
		record(s, sch, disable_after);
		send_free(s);
	}
	PQclear(res);
	return started;
}

/* Sends until nothing is due or in flight (new heads join as others finish,
 * for up to RUN_SECONDS); the number of attempts, -1 on a DB error. */
static int pump(const webhook_schedule_t *sch, int disable_after)
{
	CURLM *m = curl_multi_init();
	if (!m)
		return 0;
	time_t start = time(NULL), last_claim = 0;
	int inflight = 0, total = 0, running, q, rc = 0, done_one = 1;
	for (;;) {
		time_t now = time(NULL);
		if (now - start < RUN_SECONDS && inflight < PARALLEL && (done_one || now > last_claim)) {
			int n = claim(m, PARALLEL - inflight, sch, disable_after);
			if (n < 0) {
				rc = -1;
				if (!inflight)
					break;
			}
			inflight += n > 0 ? n : 0;
			last_claim = now;
		}
		done_one = 0;
		if (!inflight)
			break;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		while ((msg = curl_multi_info_read(m, &q))) {
			send_t *s = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *h = msg->easy_handle;
			CURLcode res = msg->data.result;
			curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&s);
			curl_multi_remove_handle(m, h);
			finished(s, res);
			record(s, sch, disable_after);
			send_free(s);
			inflight--, total++, done_one = 1;
		}
		if (inflight && !done_one)
			curl_multi_poll(m, NULL, 0, 200, NULL);
	}
	curl_multi_cleanup(m);
	return rc < 0 ? -1 : total;
}

int job_webhooks(json_t *payload, char *err, size_t errlen)
{
	(void)payload;
	webhook_schedule_t sch = schedule();
	const char *env = getenv("ZOE_WEBHOOK_DISABLE_AFTER");
	long da = env ? strtol(env, NULL, 10) : DISABLE_AFTER;
	int disable_after = da > 0 && da <= 365L * 86400 ? (int)da : DISABLE_AFTER;
	PQclear(db_run(NULL, &q_cleanup, 0, NULL));
	PGresult *res;
	int dispatched = 0, rounds = 0;
	do {
		res = db_run(NULL, &q_dispatch, 0, NULL);
		dispatched = res ? (int)db_getll(res, 0, 0, 0) : -1;
		PQclear(res);
	} while (dispatched == 1000 && ++rounds < 10);
	if (dispatched < 0 || pump(&sch, disable_after) < 0) {
		snprintf(err, errlen, "%s", db_last_message());
		return -1;
	}
	return 0;
}
