-- expect: Expected a single SELECT statement
SELECT * FROM query('DELETE FROM events RETURNING *')
