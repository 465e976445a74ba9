-- expect: outside the case database.*file system operations are disabled
SELECT * FROM read_json_auto('{{OTHER}}/manifest.json')
