/** `oclog sas inspect | issue | install | rotate | schedule`: the shipping SAS, end to end. */
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { hostname, homedir } from "node:os";
import { join } from "node:path";
import { ExitCode, ExitError, Sensitive, UsageError } from "@oclog/errors";
import {
  accountUrlProblem,
  checkRotateSettings,
  checkShippingSas,
  formatRemaining,
  HttpReloader,
  installSas,
  reloadTimeoutMs,
  issueContainerSas,
  defaultAzureCredential,
  parseSas,
  loadAzureEnvFile,
  planRotationSchedule,
  readSasState,
  rotateSas,
  transportFor,
  vagrantEnvironment,
  vmSlug,
  writeFileAtomic,
  type IssueAuth,
  type ParsedSas,
  type PolicyFinding,
  type RotateSettings,
} from "@oclog/sas";
import { OPENCLAW_VM_GRACE_SECONDS } from "@oclog/fluent-bit";
import { Emitter, parseDuration } from "@oclog/schema";
import { terminalSafe, type Output } from "../output.js";
import { CLI_PACKAGE_ROOT } from "../package-root.js";

// A SAS URL is about 500 characters; reading stops well past that, so a pipe from /dev/zero or a
// log file given by mistake is refused instead of filling memory.
const MAX_INPUT_BYTES = 64 * 1024;

function tooLong(where: string): UsageError {
  return new UsageError(`${where} holds more than ${MAX_INPUT_BYTES / 1024} KiB: a SAS URL is about 500 characters`, { hint: "pass the file `oclog sas issue --out` wrote, or pipe `oclog sas issue --stdout`" });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT_BYTES) throw tooLong("stdin");
  }
  return Buffer.concat(chunks).toString("utf8").trim();
}

/** At most MAX_INPUT_BYTES of a file: a device or a huge file never reads to its end. */
function readSasFile(path: string): string {
  const buffer = Buffer.alloc(MAX_INPUT_BYTES + 1);
  const fd = openSync(path, "r");
  try {
    // In a loop: a pipe (`<(oclog sas issue --stdout)`) hands its bytes over in pieces.
    let read = 0;
    for (let n = -1; n !== 0 && read < buffer.length; read += n) n = readSync(fd, buffer, read, buffer.length - read, null);
    if (read > MAX_INPUT_BYTES) throw tooLong(terminalSafe(path));
    return buffer.subarray(0, read).toString("utf8").trim();
  } finally {
    closeSync(fd);
  }
}

/** `oclog sas inspect`: every field of a SAS and every finding, each line cleaned for the terminal. */
export async function sasInspect(source: string, options: { json: boolean; now?: Date }, output: Output, stdin: () => Promise<string> = readStdin): Promise<void> {
  let text: string;
  if (source === "-") text = await stdin();
  else if (existsSync(source)) text = readSasFile(source);
  else {
    text = source;
    if (/[?&]?sig=/.test(source)) output.err("warning: a SAS on the command line is visible in `ps` and shell history; pass a file or - (stdin) next time");
  }
  const sas = parseSas(text);
  const now = options.now ?? new Date();
  const findings = checkShippingSas(sas, now);
  const remaining = sas.expiry.getTime() - now.getTime();
  const summary = {
    account: sas.account ?? null,
    container: sas.container ?? null,
    version: sas.version ?? null,
    starts_at: sas.start?.toISOString() ?? null,
    expires_at: sas.expiry.toISOString(),
    remaining_seconds: Math.round(remaining / 1000),
    permissions: sas.permissions,
    resource: sas.resource ?? null,
    services: sas.services ?? null,
    resource_types: sas.resourceTypes ?? null,
    protocol: sas.protocol ?? null,
    ip_range: sas.ipRange ?? null,
    policy_id: sas.policyId ?? null,
    user_delegation: sas.userDelegation
      ? { object_id: sas.userDelegation.objectId ?? null, tenant_id: sas.userDelegation.tenantId ?? null, key_starts_at: sas.userDelegation.keyStart?.toISOString() ?? null, key_expires_at: sas.userDelegation.keyExpiry?.toISOString() ?? null }
      : null,
    signed: sas.hasSignature,
    fingerprint: sas.fingerprint,
    findings,
  };
  // Every field came from the token, untrusted like any log line: text lines are cleaned here; in
  // JSON the output sink writes what a terminal would act on as \uXXXX, which parses back the same.
  if (options.json) output.out(JSON.stringify(summary));
  else for (const line of inspectLines(sas, summary, remaining, findings)) output.out(terminalSafe(line, 500));
  if (findings.some((f) => f.level === "refuse")) throw new ExitError(ExitCode.findings);
}

function inspectLines(sas: ParsedSas, summary: { expires_at: string; starts_at: string | null }, remaining: number, findings: PolicyFinding[]): string[] {
  const delegation = sas.userDelegation;
  return [
    `expires   ${summary.expires_at} (${formatRemaining(remaining)}${remaining > 0 ? " left" : ""})`,
    ...(summary.starts_at ? [`starts    ${summary.starts_at}`] : []),
    `grants    sp=${sas.permissions}${sas.resource ? ` on sr=${sas.resource}` : ""}${sas.container ? ` in ${sas.account ?? "?"}/${sas.container}` : ""}${sas.services || sas.resourceTypes ? ` (account SAS ss=${sas.services ?? ""} srt=${sas.resourceTypes ?? ""})` : ""}`,
    `over      ${sas.protocol ? `spr=${sas.protocol}` : "any protocol (no spr)"}${sas.ipRange ? ` from sip=${sas.ipRange}` : ""}${sas.version ? `; sv=${sas.version}` : ""}${sas.policyId ? `; si=${sas.policyId}` : ""}`,
    ...(delegation ? [`delegated by object ${delegation.objectId ?? "?"} in tenant ${delegation.tenantId ?? "?"}${delegation.keyExpiry ? `, key until ${delegation.keyExpiry.toISOString()}` : ""}`] : []),
    `signature ${sas.hasSignature ? "present (not shown)" : "MISSING"}; fingerprint ${sas.fingerprint}`,
    ...findings.map((f) => `${f.level === "refuse" ? "problem" : "warning"}: this SAS ${f.message}`),
  ];
}

/** Who signs: an account key (AZURE_STORAGE_KEY), the caller's Azure login, or a connection string (Azurite). */
async function issueAuth(accountUrl: string | undefined): Promise<IssueAuth> {
  const urlProblem = accountUrl === undefined ? undefined : accountUrlProblem(accountUrl);
  if (urlProblem) throw new UsageError(urlProblem);
  if (accountUrl && process.env.AZURE_STORAGE_KEY) {
    const accountName = /^https?:\/\/([a-z0-9]+)\./.exec(accountUrl)?.[1] ?? new URL(accountUrl).pathname.split("/")[1] ?? "";
    return { kind: "account-key", accountUrl, accountName, accountKey: new Sensitive(process.env.AZURE_STORAGE_KEY) };
  }
  if (accountUrl) {
    return { kind: "user-delegation", accountUrl, credential: await defaultAzureCredential() };
  }
  if (process.env.AZURE_STORAGE_CONNECTION_STRING) return { kind: "connection-string", connectionString: new Sensitive(process.env.AZURE_STORAGE_CONNECTION_STRING) };
  throw new UsageError("no storage account given", { hint: "pass --account-url (your Azure login mints a user delegation SAS), or set AZURE_STORAGE_CONNECTION_STRING for Azurite" });
}

export async function sasIssue(options: { accountUrl?: string; container: string; lifetime: string; permissions: string; out?: string; stdout: boolean; json: boolean }, output: Output): Promise<void> {
  const lifetimeMs = parseDuration(options.lifetime, "--lifetime");
  const auth = await issueAuth(options.accountUrl);
  const url = await issueContainerSas(auth, { container: options.container, permissions: options.permissions, lifetimeMs });
  const sas = parseSas(url);
  if (options.out) writeFileAtomic(options.out, `${url.reveal()}\n`, 0o600);
  if (options.stdout) output.out(url.reveal());
  const summary = { container: options.container, expires_at: sas.expiry.toISOString(), permissions: sas.permissions, fingerprint: sas.fingerprint, user_delegation: sas.userDelegation !== undefined, written_to: options.out ?? null };
  if (options.json) output.err(JSON.stringify(summary));
  else output.err(`issued a SAS for ${options.container}: sp=${sas.permissions}, expires ${summary.expires_at}, ${sas.fingerprint}${options.out ? `, written to ${options.out} (0600)` : options.stdout ? "" : " (not shown: pass --out FILE or --stdout)"}`);
}

function groupId(name: string): number | undefined {
  try {
    return Number(execFileSync("getent", ["group", name], { encoding: "utf8" }).split(":")[2]);
  } catch {
    return undefined;
  }
}

export async function sasInstall(
  options: { container?: string; include: string; stateFile: string; reloadUrl: string; renewCommand?: string; fluentBitGroup: string; restartCommand: string; json: boolean },
  output: Output,
  stdin: () => Promise<string> = readStdin,
): Promise<void> {
  const container = options.container ?? readSasState(options.stateFile)?.container;
  if (!container) throw new UsageError("which container does this VM ship to?", { hint: "pass --container oclog-<user> the first time; later runs take it from the state file" });
  const text = await stdin();
  if (!text) throw new UsageError("no SAS on stdin", { hint: "pipe the container SAS URL in: oclog sas issue ... --stdout | oclog sas install" });
  const gid = process.getuid?.() === 0 ? groupId(options.fluentBitGroup) : undefined;
  const [restartBin, ...restartArgs] = options.restartCommand.split(" ");
  const result = await installSas({
    sasUrl: new Sensitive(text),
    container,
    includePath: options.include,
    statePath: options.stateFile,
    ...(gid !== undefined ? { includeOwner: { uid: 0, gid } } : {}),
    renewCommand: options.renewCommand ?? `oclog sas rotate --vm ${hostname()}`,
    // The VM's pipeline decides how long its reload may take; waiting less would restart it mid-reload.
    reloader: new HttpReloader({ baseUrl: options.reloadUrl, timeoutMs: reloadTimeoutMs(OPENCLAW_VM_GRACE_SECONDS), restart: async () => void execFileSync(restartBin!, restartArgs, { stdio: "ignore" }) }),
  });
  // Installed, yet what inspect would warn about is said here too: on stderr, so stdout stays the result.
  for (const warning of result.warnings) output.err(terminalSafe(`warning: this SAS ${warning}`, 500));
  const summary = { container, expires_at: result.state.expires_at, fingerprint: result.state.fingerprint, reload: result.reload, warnings: result.warnings };
  if (options.json) output.out(JSON.stringify(summary));
  else output.out(terminalSafe(`installed SAS ${result.state.fingerprint} for ${container}, expires ${result.state.expires_at}; Fluent Bit: ${result.reload.method} (${result.reload.detail})`, 1000));
}

export async function sasRotate(
  options: RotateSettings & { threshold: string; lifetime: string; stateFile: string; installCommand: string; json: boolean },
  output: Output,
): Promise<void> {
  checkRotateSettings(options);
  // Before anything is signed: the SDK reads these from the environment.
  if (options.envFile) loadAzureEnvFile(options.envFile);
  const thresholdMs = parseDuration(options.threshold, "--threshold");
  const lifetime = options.lifetime;
  const place = options.transport === "vagrant" ? { ...(options.vagrantDir ? { cwd: options.vagrantDir } : {}), env: vagrantEnvironment(options.vagrantEnv) } : {};
  const transport = transportFor(options.transport, options.vm, { statePath: options.stateFile, installCommand: options.installCommand.split(" "), place });
  // Events also go through the SDK to a Fluent Bit forward socket when given (tag openclaw.oclog).
  const emitter = options.eventsSocket ? new Emitter({ endpoint: { path: options.eventsSocket }, ackTimeoutMs: 5_000 }) : undefined;
  const sent: Promise<void>[] = [];
  const log = (event: string, fields: Record<string, unknown>) => {
    const line = `sas: ${event} ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")}`;
    output.err(options.json ? JSON.stringify({ event, ...fields }) : line);
    // The `oclog` source's shape (@oclog/schema): the emitter refuses anything else.
    const record = { ...fields, event, component: "sas-rotate", vm: options.vm, message: line, ...(event === "sas.rotated" ? { outcome: "success" } : {}) };
    if (emitter) sent.push(emitter.emit("oclog", record).catch((error) => output.err(`sas: event not delivered: ${(error as Error).message}`)));
  };
  try {
    await rotateAndReport();
  } finally {
    await Promise.all(sent);
    await emitter?.close();
  }

  async function rotateAndReport(): Promise<void> {
  const result = await rotateSas({
    vm: options.vm,
    transport,
    thresholdMs,
    lockPath: options.lock ?? join(homedir(), ".cache", "oclog", `sas-rotate-${vmSlug(options.vm)}.lock`),
    log,
    issue: async (container) => issueContainerSas(await issueAuth(options.accountUrl), { container, permissions: "cw", lifetimeMs: parseDuration(lifetime, "--lifetime") }),
  });
  if (options.json) output.out(JSON.stringify(result));
  else output.out(result.action === "rotated" ? `rotated ${options.vm}: new SAS ${result.fingerprint} expires ${result.newExpiresAt}` : `${options.vm}: SAS expires ${result.expiresAt} (${formatRemaining(result.remainingMs)} left), above the ${options.threshold} threshold; nothing to do`);
  }
}

/** The oclog this is: the package's own launcher, an absolute path however oclog was started. */
export const RUNNING_OCLOG = join(CLI_PACKAGE_ROOT, "bin", "oclog.js");

export async function sasSchedule(options: RotateSettings & { oclog?: string; json: boolean }, output: Output): Promise<void> {
  const { oclog, json, ...settings } = options;
  const { schedule, warnings } = await planRotationSchedule({ ...settings, oclog: oclog ?? RUNNING_OCLOG }, { env: process.env, nodePath: process.execPath, cwd: process.cwd() });
  for (const warning of warnings) output.err(`warning: ${terminalSafe(warning, 500)}`);
  if (json) return output.out(JSON.stringify({ ...schedule, warnings }));
  const files = `~/.config/systemd/user/${schedule.unit}`;
  output.out(`# cron: \`crontab -e\`, then add this one line (output goes to ${schedule.log_file}):\n${schedule.crontab}\n`);
  output.out(`# or a systemd user timer: write the two files below, then\n#   systemctl --user daemon-reload && systemctl --user enable --now ${schedule.unit}.timer\n#   loginctl enable-linger "$USER"   # so it runs while you are logged out\n# output: journalctl --user -u ${schedule.unit}\n`);
  output.out(`# ${files}.service\n${schedule.service}`);
  output.out(`# ${files}.timer\n${schedule.timer}`);
}
