#!/usr/bin/env node
// The launcher of the installed `oclog` package (scripts/pack-cli.ts copies it to bin/oclog.js).
// It names the package's folder as the asset root first, then loads the bundle: a static import
// would evaluate the bundle before this line, and its modules would look for queries/ and the
// demo's fixtures in a git checkout that is not there.
import { fileURLToPath } from "node:url";

globalThis.__OCLOG_ASSET_ROOT__ = fileURLToPath(new URL("..", import.meta.url));
const { main } = await import("../dist/main.js");

process.exitCode = await main(process.argv);
