-- The trace of the command that appended the row, as its W3C traceparent, so that the record the relay publishes
-- later continues it. Not secret, so not sealed with the payload. NULL for rows written before this ran, or outside
-- any trace: those are published in a trace of their own, as before.
ALTER TABLE outbox ADD COLUMN traceparent text;
