-- expect: Expected a single SELECT statement
SELECT * FROM query('COPY events TO ''{{OUT}}/q.csv''')
