-- expect: refuses DELETE
DELETE FROM events
