-- expect: refuses LOAD
LOAD httpfs
