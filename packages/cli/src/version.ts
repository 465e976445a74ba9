import { readFileSync } from "node:fs";

/** The oclog version, read from this package's package.json (the one place it is kept). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
