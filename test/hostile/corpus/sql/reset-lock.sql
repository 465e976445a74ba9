-- expect: refuses SET
RESET lock_configuration
