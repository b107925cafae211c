-- wrk script: as auth.lua, but every request asks a query the report cache has not
-- seen (an ignored parameter changes the key): the report is computed each time.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
local n = 0
request = function()
	n = n + 1
	return wrk.format(nil, wrk.path .. "?cold=" .. n .. "-" .. math.random(1e9))
end
