// `oclog collect` in its own process, so a test can kill -9 it.
import { main } from "@oclog/cli";

process.exitCode = await main(["node", "oclog", "collect", ...process.argv.slice(2)]);
