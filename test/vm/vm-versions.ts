/** vm/versions.env as a record: the one place the VM pins its versions and key fingerprints. */
import { readFileSync } from "node:fs";

export const VM_VERSIONS: Record<string, string> = Object.fromEntries(
  [...readFileSync(new URL("../../vm/versions.env", import.meta.url), "utf8").matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
);
