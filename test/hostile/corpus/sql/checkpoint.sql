-- expect: refuses CALL|refuses CHECKPOINT
CHECKPOINT
