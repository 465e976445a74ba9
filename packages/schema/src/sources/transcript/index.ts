/** The `transcript` source: session transcripts, the pi-agent session format OpenClaw keeps per agent. */
import type { LogSource } from "../../source-definition.js";
import { TranscriptEntry, pickTranscriptVariant } from "./schema.js";
import { normalizeTranscript } from "./normalize.js";
import { transcriptSql } from "./sql.js";

export const transcriptSource: LogSource = {
  name: "transcript",
  pipelineName: "transcript",
  description: "OpenClaw session transcript entries (pi-agent session format)",
  schema: TranscriptEntry,
  variantOf: pickTranscriptVariant,
  recognize: (record) => typeof record.type === "string" && "timestamp" in record && "id" in record,
  normalize: normalizeTranscript,
  sql: transcriptSql,
};
