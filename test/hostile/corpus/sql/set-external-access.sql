-- expect: refuses SET
SET enable_external_access = true
