-- expect: exactly one statement
SELECT 1; SELECT 2
