/**
 * Which category an event belongs to, as data: the first rule that matches wins. Subsystem
 * names are OpenClaw's own (`gateway/ws`, `agents/tool-policy`, ...), so a new subsystem only
 * needs a line here.
 */
import type { EventCategory } from "./event.js";

export interface CategoryRule {
  category: EventCategory;
  subsystem?: RegExp;
  action?: RegExp;
  message?: RegExp;
}

export const CATEGORY_RULES: readonly CategoryRule[] = [
  { category: "pipeline", subsystem: /^logging$/ },
  { category: "pipeline", message: /^\[openclaw\] file log queue overflow|^log file size cap reached/ },
  { category: "auth", message: /\b(unauthori[sz]ed|auth(entication)? fail|token mismatch|invalid token|auth_failed|handshake failed)\b/i },
  { category: "auth", subsystem: /(^|\/)auth/ },
  { category: "pairing", subsystem: /pair/ },
  { category: "pairing", message: /\bpair(ing)?\b/i },
  { category: "sandbox", subsystem: /sandbox/ },
  { category: "sandbox", message: /Sandbox\w*Error|sandbox (provision|container)/ },
  { category: "tool", action: /^tool\.|tool_/ },
  { category: "tool", subsystem: /tool|exec|bash-process/ },
  { category: "config", subsystem: /config|reload/ },
  { category: "config", action: /^config\./ },
  { category: "network", subsystem: /web[-_]?fetch|ssrf|fetch|gateway\/(ws|http)|net/ },
  { category: "network", message: /\bSSRF\b|private network|blocked (host|url)/i },
  { category: "model", subsystem: /model|agent\/embedded|agents\/harness|provider/ },
  { category: "model", action: /^(model|message|prompt|assistant|user)\./ },
];

/** The category of an event from its subsystem, action and message. */
export function categorize(fields: { subsystem: string | null; action: string; message: string }): EventCategory {
  for (const rule of CATEGORY_RULES) {
    if (rule.subsystem && !(fields.subsystem !== null && rule.subsystem.test(fields.subsystem))) continue;
    if (rule.action && !rule.action.test(fields.action)) continue;
    if (rule.message && !rule.message.test(fields.message.slice(0, 2000))) continue;
    return rule.category;
  }
  return "other";
}
