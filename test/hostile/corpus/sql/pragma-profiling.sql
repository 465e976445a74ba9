-- expect: refuses PRAGMA
PRAGMA enable_profiling
