-- wrk script: as auth.lua, but every request asks a query the report cache has not
-- seen (an ignored parameter changes the key): the report is computed each time.
-- The key is run nonce + thread number + request number, so no two requests of any
-- thread or any run share it (math.random is seeded alike in every thread).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end
local nonce = os.getenv("BENCH_NONCE") or tostring(os.time())
local n = 0
request = function()
	n = n + 1
	return wrk.format(nil, wrk.path .. "?cold=" .. nonce .. "-" .. tostring(tid) .. "-" .. n)
end
