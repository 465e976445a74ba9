-- expect: exactly one statement
/* only a comment */
