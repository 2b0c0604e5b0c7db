-- The relay holds back a user's newer records while older ones on the same topic wait in the outbox.
CREATE INDEX outbox_topic_key ON outbox (topic, record_key, id);
