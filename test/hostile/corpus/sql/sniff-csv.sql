-- expect: outside the case database.*file system operations are disabled
SELECT * FROM sniff_csv('/etc/passwd')
