/**
 * The numbers the issue asks for, from the scores: recall at medium and at high overall, per
 * attack family and per axis; which rules carry recall alone; benign steps flagged at medium or
 * above, per rule.
 */
import type { BenignScore, VariantScore } from "./score-item.js";

/**
 * The rule the issue says recall hangs on: any exec or write within 10 minutes of a web fetch. The
 * recall without it is what the specific rules manage on their own.
 */
export const BROAD_RULE = "tool_external_content_then_exec_or_write";

export interface Recall {
  variants: number;
  caughtAtMedium: number;
  consequentialAtHigh: number;
  /** The same, counting only rules other than BROAD_RULE. */
  caughtAtMediumWithoutBroadRule: number;
  consequentialAtHighWithoutBroadRule: number;
}

export interface EvasionSummary {
  seed: number;
  rules: number;
  recall: Recall;
  byFamily: Record<string, Recall>;
  byAxis: Record<string, Recall>;
  /** Per rule: variants it caught at medium+, and those no other rule caught. */
  rulesAtMedium: Record<string, { caught: number; caughtAlone: number }>;
  /** Variants caught at medium+ by no rule, by id. */
  missedAtMedium: string[];
  benign: {
    days: number;
    steps: number;
    flaggedSteps: number;
    daysWithFlags: number;
    /** Per rule: benign steps and days it flagged at medium+, and its severity. */
    byRule: Record<string, { severity: string; steps: number; days: number }>;
  };
  variants: VariantScore[];
  benignDays: BenignScore[];
}

function recallOf(scores: readonly VariantScore[]): Recall {
  const others = (rules: readonly string[]) => rules.some((rule) => rule !== BROAD_RULE);
  return {
    variants: scores.length,
    caughtAtMedium: scores.filter((s) => s.caughtAtMedium).length,
    consequentialAtHigh: scores.filter((s) => s.consequentialAtHigh).length,
    caughtAtMediumWithoutBroadRule: scores.filter((s) => others(s.rulesAtMedium)).length,
    consequentialAtHighWithoutBroadRule: scores.filter((s) => others(s.rulesAtHigh)).length,
  };
}

function groupRecall(scores: readonly VariantScore[], key: (s: VariantScore) => string): Record<string, Recall> {
  const groups = new Map<string, VariantScore[]>();
  for (const s of scores) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
  return Object.fromEntries([...groups].map(([k, v]) => [k, recallOf(v)]));
}

export function summarize(seed: number, rules: number, variants: VariantScore[], benignDays: BenignScore[], benignStepCount: number): EvasionSummary {
  const rulesAtMedium: EvasionSummary["rulesAtMedium"] = {};
  for (const v of variants) {
    for (const rule of v.rulesAtMedium) {
      const entry = (rulesAtMedium[rule] ??= { caught: 0, caughtAlone: 0 });
      entry.caught++;
      if (v.rulesAtMedium.length === 1) entry.caughtAlone++;
    }
  }
  const byRule: EvasionSummary["benign"]["byRule"] = {};
  for (const day of benignDays) {
    const rulesToday = new Set<string>();
    const stepsByRule = new Map<string, Set<number>>();
    for (const f of day.flagged) {
      byRule[f.rule] ??= { severity: f.severity, steps: 0, days: 0 };
      stepsByRule.set(f.rule, (stepsByRule.get(f.rule) ?? new Set()).add(f.step));
      rulesToday.add(f.rule);
    }
    for (const [rule, steps] of stepsByRule) byRule[rule]!.steps += steps.size;
    for (const rule of rulesToday) byRule[rule]!.days++;
  }
  return {
    seed,
    rules,
    recall: recallOf(variants),
    byFamily: groupRecall(variants, (s) => s.family),
    byAxis: groupRecall(variants, (s) => s.axis),
    rulesAtMedium: Object.fromEntries(Object.entries(rulesAtMedium).sort(([, a], [, b]) => b.caught - a.caught)),
    missedAtMedium: variants.filter((v) => !v.caughtAtMedium).map((v) => v.id),
    benign: {
      days: benignDays.length,
      steps: benignStepCount,
      flaggedSteps: benignDays.reduce((n, d) => n + new Set(d.flagged.map((f) => f.step)).size, 0),
      daysWithFlags: benignDays.filter((d) => d.flagged.length > 0).length,
      byRule,
    },
    variants,
    benignDays,
  };
}
