-- /verify with a random one of the 10,000 verifying users (BenchmarkUsers) and a random code.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function init(args)
    math.randomseed(os.time() * 1000 + thread_index)
end

function request()
    return wrk.format(nil, "/verify", nil, string.format('{"telegram_id":%d,"verification_code":"%06d"}',
        7000000000 + math.random(0, 9999), math.random(0, 999999)))
end
