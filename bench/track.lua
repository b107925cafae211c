-- wrk script: POST a batch of beacons to the tracker endpoint.
-- BENCH_BODY names a file with the JSON array; BENCH_SITE_KEY and
-- BENCH_ORIGIN are the site's key and an allowed Origin.
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Site-Key"] = os.getenv("BENCH_SITE_KEY")
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " ..
	"(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

-- BENCH_DELAY_MS: each connection waits this long before its next batch, which sets
-- the event rate (bench/mixed) instead of sending flat out.
local wait_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if wait_ms then
	delay = function() return wait_ms end
end
