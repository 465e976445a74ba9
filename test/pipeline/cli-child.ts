// The oclog CLI in its own process (a VM-side command run through a transport, or a process to kill).
import { main } from "@oclog/cli";

process.exitCode = await main(["node", "oclog", ...process.argv.slice(2)]);
