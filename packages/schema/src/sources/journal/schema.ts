/**
 * The VM's journal, as Fluent Bit's `systemd` input emits it (tag `openclaw.journal`): every
 * field of an entry as a string, names lowercased and underscores kept (`lowercase: on`,
 * `strip_underscores: off`: `MESSAGE` arrives as `message`, so it shares one column with the
 * other sources' `message` in Azure Monitor, whose column names ignore case), the entry's time
 * as the record's time (`@timestamp` once shipped). Two kinds of entries are shipped for each
 * listed unit: the unit's own output (`_systemd_unit`), and systemd's messages about it (`unit`,
 * with a catalog `message_id`): started, stopped, failed, restarted, killed.
 */
import { z } from "zod";
import type { VariantPick } from "../../source-definition.js";

const Digits = z.string().regex(/^\d+$/);
const Unit = z.string().min(1).max(256);

export const JournalEntry = z.looseObject({
  message: z.string().optional(),
  message_id: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  priority: z.string().regex(/^[0-7]$/).optional(),
  syslog_identifier: z.string().optional(),
  _systemd_unit: Unit.optional(),
  unit: Unit.optional(),
  _transport: z.string().optional(),
  _pid: Digits.optional(),
  _comm: z.string().optional(),
  _boot_id: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  /** When the process logged it, in microseconds since the epoch (absent for kernel lines). */
  _source_realtime_timestamp: Digits.optional(),
  job_type: z.string().optional(),
  job_result: z.string().optional(),
  unit_result: z.string().optional(),
  exit_code: z.string().optional(),
  exit_status: z.string().optional(),
  n_restarts: Digits.optional(),
}).refine((entry) => typeof entry.unit === "string" || typeof entry._systemd_unit === "string", {
  message: "a journal entry of the VM's units names its unit (unit or _systemd_unit)",
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/**
 * systemd's catalog entries about units (`journalctl --list-catalog`, systemd 252-257), as
 * the action each becomes. Their text is translated and reworded between releases; the id is not.
 */
export const UNIT_MESSAGES: Readonly<Record<string, string>> = {
  "7d4958e842da4a758f6c1cdc7b36dcc5": "service.starting",
  "39f53479d3a045ac8e11786248231fbf": "service.started",
  "be02cf6855d2428ba40df7e9d022f03d": "service.start_failed",
  de5b426a63be47a7b6ac3eaac82e2f6f: "service.stopping",
  "9d1aaa27d60140bd96365438aad20286": "service.stopped",
  d34d037fff1847e6ae669a370e694725: "service.reloading",
  "7b05ebc668384222baa8881179cfda54": "service.reloaded",
  "98e322203f7a4ed290d09fe03c09fe15": "service.exited",
  "5eb03494b6584870a536b337290809b3": "service.restart_scheduled",
  d9b373ed55a64feb8242e02dbe79a49c: "service.failed",
  "7ad2d189f7e94e70a38c781354912448": "service.succeeded",
  fe6faa94e7774663a0da52717891d8ef: "service.oom_killed",
  ae8f7b866b0347b9af31fe1c80b127c0: "service.resources",
  a596d6fe7bfa4994828e72309e95d61e: "service.log_suppressed",
};

/**
 * `unit`: systemd's message about a unit, by catalog id, written by PID 1; `output`: anything
 * else, a line a process wrote. Any process may put `UNIT=` and a catalog `MESSAGE_ID=` in its
 * own journal entries (the agent could claim "Stopped fluent-bit.service"), but `_PID` is set by
 * journald from the socket's credentials: only PID 1's claims are systemd's.
 */
export function pickJournalVariant(record: Record<string, unknown>): VariantPick {
  if (typeof record._systemd_unit !== "string" && typeof record.unit !== "string") {
    return { unknown: "not a journal entry of a unit: needs unit or _systemd_unit" };
  }
  const known = typeof record.message_id === "string" && Object.hasOwn(UNIT_MESSAGES, record.message_id);
  return { variant: known && typeof record.unit === "string" && record._pid === "1" ? "unit" : "output", schema: JournalEntry };
}
