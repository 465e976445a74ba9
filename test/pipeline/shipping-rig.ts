/**
 * The VM's log shipping on this machine: the checked-in `fluent-bit/openclaw-vm.yaml`, byte for
 * byte, under real Fluent Bit 5.1.1, shipping over HTTPS (a throw-away CA that both Azurite and
 * Fluent Bit's `tls.ca_file` use) to its own Azurite on a free loopback port. Everything local is
 * in the params include, as vm/provision/60-fluent-bit.sh writes it on a VM; the SAS include
 * starts as the provisioning placeholder and the SAS arrives through the real `oclog sas install`.
 * Each rig has its own directory, ports, Fluent Bit and Azurite, so tests can run side by side.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Sensitive } from "@oclog/investigate";
import { createContainer, downloadContainer, mintContainerSas, startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { selfSignedLoopbackCert } from "@oclog/test-kit/azure-monitor";
import { freePort } from "@oclog/test-kit";
import { hotReloadCount, problemLines, startFluentBit, type FluentBitProcess } from "@oclog/test-kit/fluent-bit";

// Polling with a deadline lives with the process helpers; the rig's users import it from here.
export { waitFor } from "@oclog/test-kit/fluent-bit";
import { runOclog } from "./oclog-child.js";
import { provisionedSasPlaceholder } from "./provisioning-includes.js";

const REPO_PIPELINE = new URL("../../fluent-bit/", import.meta.url);

/** One record as it arrived in a blob. */
export interface ShippedRecord {
  blob: string;
  record: Record<string, unknown>;
}

export interface RigOptions {
  user?: string;
  /** The gateway's log directory (default: an empty one in the rig). */
  gatewayLogs?: string;
  /** The journal directory both systemd inputs read (default: an empty one). */
  journalDir?: string;
  /** Secrets known on the VM, masked as literals by redact.lua. */
  literals?: string[];
  /** Leave the provisioning placeholder in place instead of installing a SAS at start. */
  placeholderOnly?: boolean;
  /** Another pipeline than the checked-in one: only the benchmark's baseline (filters removed) sets it. */
  pipelineText?: string;
  /** The VM's host name, which the envelope's `oclog_host` (`${HOSTNAME}`) records (default: this machine's). */
  hostname?: string;
  /** The config audit file the pipeline tails (default: one in the rig); a release before 2026.8 writes `<state>/logs/config-audit.jsonl`. */
  configAudit?: string;
}

/** Local values of every ${OCLOG_*} the pipeline reads. */
export interface RigPaths {
  etc: string;
  pipeline: string;
  sasInclude: string;
  luaDir: string;
  gatewayLogs: string;
  configAudit: string;
  nginxAccessLog: string;
  forwardSocket: string;
  stateDir: string;
  journalDir: string;
  sasState: string;
  caFile: string;
}

export class ShippingRig {
  readonly dir: string;
  readonly user: string;
  readonly container: string;
  readonly paths: RigPaths;
  readonly httpPort: number;
  azurite: Azurite;
  fluentBit: FluentBitProcess;
  readonly #ca: string;
  readonly #azuritePort: number;
  readonly #azuriteLocation: string;
  readonly #tls: { cert: string; key: string };
  readonly #logs: string[] = [];
  readonly #cache = new Map<string, string>();
  readonly #hostname: string | undefined;

  private constructor(init: { dir: string; user: string; paths: RigPaths; httpPort: number; azurite: Azurite; fluentBit: FluentBitProcess; ca: string; tls: { cert: string; key: string }; location: string; hostname: string | undefined }) {
    this.dir = init.dir;
    this.user = init.user;
    this.container = `oclog-${init.user}`;
    this.paths = init.paths;
    this.httpPort = init.httpPort;
    this.azurite = init.azurite;
    this.fluentBit = init.fluentBit;
    this.#ca = init.ca;
    this.#tls = init.tls;
    this.#azuritePort = Number(new URL(init.azurite.blobEndpoint).port);
    this.#azuriteLocation = init.location;
    this.#hostname = init.hostname;
  }

  /** Azurite (HTTPS) with the user's container, then Fluent Bit on the checked-in pipeline; a SAS installed unless `placeholderOnly`. */
  static async start(options: RigOptions = {}): Promise<ShippingRig> {
    const user = options.user ?? "alice";
    const dir = mkdtempSync(join(tmpdir(), "oclog-pipeline-"));
    const etc = join(dir, "etc");
    const paths: RigPaths = {
      etc,
      pipeline: join(etc, "fluent-bit.yaml"),
      sasInclude: join(etc, "oclog-sas.yaml"),
      luaDir: join(etc, "oclog"),
      gatewayLogs: options.gatewayLogs ?? join(dir, "logs"),
      configAudit: options.configAudit ?? join(dir, "openclaw-state", "logs", "config-audit.jsonl"),
      nginxAccessLog: join(dir, "nginx", "oclog-access.json"),
      forwardSocket: join(dir, "run", "forward.sock"),
      stateDir: join(dir, "state"),
      journalDir: options.journalDir ?? join(dir, "journal"),
      sasState: join(dir, "run", "oclog", "sas-state.json"),
      caFile: join(dir, "tls", "ca.pem"),
    };
    for (const d of [etc, paths.luaDir, paths.gatewayLogs, join(dir, "openclaw-state", "logs"), join(dir, "nginx"), join(dir, "run"), paths.stateDir, paths.journalDir, join(dir, "tls"), join(dir, "azurite")]) mkdirSync(d, { recursive: true });

    const identity = await selfSignedLoopbackCert();
    await identity.dispose();
    const tls = { cert: paths.caFile, key: join(dir, "tls", "key.pem") };
    writeFileSync(tls.cert, identity.cert);
    writeFileSync(tls.key, identity.key, { mode: 0o600 });
    const location = join(dir, "azurite");
    const azurite = await startAzurite({ tls, location });
    await createContainer(azurite.connectionString, `oclog-${user}`, { ca: identity.cert });

    // The pipeline and the Lua filter exactly as checked in; the includes as provisioning writes them.
    if (options.pipelineText === undefined) copyFileSync(new URL("openclaw-vm.yaml", REPO_PIPELINE), paths.pipeline);
    else writeFileSync(paths.pipeline, options.pipelineText);
    copyFileSync(new URL("redact.lua", REPO_PIPELINE), join(paths.luaDir, "redact.lua"));
    const httpPort = await freePort();
    writeFileSync(join(etc, "oclog-params.yaml"), paramsInclude({ user, azurite, paths, httpPort }));
    writeFileSync(paths.sasInclude, provisionedSasPlaceholder());
    writeFileSync(join(etc, "redact-literals"), (options.literals ?? []).map((l) => `${l}\n`).join(""), { mode: 0o600 });

    const fluentBit = await ShippingRig.#launch(paths, httpPort, dir, options.hostname);
    const rig = new ShippingRig({ dir, user, paths, httpPort, azurite, fluentBit, ca: identity.cert, tls, location, hostname: options.hostname });
    if (!options.placeholderOnly) {
      const installed = await rig.installSas(rig.sasUrl());
      if (installed.reload.method !== "hot-reload") throw new Error(`the first SAS install did not hot-reload: ${installed.reload.detail}`);
    }
    return rig;
  }

  static #launch(paths: RigPaths, httpPort: number, dir: string, hostname: string | undefined): Promise<FluentBitProcess> {
    // Fluent Bit takes ${HOSTNAME} from its environment when it is set there, else from the kernel (measured).
    const env = { OCLOG_REDACT_LITERALS: join(paths.etc, "redact-literals"), ...(hostname === undefined ? {} : { HOSTNAME: hostname }) };
    return startFluentBit({ pipelineFile: paths.pipeline, httpPort, logFile: join(dir, "fluent-bit.log"), env });
  }

  /** What `oclog` children need to reach this Azurite: its CA and its connection string. */
  get oclogEnv(): NodeJS.ProcessEnv {
    return { NODE_EXTRA_CA_CERTS: this.paths.caFile, AZURE_STORAGE_CONNECTION_STRING: this.azurite.connectionString };
  }

  /** A write-only (cw) container SAS URL, by default valid for an hour. */
  sasUrl(options: { expiresOn?: Date } = {}): Sensitive<string> {
    const token = mintContainerSas(this.azurite, this.container, "cw", options.expiresOn ? { expiresOn: options.expiresOn } : {});
    return new Sensitive(`${this.azurite.blobEndpoint}/${this.container}?${token}`);
  }

  /** The command line of the VM side's installer (what `oclog sas rotate --install-command` runs). */
  installArgs(): string[] {
    return [
      "sas", "install", "--container", this.container, "--include", this.paths.sasInclude, "--state-file", this.paths.sasState,
      // `false`: a reload that does not finish fails the install instead of restarting Fluent Bit.
      "--reload-url", this.fluentBit.httpUrl, "--restart-command", "false", "--json",
    ];
  }

  /** The real `oclog sas install`, the SAS URL on its stdin; resolves with its JSON summary. */
  async installSas(url: Sensitive<string>): Promise<{ fingerprint: string; expires_at: string; reload: { method: string; detail: string } }> {
    const result = await runOclog(this.installArgs(), { input: `${url.reveal()}\n`, env: this.oclogEnv });
    if (result.code !== 0) throw new Error(`oclog sas install exited ${result.code}: ${result.stderr.slice(-2000)}`);
    return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as never;
  }

  /** Starts Fluent Bit again on the same files (after stop() or kill()). */
  async restartFluentBit(): Promise<void> {
    this.#logs.push(this.fluentBit.log());
    this.fluentBit = await ShippingRig.#launch(this.paths, this.httpPort, this.dir, this.#hostname);
  }

  /** Stops Azurite; its data stays for startAzurite(). */
  async stopAzurite(): Promise<void> {
    await this.azurite.stop();
  }

  /** Starts Azurite again on the same port and data (Fluent Bit's endpoint does not change). */
  async startAzurite(): Promise<void> {
    this.azurite = await startAzurite({ tls: this.#tls, location: this.#azuriteLocation, port: this.#azuritePort });
  }

  /** Every record in the container's blobs so far (blobs are immutable: each is read once). */
  async shipped(): Promise<ShippedRecord[]> {
    const names = await downloadContainer(this.azurite.connectionString, this.container, { ca: this.#ca, prefix: "oclog/", skip: (name) => this.#cache.has(name) });
    for (const blob of names) this.#cache.set(blob.name, gunzipSync(blob.bytes).toString("utf8"));
    return [...this.#cache].flatMap(([blob, text]) => text.split("\n").filter(Boolean).map((line) => ({ blob, record: JSON.parse(line) as Record<string, unknown> })));
  }

  /** Downloads the container's blobs, bytes as uploaded, under `<rig>/download/<blob name>`: what a case database loads. */
  async downloadBlobs(): Promise<{ blob: string; path: string }[]> {
    return (await downloadContainer(this.azurite.connectionString, this.container, { ca: this.#ca, prefix: "oclog/" })).map((blob) => {
      const path = join(this.dir, "download", ...blob.name.split("/"));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, blob.bytes);
      return { blob: blob.name, path };
    });
  }

  /** The decompressed text of every blob read by shipped() so far, by blob name. */
  blobTexts(): ReadonlyMap<string, string> {
    return this.#cache;
  }

  /**
   * The blob output's counters from Fluent Bit's monitoring API (errors, retries, proc_records,
   * ...), all 0 until its first metrics snapshot (the endpoint answers with an empty body before).
   */
  async shipCounters(): Promise<Record<string, number>> {
    const text = await (await fetch(`${this.fluentBit.httpUrl}/api/v1/metrics`)).text();
    const ship = text ? (JSON.parse(text) as { output: Record<string, Record<string, number>> }).output.ship : undefined;
    return ship ?? { proc_records: 0, errors: 0, retries: 0, retries_failed: 0, dropped_records: 0 };
  }

  /** How many hot reloads this Fluent Bit process has done. */
  reloadCount(): Promise<number> {
    return hotReloadCount(this.fluentBit);
  }

  /** `[warn]`/`[error]` lines of every Fluent Bit run of this rig, made generic and counted. */
  problems(): Map<string, number> {
    return problemLines([...this.#logs, this.fluentBit.log()].join("\n"));
  }

  async close(): Promise<void> {
    await this.fluentBit.stop();
    await this.azurite.stop();
    if (process.env.OCLOG_KEEP_PIPELINE !== "1") rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The params include for this machine: the same variables provisioning defines, local values. */
export function paramsInclude(p: { user: string; azurite: Azurite; paths: RigPaths; httpPort: number }): string {
  const endpoint = new URL(p.azurite.blobEndpoint);
  const values: Record<string, string> = {
    OCLOG_USER: p.user,
    OCLOG_STORAGE_ACCOUNT: p.azurite.accountName,
    OCLOG_CONTAINER: `oclog-${p.user}`,
    // Azurite puts the account in the path: emulator_mode adds it, so the endpoint is the origin.
    OCLOG_BLOB_ENDPOINT: endpoint.origin,
    OCLOG_BLOB_EMULATOR: "on",
    OCLOG_TLS_CA_FILE: p.paths.caFile,
    OCLOG_LUA_DIR: p.paths.luaDir,
    OCLOG_GATEWAY_LOGS: p.paths.gatewayLogs,
    OCLOG_CONFIG_AUDIT: p.paths.configAudit,
    OCLOG_NGINX_ACCESS_LOG: p.paths.nginxAccessLog,
    OCLOG_FORWARD_SOCKET: p.paths.forwardSocket,
    OCLOG_STATE_DIR: p.paths.stateDir,
    OCLOG_JOURNAL_DIR: p.paths.journalDir,
    OCLOG_HTTP_PORT: String(p.httpPort),
  };
  return `# Written by test/pipeline/shipping-rig.ts: this machine's values for the VM's params include.\nenv:\n${Object.entries(values).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n")}\n`;
}
