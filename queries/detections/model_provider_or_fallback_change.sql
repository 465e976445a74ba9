-- id: 69363184-c261-4541-a1d4-1ae364042663
-- title: Model provider or model changed, or a fallback model was tried
-- status: experimental
-- severity: medium
-- tags: [atlas.aml.t0010, atlas.aml.t0057]
-- description: Prompts, files and tool output go wherever the model lives. Flags a session model (transcript
--   model_change) that differs from the previous one for the same user and host, a gateway start whose
--   "agent model:" differs from the previous start, and every "model fallback decision" the gateway logs
--   (it moved, or tried to move, a run to another candidate model). The first model seen is a baseline,
--   not a change. The normalized event keeps neither the fallback's candidate nor its decision.
-- falsepositives:
--   - Switching models on purpose with /model or openclaw models set
-- author: oclog
-- date: 2026-11-25
-- match_count: 4

WITH models AS (
    SELECT *,
        CASE WHEN action = 'model.change' THEN 'session'
             WHEN action = 'model_fallback_decision' THEN 'fallback'
             ELSE 'gateway' END AS kind,
        CASE WHEN action = 'model.change' THEN concat_ws('/', gen_ai.provider.name, gen_ai.request.model)
             WHEN action = 'model_fallback_decision' THEN concat_ws('/', gen_ai.provider.name, gen_ai.request.model)
             ELSE regexp_extract(message, '^agent model: (\S+)', 1) END AS model_ref
    FROM events
    WHERE action IN ('model.change', 'model_fallback_decision')
       OR (source = 'gateway-log' AND regexp_matches(message, '^agent model: \S+'))
),
sequenced AS (
    SELECT *,
        lag(model_ref) OVER (PARTITION BY "user", host, kind ORDER BY time, blob, line) AS previous_model
    FROM models
)
SELECT
    time, "user", host, session_id, source, action, kind,
    previous_model, nullif(model_ref, '') AS model,
    message, blob, line
FROM sequenced
WHERE kind = 'fallback' OR (previous_model IS NOT NULL AND model_ref <> previous_model)
ORDER BY time, blob, line
