/** The summary as plain-text tables for the terminal and the test log. */
import { BROAD_RULE, type EvasionSummary, type Recall } from "./evasion-summary.js";

const pct = (n: number, of: number) => (of === 0 ? "-" : `${Math.round((100 * n) / of)}%`);
const share = (n: number, of: number) => `${n} (${pct(n, of)})`;
const recallCells = (r: Recall) => [
  String(r.variants),
  share(r.caughtAtMedium, r.variants),
  share(r.consequentialAtHigh, r.variants),
  share(r.caughtAtMediumWithoutBroadRule, r.variants),
  share(r.consequentialAtHighWithoutBroadRule, r.variants),
];

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function renderSummaryTables(s: EvasionSummary): string {
  const recallHeader = ["", "variants", "caught >= medium", "consequential at high", "medium, w/o broad", "high, w/o broad"];
  const parts = [
    `evasion corpus (seed ${s.seed}), ${s.rules} rules; "w/o broad": not counting ${BROAD_RULE}`,
    table(recallHeader, [["all variants", ...recallCells(s.recall)]]),
    table(["family", ...recallHeader.slice(1)], Object.entries(s.byFamily).map(([k, r]) => [k, ...recallCells(r)])),
    table(["axis", ...recallHeader.slice(1)], Object.entries(s.byAxis).map(([k, r]) => [k, ...recallCells(r)])),
    table(["rule (medium+ on an attack step)", "variants caught", "caught by it alone"], Object.entries(s.rulesAtMedium).map(([k, v]) => [k, String(v.caught), String(v.caughtAlone)])),
    `benign: ${s.benign.flaggedSteps} of ${s.benign.steps} steps flagged at medium+, on ${s.benign.daysWithFlags} of ${s.benign.days} days`,
    table(["rule (medium+ on a benign step)", "severity", "steps", "days"], Object.entries(s.benign.byRule).map(([k, v]) => [k, v.severity, String(v.steps), String(v.days)])),
    `missed at medium (${s.missedAtMedium.length}): ${s.missedAtMedium.join(", ") || "none"}`,
  ];
  return parts.join("\n\n");
}
