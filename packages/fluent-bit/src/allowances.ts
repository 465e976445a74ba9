/**
 * Allowing a lint finding on purpose: `--allow <rule>[@<alias or section>]:<reason>`. An allowed
 * finding stays in the report (as a warning carrying its reason), so nothing is hidden; an
 * allowance that matches nothing is itself reported, so stale ones do not pile up.
 */
import { UsageError, quoteUntrusted } from "@oclog/errors";
import type { Diagnostic } from "./diagnostic.js";
import { didYouMean } from "./did-you-mean.js";

/** One allowance: a lint rule, optionally one plugin instance (alias, or `pipeline.outputs[1]`), and why. */
export interface Allowance {
  rule: string;
  target?: string;
  reason: string;
}

/** Parses `rule[@target]:reason`; the rule must be one of `ruleIds` and the reason must say something. */
export function parseAllowance(text: string, ruleIds: readonly string[]): Allowance {
  const match = /^([a-z0-9/-]+)(?:@([^:\s]+))?:(.*)$/s.exec(text);
  const example = 'e.g. --allow data-flow/output@debug_stdout:"local debugging on a lab VM"';
  if (!match) throw new UsageError(`--allow takes <rule>[@<alias>]:<reason>, got ${quoteUntrusted(text)}`, { hint: example });
  const [, rule, target, reason] = match as unknown as [string, string, string | undefined, string];
  if (!ruleIds.includes(rule)) {
    const suggestion = didYouMean(rule, ruleIds);
    throw new UsageError(`--allow names no lint rule ${quoteUntrusted(rule)}${suggestion ? `; did you mean "${suggestion}"?` : ""}`, { hint: `lint rules: ${ruleIds.join(", ")}` });
  }
  if (reason.trim().length < 3 || /[^\x20-\x7e]/.test(reason)) throw new UsageError(`--allow ${rule}${target ? `@${target}` : ""} needs a reason: one line of printable text saying why this is safe`, { hint: example });
  return { rule, ...(target ? { target } : {}), reason: reason.trim() };
}

function matches(allowance: Allowance, d: Diagnostic): boolean {
  if (d.rule !== allowance.rule) return false;
  return allowance.target === undefined || allowance.target === d.location.alias || allowance.target === d.location.section;
}

/** The diagnostics with allowed findings turned into warnings that carry their reason, plus a warning per unused allowance. */
export function applyAllowances(diagnostics: readonly Diagnostic[], allowances: readonly Allowance[]): Diagnostic[] {
  if (allowances.length === 0) return [...diagnostics];
  const used = new Set<Allowance>();
  const out = diagnostics.map((d) => {
    const allowance = allowances.find((a) => matches(a, d));
    if (!allowance) return d;
    used.add(allowance);
    return { ...d, severity: "warning" as const, allowed: allowance.reason };
  });
  for (const allowance of allowances.filter((a) => !used.has(a))) {
    out.push({ severity: "warning", rule: "allow/unused", location: { section: allowance.target ?? "(any)" }, message: `--allow ${allowance.rule}${allowance.target ? `@${allowance.target}` : ""} matches no finding`, hint: "remove the allowance, or check the alias it names" });
  }
  return out;
}
