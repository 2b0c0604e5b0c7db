-- Replies are sent straight after their command commits (processed_commands keeps each for a redelivery);
-- the outbox holds events alone, published on the topics' own partitioning. A reply an older version left
-- here was for a requester that gave up long ago. Stop the instances of the older version before this runs.
DELETE FROM outbox WHERE correlation_id IS NOT NULL;
ALTER TABLE outbox DROP COLUMN correlation_id, DROP COLUMN kafka_partition;
