// Another process writing to OpenClaw's databases while the collector reads them (WAL), the way
// the gateway does: one transaction per session, ledger rows in between.
import { OpenClawState } from "@oclog/test-kit/openclaw";

const [dir, sessions] = process.argv.slice(2);
const state = new OpenClawState(dir!);
for (let i = 0; i < Number(sessions); i++) {
  state.appendTranscript("main", `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
  state.appendLedger(`writer-${i}`);
}
state.close();
