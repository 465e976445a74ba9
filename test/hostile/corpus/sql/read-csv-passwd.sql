-- expect: outside the case database.*file system operations are disabled
SELECT * FROM read_csv('/etc/passwd', delim = ':', header = false)
