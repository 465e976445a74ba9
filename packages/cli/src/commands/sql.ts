import { runCaseQuery } from "@oclog/investigate";
import { terminalSafe, type Output } from "../output.js";

/** `oclog sql`: a table for people, JSON lines for machines; never more than `maxRows` rows read. */
export async function sqlCommand(caseDir: string, query: string, options: { json: boolean; maxRows: number }, output: Output): Promise<void> {
  const result = await runCaseQuery(caseDir, query, { maxRows: options.maxRows });
  if (options.json) {
    for (const row of result.rows) output.out(JSON.stringify(row));
    // stdout stays pure JSON lines; the cut is said on stderr so a pipeline still learns of it.
    if (result.truncated) output.err(`oclog sql: stopped after --max-rows ${options.maxRows} rows; the query has more`);
    return;
  }
  const cell = (value: unknown) => terminalSafe(value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value), 60);
  const table = [result.columns, ...result.rows.map((row) => result.columns.map((c) => cell(row[c])))];
  const widths = result.columns.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const render = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  output.out([render(table[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...table.slice(1).map(render)].join("\n"));
  output.out(`(${result.rows.length} row${result.rows.length === 1 ? "" : "s"}${result.truncated ? `, stopped at --max-rows ${options.maxRows}; the query has more` : ""})`);
}
