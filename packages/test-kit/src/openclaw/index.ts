// `@oclog/test-kit/openclaw`: an OpenClaw 2026.9.6 state directory filled with the real capture's rows.
export { OpenClawState, zstdCompress, TRANSCRIPT_ROWS, LEDGER_ROWS, CONFIG_AUDIT_ROWS } from "./openclaw-state.js";
