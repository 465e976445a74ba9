-- expect: exactly one statement
SELECT count(*) FROM events; COPY events TO '{{OUT}}/x.csv'
