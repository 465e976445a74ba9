/** `oclog sessions` and `oclog session`: the specs (flags, help); the work is in sessions.ts. */
import { SEVERITIES } from "@oclog/investigate";
import { argument, defineCommand } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

export const sessionsSpec = defineCommand({
  name: "sessions",
  description: "List the agent sessions of a case, worst finding first (read-only)",
  arguments: [argument("<case-dir>", "the case folder")],
  options: {
    json: option.flag("--json", "print one JSON array of sessions"),
    severity: option.choice("--severity <min>", "only sessions with a finding at least this severe", SEVERITIES),
  },
  help: `\nExamples:\n  oclog sessions cases/alice-20261125\n  oclog sessions cases/alice-20261125 --severity high --json`,
  async run({ args: [caseDir], opts }, output) {
    const { sessionsCommand } = await import("./sessions.js");
    await sessionsCommand(caseDir, opts, output);
  },
});

export const sessionSpec = defineCommand({
  name: "session",
  description: "Replay one agent session of a case step by step, with the findings pinned to its steps (read-only)",
  arguments: [argument("<case-dir>", "the case folder"), argument("<id>", "a session id, as `oclog sessions` lists it")],
  options: {
    json: option.flag("--json", "print one JSON document: {session, steps, pins}"),
  },
  help: `\nExamples:\n  oclog session cases/alice-20261125 f4bff528-3ec1-4281-8560-4dc5765a6658\n  oclog session cases/alice-20261125 f4bff528-3ec1-4281-8560-4dc5765a6658 --json | jq '.steps[] | select(.kind == "tool")'`,
  async run({ args: [caseDir, sessionId], opts }, output) {
    const { sessionCommand } = await import("./sessions.js");
    await sessionCommand(caseDir, sessionId, opts, output);
  },
});
