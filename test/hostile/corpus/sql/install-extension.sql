-- expect: refuses LOAD
INSTALL httpfs
