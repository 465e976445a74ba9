-- expect: refuses DROP
DROP TABLE events
