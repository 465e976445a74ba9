/** The `trajectory` source: trajectory export events (events.jsonl). */
import type { LogSource } from "../../source-definition.js";
import { TrajectoryEvent, pickTrajectoryVariant } from "./schema.js";
import { normalizeTrajectory } from "./normalize.js";
import { trajectorySql } from "./sql.js";

export const trajectorySource: LogSource = {
  name: "trajectory",
  pipelineName: "trajectory",
  description: "OpenClaw trajectory export events (events.jsonl)",
  schema: TrajectoryEvent,
  variantOf: pickTrajectoryVariant,
  recognize: (record) => record.traceSchema === "openclaw-trajectory",
  normalize: normalizeTrajectory,
  sql: trajectorySql,
};
