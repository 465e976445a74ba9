/** The `egress` source: the kernel's record of each outbound connection of OpenClaw and its sandboxes. */
import type { LogSource } from "../../source-definition.js";
import { EGRESS_PREFIX, EgressRecord, pickEgressVariant } from "./schema.js";
import { normalizeEgress } from "./normalize.js";
import { egressSql } from "./sql.js";

export const egressSource: LogSource = {
  name: "egress",
  pipelineName: "egress",
  description: "The VM's egress record: nftables log lines of new outbound connections, from the journal",
  schema: EgressRecord,
  variantOf: pickEgressVariant,
  recognize: (record) => typeof record.message === "string" && record.message.startsWith(EGRESS_PREFIX),
  normalize: normalizeEgress,
  sql: egressSql,
};
