-- expect: refuses CALL
CALL pragma_version()
