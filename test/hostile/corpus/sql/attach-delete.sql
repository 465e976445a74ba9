-- expect: exactly one statement
ATTACH '{{OTHER}}/case.duckdb' AS other; DELETE FROM other.events
