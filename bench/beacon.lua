-- wrk script: one beacon per request, as a page sends it. BENCH_MODE=track posts
-- a pageview to #3 with the site key (BENCH_SITE_KEY, BENCH_ORIGIN); plausible
-- posts Plausible's payload for BENCH_DOMAIN as its tracker does (text/plain).
-- Each request names another page, so no two bodies are alike.
local mode = os.getenv("BENCH_MODE") or "track"
local domain = os.getenv("BENCH_DOMAIN")
local n = 0
wrk.method = "POST"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " ..
	"(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
if mode == "track" then
	wrk.headers["Content-Type"] = "application/json"
	wrk.headers["X-Site-Key"] = os.getenv("BENCH_SITE_KEY")
	wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
else
	wrk.headers["Content-Type"] = "text/plain"
end

request = function()
	n = n + 1
	local body
	if mode == "track" then
		body = string.format('{"type":"pageview","url":"https://%s/seite-%d",' ..
			'"referrer":"https://www.google.com/"}', domain, n % 500)
	else
		body = string.format('{"n":"pageview","u":"https://%s/seite-%d","d":"%s",' ..
			'"r":"https://www.google.com/","v":36}', domain, n % 500, domain)
	end
	return wrk.format(nil, nil, nil, body)
end

-- BENCH_DELAY_MS: each connection waits this long before its next request, so a
-- few connections send beacons at a steady rate (bench/mixed) instead of flat out.
local wait_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if wait_ms then
	delay = function() return wait_ms end
end
