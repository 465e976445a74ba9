/**
 * Loads the hand-made historical fixtures (one JSON object per line, with expectations). The
 * bad records every source must refuse are shared with other packages: @oclog/test-kit/records.
 */
import { readFileSync } from "node:fs";

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
