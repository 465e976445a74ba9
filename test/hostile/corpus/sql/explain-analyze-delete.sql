-- expect: refuses EXPLAIN
EXPLAIN ANALYZE DELETE FROM events
