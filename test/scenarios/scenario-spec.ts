/**
 * A scenario file (`test/scenarios/<name>.scenario.json`): what the scripted model makes a real
 * OpenClaw agent do, what else happens around it (config changes, wrong-token connections, a
 * paired device, the pipeline going silent), and which detections must fire at which severity.
 * Data, not code: adding a scenario adds a file. Every problem of a file is reported at once.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { OPENCLAW_VERSION } from "../openclaw/install.js";
import { RELEASES } from "../openclaw/releases.js";

export const SCENARIOS_DIR = fileURLToPath(new URL("./", import.meta.url));
export const SCENARIO_SUFFIX = ".scenario.json";

const Severity = z.enum(["informational", "low", "medium", "high", "critical"]);
const Expect = z.array(z.object({ detection: z.string().min(1), severity: Severity }).strict());
const ToolCall = z.object({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) }).strict();

/** One thing that happens, in order. */
export const Step = z.union([
  // One agent turn: the user message, then one assistant turn per call, then a closing text.
  z.object({ agent: z.string().min(1), calls: z.array(ToolCall).min(1), reply: z.string().optional() }).strict(),
  // `openclaw <args>` against the instance (config set, cron add, ...); must exit 0.
  z.object({ openclaw: z.array(z.string()).min(1), waitForLog: z.string().optional() }).strict(),
  // WebSocket connections with a wrong gateway token.
  z.object({ wrongToken: z.number().int().min(1).max(50) }).strict(),
  // A new device pairs with the gateway and is approved.
  z.object({ pairDevice: z.literal(true) }).strict(),
  // The pipeline ships nothing for this long: records after this point arrive re-timed by it.
  z.object({ silenceMinutes: z.number().int().min(61).max(24 * 60) }).strict(),
]);
export type Step = z.infer<typeof Step>;

export const Scenario = z
  .object({
    kind: z.enum(["attack", "benign"]),
    summary: z.string().min(20),
    /** MITRE ATT&CK / ATLAS technique ids with names, e.g. "T1552.001 Credentials In Files". */
    techniques: z.array(z.string().regex(/^(T\d{4}(\.\d{3})?|AML\.T\d{4}(\.\d{3})?) \S/)),
    /** Files to create before the gateway starts: `~/` is the agent's home, `workspace/` its workspace. */
    files: z.record(z.string().regex(/^(~|workspace)\//), z.string()).default({}),
    /** Pages of the fake internet (absolute http URLs) the scenario's tools reach. */
    pages: z.record(z.string().url(), z.string()).default({}),
    /** Deep-merged into the harness's OpenClaw config before the gateway starts. */
    config: z.record(z.string(), z.unknown()).default({}),
    steps: z.array(Step).min(1),
    /** Requests the fake internet must have received (the exfiltration really happened). */
    expectRequests: z.array(z.object({ method: z.string(), url: z.string().url(), bodyIncludes: z.string().optional() }).strict()).default([]),
    /** Detections that must fire (file stem), each at least at this severity. Empty for benign runs. */
    expect: Expect,
    /**
     * What differs on an older release of the matrix (test/openclaw/releases.ts), by version:
     * what it can show instead of `expect`, and why (a guard or log line the release does not have).
     */
    releases: z.record(z.string(), z.object({ expect: Expect, why: z.string().min(30) }).strict()).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === "attack" && s.expect.length === 0) ctx.addIssue({ code: "custom", message: "an attack names at least one detection it must trigger", path: ["expect"] });
    if (s.kind === "attack" && s.techniques.length === 0) ctx.addIssue({ code: "custom", message: "an attack names its ATT&CK/ATLAS techniques", path: ["techniques"] });
    if (s.kind === "benign" && s.expect.length > 0) ctx.addIssue({ code: "custom", message: "a benign run expects no detection", path: ["expect"] });
    for (const [version, differs] of Object.entries(s.releases)) {
      if (!RELEASES.some((r) => r.version === version)) ctx.addIssue({ code: "custom", message: `${version} is not a release of the matrix (${RELEASES.map((r) => r.version).join(", ")})`, path: ["releases", version] });
      if (version === OPENCLAW_VERSION) ctx.addIssue({ code: "custom", message: `${version} is the release the VM runs: its expectations are \`expect\``, path: ["releases", version] });
      if (s.kind === "attack" && differs.expect.length === 0) ctx.addIssue({ code: "custom", message: "an attack still names at least one detection it must trigger on every release", path: ["releases", version, "expect"] });
      if (s.kind === "benign" && differs.expect.length > 0) ctx.addIssue({ code: "custom", message: "a benign run expects no detection", path: ["releases", version, "expect"] });
    }
  });
export type Scenario = z.infer<typeof Scenario> & { name: string; file: string };

/** The scenario as it runs on `release`: its expectations there (the `releases` entry, or `expect`). */
export function onRelease(scenario: Scenario, release: string): Scenario {
  const differs = scenario.releases[release];
  return differs === undefined ? scenario : { ...scenario, expect: differs.expect };
}

/** Loads every scenario file; throws one error listing every problem of every file. */
export function loadScenarios(dir = SCENARIOS_DIR): Scenario[] {
  const problems: string[] = [];
  const scenarios: Scenario[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(SCENARIO_SUFFIX)).sort()) {
    const name = file.slice(0, -SCENARIO_SUFFIX.length);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) || name.length > 40) problems.push(`${file}: the name must be lowercase words joined by "-", at most 40 characters`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (error) {
      problems.push(`${file}: not JSON: ${(error as Error).message}`);
      continue;
    }
    const parsed = Scenario.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${file}: ${issue.path.join(".") || "(file)"}: ${issue.message}`);
      continue;
    }
    scenarios.push({ ...parsed.data, name, file });
  }
  if (problems.length > 0) throw new Error(`scenario files have problems:\n  ${problems.join("\n  ")}`);
  return scenarios;
}
