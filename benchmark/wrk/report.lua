-- Shared by verify.lua and register.lua: counts the answers by status in each thread and prints one
-- line that scripts/benchmark.sh reads: requests, seconds, p50/p99/max in ms, then status=count pairs.
local threads = {}

function setup(thread)
    thread:set("thread_index", #threads)
    table.insert(threads, thread)
end

statuses = {}

function response(status)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local counts = {}
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses")) do
            counts[status] = (counts[status] or 0) + count
        end
    end
    local line = string.format("wrk-result requests=%d seconds=%.3f p50=%.2f p99=%.2f max=%.2f socket_errors=%d",
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout)
    for status, count in pairs(counts) do
        line = line .. string.format(" %d=%d", status, count)
    end
    io.write(line .. "\n")
end
