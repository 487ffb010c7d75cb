-- The size of each event's body as appended, in bytes, so that a page of the log can be bounded in
-- bytes as well as in events. Rows appended before have none; their stored size stands in.
ALTER TABLE events ADD COLUMN body_bytes integer;
