-- expect: outside the case database.*file system operations are disabled
SELECT (SELECT content FROM read_text('/etc/hostname')) AS h, count(*) FROM events
