-- expect: refuses ATTACH
ATTACH '{{OTHER}}/case.duckdb' AS other
