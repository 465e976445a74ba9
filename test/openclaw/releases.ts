// The OpenClaw releases the harness runs, and everything that differs between them as the
// harness sees it, in one table. The scenario, the capture and the tests read these fields;
// nothing else in test/openclaw branches on a version. releases.test.ts checks the table
// against each release's own `openclaw config schema`, so a wrong row fails there.
import { OPENCLAW_VERSION } from "./install.js";

/** Where a release keeps what `oclog collect` ships, under its state directory. */
export interface ReleaseStores {
  /** `sqlite`: agents/<agent>/agent/openclaw-agent.sqlite, table transcript_events. `jsonl`: agents/<agent>/sessions/<session>.jsonl files. */
  transcripts: "sqlite" | "jsonl";
  /** state/openclaw.sqlite audit_events: absent, the 2026.7 layout, or the 2026.9 one (with schema_version). */
  ledger: "none" | "audit-2026.7" | "audit-2026.9";
  /** `sqlite`: diagnostic_events with scope 'config-audit'. `jsonl`: logs/config-audit.jsonl. */
  configAudit: "sqlite" | "jsonl";
}

/** The config change the scenario makes between its two agent turns. */
export interface FetchConfigChange {
  key: string;
  value: unknown;
  /** Whether it lets web_fetch reach the loopback page (only a release with a hostname allowlist can). */
  unblocksLoopback: boolean;
}

/** One release of the matrix. */
export interface OpenClawRelease {
  version: string;
  /**
   * Dotted paths of the harness's and the scenarios' config this release's schema does not have:
   * left out of its config. Without `gateway.nodes.pairing.autoApproveLocal` (before 2026.8) a
   * loopback node is always paired silently, so the device-pairing scenario sees that instead.
   */
  missingConfig: readonly string[];
  /** The scenario's config change between turns (it triggers a hot reload and a config-audit record). */
  fetchChange: FetchConfigChange;
  /** What the gateway log says once it has taken the change in (the second turn waits for it). */
  reloadLogText: string;
  /**
   * Whether web_fetch resolves a URL's host name itself even when the managed proxy will fetch it
   * (2026.6's fetch guard checks the resolved addresses; later ones check the name and leave DNS
   * to the proxy). On a machine without DNS such a release needs the fake internet's names in its
   * hosts file.
   */
  webFetchResolvesDns: boolean;
  /**
   * A CLI command the scenarios run once after the gateway starts, before their own steps. 2026.6
   * pairs the local CLI silently with the scopes of its first command and holds any wider scope
   * for an approval its own `devices approve` cannot give from the same device; an admin-scoped
   * read first pairs it as an operator with every scope, as setting up the gateway would.
   */
  firstCliCommand?: readonly string[];
  stores: ReleaseStores;
}

const ALLOW_LOOPBACK: FetchConfigChange = { key: "tools.web.fetch.ssrfPolicy.allowedHostnames", value: ["127.0.0.1"], unblocksLoopback: true };
// Before the allowlist, the scoped SSRF policy had only these range switches: the change is real
// (the gateway reloads and audits it) but leaves loopback refused.
const ALLOW_BENCHMARK_RANGE: FetchConfigChange = { key: "tools.web.fetch.ssrfPolicy.allowRfc2544BenchmarkRange", value: true, unblocksLoopback: false };

/** The latest release of each minor line a company is likely to run, oldest first. */
export const RELEASES: readonly OpenClawRelease[] = [
  {
    version: "2026.6.35",
    missingConfig: ["models.catalogRefresh", "gateway.nodes.pairing.autoApproveLocal"],
    fetchChange: ALLOW_BENCHMARK_RANGE,
    reloadLogText: "config change detected; evaluating reload",
    webFetchResolvesDns: true,
    firstCliCommand: ["gateway", "call", "update.status", "--json"],
    stores: { transcripts: "jsonl", ledger: "none", configAudit: "jsonl" },
  },
  {
    version: "2026.7.35",
    missingConfig: ["models.catalogRefresh", "gateway.nodes.pairing.autoApproveLocal"],
    fetchChange: ALLOW_BENCHMARK_RANGE,
    reloadLogText: "config change detected; evaluating reload",
    webFetchResolvesDns: false,
    stores: { transcripts: "jsonl", ledger: "audit-2026.7", configAudit: "jsonl" },
  },
  {
    version: "2026.8.2",
    missingConfig: [],
    fetchChange: ALLOW_LOOPBACK,
    reloadLogText: "config hot reload applied",
    webFetchResolvesDns: false,
    stores: { transcripts: "sqlite", ledger: "audit-2026.9", configAudit: "sqlite" },
  },
  {
    version: OPENCLAW_VERSION,
    missingConfig: [],
    fetchChange: ALLOW_LOOPBACK,
    reloadLogText: "config hot reload applied",
    webFetchResolvesDns: false,
    stores: { transcripts: "sqlite", ledger: "audit-2026.9", configAudit: "sqlite" },
  },
];

/** The table's row for `version`; throws for a release the harness does not know. */
export function releaseOf(version: string): OpenClawRelease {
  const release = RELEASES.find((r) => r.version === version);
  if (release === undefined) {
    throw new Error(`OpenClaw ${version} is not in the release matrix (test/openclaw/releases.ts): add a row for it (${RELEASES.map((r) => r.version).join(", ")})`);
  }
  return release;
}

/** `config` without the dotted `paths` (a path whose parent is missing is already gone). */
export function withoutPaths<T extends Record<string, unknown>>(config: T, paths: readonly string[]): T {
  const copy = structuredClone(config);
  for (const path of paths) {
    const keys = path.split(".");
    let node: Record<string, unknown> | undefined = copy;
    for (const key of keys.slice(0, -1)) {
      const next: unknown = node?.[key];
      node = next !== null && typeof next === "object" ? (next as Record<string, unknown>) : undefined;
    }
    if (node !== undefined) delete node[keys.at(-1)!];
  }
  return copy;
}
