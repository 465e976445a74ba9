// issue, inspect and install against a real Azurite; install reloads a real Fluent Bit 5.1.1.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import test from "ava";
import { ContainerClient, BlobServiceClient } from "@azure/storage-blob";
import { Sensitive } from "@oclog/errors";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { checkShippingSas, HttpReloader, installSas, issueContainerSas, parseSas, InstallRefusedError, type FluentBitReloader } from "@oclog/sas";
import { startReloadableFluentBit, type ReloadableFluentBit } from "@oclog/test-kit/fluent-bit";

let azurite: Azurite;
let fluentBit: ReloadableFluentBit;
const DAY = 86_400_000;

test.before(async () => {
  azurite = await startAzurite();
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-alice").create();
  fluentBit = await startReloadableFluentBit();
});
test.after.always(async () => {
  await azurite?.stop();
  await fluentBit?.close();
});

const issue = (permissions = "cw", lifetimeMs = 7 * DAY, container = "oclog-alice") =>
  issueContainerSas({ kind: "connection-string", connectionString: new Sensitive(azurite.connectionString) }, { container, permissions, lifetimeMs });

const statusOf = async (action: () => Promise<unknown>): Promise<number> => {
  try {
    await action();
    return 200;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode ?? -1;
  }
};

test("issue (account key): the SAS creates and writes a blob, and is refused for read, list and delete", async (t) => {
  const url = await issue();
  t.is(String(url), "**REDACTED**");
  t.false(inspect(url).includes("sig="));
  const container = new ContainerClient(url.reveal());
  const blob = container.getBlockBlobClient("oclog/alice/openclaw.gateway.x.1795600000000.gz");
  t.is(await statusOf(() => blob.upload("hello", 5)), 200);
  t.is(await statusOf(() => blob.download()), 403, "read refused");
  t.is(await statusOf(() => container.listBlobsFlat().next()), 403, "list refused");
  t.is(await statusOf(() => blob.delete()), 403, "delete refused");
  const parsed = parseSas(url);
  t.is(parsed.permissions, "cw");
  t.is(parsed.container, "oclog-alice");
  t.is(parsed.account, "devstoreaccount1");
  t.true(Math.abs(parsed.expiry.getTime() - Date.now() - 7 * DAY) < 60_000);
  // Azurite speaks plain HTTP, so its SAS allows http too; against Azure the issuer sets https only
  // (and plain http to anything but this machine is refused: sas-policy.test.ts).
  t.deepEqual(checkShippingSas(parsed, new Date(), "oclog-alice").map((f) => `${f.level}: ${f.message}`), ["warn: allows https,http: a shipping SAS should be https only (accepted here: the account is a local emulator over plain http)"]);
});

test("policy: over-granting, expired, foreign and long-lived tokens are called out", async (t) => {
  const broad = parseSas(await issue("racwdl", 30 * DAY));
  const findings = checkShippingSas(broad, new Date(), "oclog-bob");
  t.deepEqual(findings.filter((f) => f.level === "refuse").map((f) => f.message.split(/[:(]/)[0]!.trim()), ["grants more than write-only", "lives 30.0 days, more than the 7-day policy", "is for container oclog-alice, not oclog-bob"]);
  t.regex(checkShippingSas(parseSas(await issue()), new Date(Date.now() + 8 * DAY))[0]!.message, /^expired at /);
});

function installOptions(root: string, url: Sensitive<string>, extra: Partial<Parameters<typeof installSas>[0]> = {}) {
  return {
    sasUrl: url,
    container: "oclog-alice",
    includePath: join(root, "etc/fluent-bit/oclog-sas.yaml"),
    statePath: join(root, "run/oclog/sas-state.json"),
    renewCommand: "oclog sas rotate --vm alice",
    reloader: new HttpReloader({ baseUrl: fluentBit.url, timeoutMs: 15_000 }),
    ...extra,
  };
}

test.serial("install: include 0640 with the token, state 0644 without it, then a hot reload the counter confirms", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sas-install-"));
  const url = await issue();
  const token = parseSas(url).token.reveal();
  const before = await fluentBit.reloads();
  const result = await installSas(installOptions(root, url));
  const include = join(root, "etc/fluent-bit/oclog-sas.yaml");
  const stateFile = join(root, "run/oclog/sas-state.json");
  t.is(statSync(include).mode & 0o777, 0o640);
  t.is(statSync(stateFile).mode & 0o777, 0o644);
  t.is(readFileSync(include, "utf8").split("\n").find((l) => l.includes("OCLOG_SAS_TOKEN")), `  OCLOG_SAS_TOKEN: "${token}"`);
  const stateText = readFileSync(stateFile, "utf8");
  t.false(stateText.includes("sig="), "no signature in the public state");
  t.false(stateText.includes(new URLSearchParams(token).get("sig")!));
  const state = JSON.parse(stateText) as Record<string, unknown>;
  t.like(state, { container: "oclog-alice", account: "devstoreaccount1", permissions: "cw", shipping: "unknown", fingerprint: parseSas(url).fingerprint, renew_command: "oclog sas rotate --vm alice" });
  t.is(result.reload.method, "hot-reload");
  t.is(await fluentBit.reloads(), before + 1);
});

test.serial("install refuses expired, over-granting and foreign tokens, and writes nothing", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sas-refuse-"));
  const reloads = await fluentBit.reloads();
  await t.throwsAsync(installSas(installOptions(root, await issue("rwdl"))), { instanceOf: InstallRefusedError, message: /grants more than write-only/ });
  await t.throwsAsync(installSas(installOptions(root, await issue("cw", DAY, "oclog-bob"))), { message: /is for container oclog-bob, not oclog-alice/ });
  await t.throwsAsync(installSas(installOptions(root, await issue(), { now: new Date(Date.now() + 8 * DAY) })), { message: /expired at/ });
  await t.throwsAsync(installSas(installOptions(root, new Sensitive(parseSas(await issue()).token.reveal()))), { message: /names no container/ });
  t.throws(() => statSync(join(root, "run/oclog/sas-state.json")));
  // A reload asked would have been waited for (install polls the counter until it moves).
  t.is(await fluentBit.reloads(), reloads, "no reload asked");
});

test("install falls back to a restart when the reload counter does not move (a Fluent Bit without hot_reload)", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sas-restart-"));
  const noReload = await startReloadableFluentBit({ hotReload: false });
  t.teardown(() => noReload.close());
  let restarts = 0;
  const result = await installSas(installOptions(root, await issue(), { reloader: new HttpReloader({ baseUrl: noReload.url, timeoutMs: 1_500, restart: async () => void restarts++ }) }));
  t.is(result.reload.method, "restart");
  t.regex(result.reload.detail, /hot_reload_count stayed at 0/);
  t.is(restarts, 1);
  t.is(await noReload.reloads(), 0);
});

test.serial("install is atomic: a reader polling the state file meanwhile never sees a partial file", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sas-atomic-"));
  const stateFile = join(root, "run/oclog/sas-state.json");
  // Not a Fluent Bit stand-in: the reload is not under test here (the tests above reload a real
  // one), and a real reload takes about a second, which 40 installs racing a reader cannot wait for.
  const reloadNotUnderTest: FluentBitReloader = { reload: async () => ({ method: "hot-reload", detail: "not under test" }) };
  const install = async (url: Sensitive<string>) => installSas(installOptions(root, url, { reloader: reloadNotUnderTest }));
  await install(await issue());
  const reader = spawn(process.execPath, [fileURLToPath(new URL("./poll-reader.mjs", import.meta.url)), stateFile], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  reader.stdout.on("data", (d) => (out += String(d)));
  await new Promise<void>((resolve) => reader.stdout.once("data", () => resolve())); // the reader is polling
  for (let i = 0; i < 40; i++) await install(await issue("cw", 7 * DAY - i * 1000));
  reader.stdin.end();
  await new Promise<void>((resolve) => reader.once("close", () => resolve()));
  const report = JSON.parse(out.trim().split("\n").at(-1)!) as { reads: number; partial: number };
  t.true(report.reads > 40, `the reader read ${report.reads} times`);
  t.is(report.partial, 0);
});

test("issue: a lapsed Azure login is a clear error that says to run az login", async (t) => {
  // The SDK asks the credential for a token before it sends anything: the URL is never contacted.
  const lapsed = { getToken: async () => Promise.reject(new Error("AADSTS700082: The refresh token has expired due to inactivity.")) };
  const error = await t.throwsAsync(issueContainerSas({ kind: "user-delegation", accountUrl: "https://127.0.0.1:9/devstoreaccount1", credential: lapsed }, { container: "oclog-alice", permissions: "cw", lifetimeMs: DAY }));
  t.is(error?.name, "IssueError");
  t.regex(error!.message, /could not mint a SAS for oclog-alice: .*AADSTS700082/);
  t.regex((error as unknown as { hint: string }).hint, /az login/);
  t.is((error as unknown as { exitCode: number }).exitCode, 3, "exit 3: a person must act");
});
