-- expect: refuses CREATE
CREATE MACRO leak(x) AS x
