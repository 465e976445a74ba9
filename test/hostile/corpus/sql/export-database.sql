-- expect: refuses EXPORT|outside the case database
EXPORT DATABASE '{{OUT}}/export'
