import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_PACKAGE_ROOT } from "./package-root.js";

/** The oclog version, read from this package's package.json (the one place it is kept; the packed `oclog` carries the same). */
export const VERSION: string = (
  JSON.parse(readFileSync(join(CLI_PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;
