-- expect: outside the case database.*file system operations are disabled
SELECT * FROM glob('{{OTHER}}/*')
