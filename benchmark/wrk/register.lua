-- /register with a fresh seeded user each time (BenchmarkUsers): thread t of T takes users
-- BENCH_FIRST_USER + t, + t + T, + t + 2T, ...
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function init(args)
    step = tonumber(os.getenv("BENCH_WRK_THREADS"))
    next_user = tonumber(os.getenv("BENCH_FIRST_USER")) + thread_index
end

function request()
    local n = next_user
    next_user = next_user + step
    return wrk.format(nil, "/register", nil,
        string.format('{"telegram_id":%d,"phone_number":"+99890%07d"}', 7000000000 + n, n))
end
