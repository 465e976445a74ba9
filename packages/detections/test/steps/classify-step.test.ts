// The step classifier against the labelled table (labelled-steps.ts): every attack variant shows
// what it does, every developer step stays quiet.
import test from "ava";
import { classifyStep, type StepClass } from "@oclog/detections";
import { ATTACKS, BENIGN, type Expectation, type LabelledStep } from "./labelled-steps.js";

function problems(result: StepClass, expect: Expectation): string[] {
  const found: string[] = [];
  if (expect.secret && !result.reads_secret.some((r) => r.kind === expect.secret)) found.push(`no secret read of kind ${expect.secret}`);
  if (expect.connects) {
    const [host, port] = expect.connects.split(/:(?=\d+$)/);
    if (!result.connects.some((c) => c.host === host && (port === undefined || c.port === Number(port)))) found.push(`no connection to ${expect.connects}`);
  }
  if (expect.scope && !result.connects.some((c) => c.scope === expect.scope)) found.push(`no connection of scope ${expect.scope}`);
    if (expect.persistence && !result.writes_persistence.some((w) => w.kind === expect.persistence)) found.push(`no persistence write of kind ${expect.persistence}`);
  if (expect.downloadAndRun && result.download_and_run.length === 0) found.push("not download-and-run");
  if (expect.hiddenCode && result.runs_hidden_code.length === 0) found.push("no hidden code");
  if (expect.destroys && !result.destroys.some((d) => d.severity === expect.destroys)) found.push(`no ${expect.destroys} destruction`);
  if (expect.outbound && result.outbound_data.length === 0) found.push("no outbound data");
  for (const program of expect.programs ?? []) if (!result.programs.includes(program)) found.push(`program ${program} not listed`);
  return found;
}

/** What makes a step not benign, or nothing. */
export function noise(result: StepClass): string[] {
  const found: string[] = [];
  if (result.reads_secret.length > 0) found.push(`secret: ${result.reads_secret.map((r) => r.kind).join(", ")}`);
  if (result.writes_persistence.length > 0) found.push(`persistence: ${result.writes_persistence.map((w) => w.kind).join(", ")}`);
  const unknown = result.connects.filter((c) => c.known === null && c.scope !== "loopback");
  if (unknown.length > 0) found.push(`connects to unknown ${unknown.map((c) => c.host).join(", ")}`);
  if (result.download_and_run.length > 0) found.push("download and run");
  if (result.runs_hidden_code.length > 0) found.push("hidden code");
  if (result.destroys.some((d) => d.severity === "high")) found.push("destroys");
  if (result.outbound_data.length > 0) found.push(`outbound: ${result.outbound_data.map((o) => o.reason).join("; ")}`);
  return found;
}

const run = (step: LabelledStep) => classifyStep({ tool: step.tool, args: step.args });

test("the table holds at least 80 labelled steps", (t) => {
  t.true(ATTACKS.length + BENIGN.length >= 80, `${ATTACKS.length} attacks + ${BENIGN.length} benign`);
  t.is(new Set([...ATTACKS, ...BENIGN].map((s) => s.name)).size, ATTACKS.length + BENIGN.length, "names are unique");
});

for (const step of ATTACKS) {
  test(`attack: ${step.name}`, (t) => {
    const result = run(step);
    t.deepEqual(problems(result, step.expect as Expectation), [], JSON.stringify(result, null, 1));
  });
}

for (const step of BENIGN) {
  test(`benign: ${step.name}`, (t) => {
    const result = run(step);
    t.deepEqual(noise(result), [], JSON.stringify(result, null, 1));
  });
}
