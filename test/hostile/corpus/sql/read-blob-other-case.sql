-- expect: outside the case database.*file system operations are disabled
SELECT size FROM read_blob('{{OTHER}}/case.duckdb')
