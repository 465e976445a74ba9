/** `oclog sql`: the spec (flags, defaults, help); the work is in sql.ts. */
import { argument, defineCommand } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

export const sqlSpec = defineCommand({
  name: "sql",
  description: "Ask a case database a question (read-only)",
  arguments: [argument("<case-dir>", "the case folder"), argument("<query>", "SQL over events, tool_steps, sessions, session_steps, finding_steps, records, quarantine, evidence_files")],
  options: {
    json: option.flag("--json", "print rows as JSON lines"),
    maxRows: option.positiveInt("--max-rows <n>", "rows to read: the query stops there and says when it has more", 200),
  },
  help: `\nExample:\n  oclog sql cases/alice-20261125 "SELECT category, outcome, count(*) FROM events GROUP BY ALL ORDER BY 3 DESC"`,
  async run({ args: [caseDir, query], opts }, output) {
    const { sqlCommand } = await import("./sql.js");
    await sqlCommand(caseDir, query, opts, output);
  },
});
