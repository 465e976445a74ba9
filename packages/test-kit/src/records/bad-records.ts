/**
 * Records each source must refuse (test/fixtures/bad-records.jsonl), shared by the schema's
 * source tests and the SQL twin's parity test, which must refuse the same ones.
 */
import { readFileSync } from "node:fs";
import type { SourceName } from "@oclog/schema";
import { assetPath } from "@oclog/schema";

/** A record its source must refuse, with the pipeline's envelope (as shipped), and why. */
export interface BadRecord {
  source: SourceName;
  why: string;
  record: Record<string, unknown>;
}

/** `test/fixtures/bad-records.jsonl`: bad records of every source (the SQL twin must refuse them too). */
export function badRecords(): BadRecord[] {
  return readFileSync(assetPath("test", "fixtures", "bad-records.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as BadRecord);
}

/**
 * A journal entry of the agent's process claiming to be systemd's "Stopped fluent-bit.service":
 * UNIT= and MESSAGE_ID= are anyone's to set, `_pid` (and `_systemd_unit`) are journald's.
 */
export function forgedUnitClaim(): Record<string, unknown> {
  const stopped = readFileSync(assetPath("test", "fixtures", "vm-sources", "journal.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((r) => r.message_id === "9d1aaa27d60140bd96365438aad20286")!;
  return { ...stopped, _pid: "812", _uid: "998", _comm: "node", _systemd_unit: "openclaw.service", _systemd_cgroup: "/system.slice/openclaw.service" };
}
