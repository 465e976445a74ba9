/** Loads the hand-made historical fixtures (one JSON object per line, with expectations). */
import { readFileSync } from "node:fs";
import type { SourceName } from "@oclog/schema";

export interface VariantFixture {
  source?: string;
  variant: string;
  note: string;
  record: Record<string, unknown>;
}

/** Reads `fixtures/<name>` as an array of fixtures. */
export function loadFixtures(name: string): VariantFixture[] {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as VariantFixture);
}

/** The shared samples real Fluent Bit wrote (read-only, beside the repository). */
export const SHARED_SAMPLES = new URL("../../../../shared/fluent-bit/samples/", import.meta.url);

/** A record its source must refuse, with the pipeline's envelope (as shipped), and why. */
export interface BadRecord {
  source: SourceName;
  why: string;
  record: Record<string, unknown>;
}

/** `fixtures/bad-records.jsonl`: bad records of every source (the SQL twin must refuse them too). */
export function badRecords(): BadRecord[] {
  return readFileSync(new URL("./fixtures/bad-records.jsonl", import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as BadRecord);
}

/**
 * A journal entry of the agent's process claiming to be systemd's "Stopped fluent-bit.service":
 * UNIT= and MESSAGE_ID= are anyone's to set, `_pid` (and `_systemd_unit`) are journald's.
 */
export function forgedUnitClaim(): Record<string, unknown> {
  const stopped = readFileSync(new URL("../../../test/fixtures/vm-sources/journal.jsonl", import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((r) => r.message_id === "9d1aaa27d60140bd96365438aad20286")!;
  return { ...stopped, _pid: "812", _uid: "998", _comm: "node", _systemd_unit: "openclaw.service", _systemd_cgroup: "/system.slice/openclaw.service" };
}
