/** The `journal` source: the journal of the VM's services and systemd's messages about them. */
import type { LogSource } from "../../source-definition.js";
import { JournalEntry, pickJournalVariant } from "./schema.js";
import { normalizeJournal } from "./normalize.js";
import { journalSql } from "./sql.js";

export const journalSource: LogSource = {
  name: "journal",
  pipelineName: "journal",
  description: "The VM's systemd journal: its services' output and systemd's messages about them (Fluent Bit systemd input)",
  schema: JournalEntry,
  variantOf: pickJournalVariant,
  recognize: (record) => typeof record.message === "string" && ("_transport" in record || "_boot_id" in record),
  normalize: normalizeJournal,
  sql: journalSql,
};
