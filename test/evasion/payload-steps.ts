/**
 * Builders for the steps an attack payload or a benign chore is made of, before timing and
 * sessions are given to them (injected-chain.ts, benign-days.ts do that).
 */
export interface StepSpec {
  tool: string;
  args: Record<string, unknown>;
  result: string;
  resultOutcome?: "success" | "failure";
  /** The step that does the harm; exactly one per attack payload. */
  consequential?: boolean;
}

export const exec = (command: string, result = ""): StepSpec => ({ tool: "exec", args: { command }, result });
export const read = (path: string, result: string): StepSpec => ({ tool: "read", args: { path }, result });
export const write = (path: string, content: string): StepSpec => ({ tool: "write", args: { path, content }, result: `Successfully wrote ${content.length} bytes to ${path}` });
export const edit = (path: string, oldText: string, newText: string): StepSpec => ({ tool: "edit", args: { path, oldText, newText }, result: `Successfully replaced text in ${path}.` });
/** OpenClaw's apply_patch takes the whole patch as `input`: the paths are only inside its text. */
export const applyPatch = (patch: string): StepSpec => ({ tool: "apply_patch", args: { input: patch }, result: "Success. Updated the following files." });
export const webFetch = (url: string, content: string): StepSpec => ({
  tool: "web_fetch",
  args: { url },
  result: JSON.stringify({ url, finalUrl: url, status: 200, text: `<<<EXTERNAL_UNTRUSTED_CONTENT>>>\n${content}\n<<<END_EXTERNAL_UNTRUSTED_CONTENT>>>` }),
});

/** Marks the step that does the harm. */
export const consequential = (step: StepSpec): StepSpec => ({ ...step, consequential: true });

/** An attack written one way: its axis, a name and its steps (one consequential). */
export interface PayloadSpec {
  axis: "as-scripted" | "interpreter" | "encoding" | "destination-notation" | "tool";
  name: string;
  summary: string;
  steps: StepSpec[];
}
