/**
 * What the evasion corpus is made of. A variant or a benign day is a list of agent tool steps;
 * `normalized-events.ts` turns the steps into the normalized events the rules read.
 */

/** The attack scenarios of test/scenarios the variants start from. */
export const ATTACK_FAMILIES = ["prompt-injection-exfil", "credential-hunting", "download-and-run", "persistence", "cloud-metadata", "destructive-commands"] as const;
export type AttackFamily = (typeof ATTACK_FAMILIES)[number];

/**
 * How a variant differs from the scenario as scripted. `as-scripted` is the scenario's own step
 * (the control: today's rules were written against it).
 */
export const EVASION_AXES = ["as-scripted", "interpreter", "encoding", "destination-notation", "timing", "subagent", "tool"] as const;
export type EvasionAxis = (typeof EVASION_AXES)[number];

/**
 * The part a step plays. `context`: what let the attack in (the injected page's fetch and its
 * content) or an innocent step around it; `attack`: a step the injection made the agent take.
 */
export type StepRole = "context" | "attack" | "benign";

/** One agent tool call and its result. */
export interface ToolStep {
  tool: string;
  /** The call's arguments, as the model sent them. */
  args: Record<string, unknown>;
  /** What the tool returned (the result event's message). */
  result: string;
  resultOutcome: "success" | "failure";
  /** Seconds after the start of the variant or day. */
  atSeconds: number;
  /** `main`: the session the user talks to (in a variant, the one that read the injected page); `subagent`: one it spawned. */
  session: "main" | "subagent";
  role: StepRole;
}

export interface AttackVariant {
  /** Stable name, e.g. `persistence/tool/apply-patch-skills`. */
  id: string;
  family: AttackFamily;
  axis: EvasionAxis;
  /** What the variant does, in a sentence. */
  summary: string;
  steps: ToolStep[];
  /** Index into `steps` of the step that does the harm (the secret read, the exfil connection, ...). */
  consequentialStep: number;
}

export interface BenignDay {
  id: string;
  summary: string;
  steps: ToolStep[];
}

export interface EvasionCorpus {
  seed: number;
  variants: AttackVariant[];
  benignDays: BenignDay[];
}
