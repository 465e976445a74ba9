/**
 * The real Azurite blob service for tests and the demo: started from node_modules on a free
 * loopback port, ready when it accepts connections, stopped on `stop()` or when this process
 * exits. What tests put in it and take out is container-blobs.ts; SAS for it, container-sas.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { OclogError } from "@oclog/errors";

/** Azurite's documented development account; public, the same in every Azurite. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** e.g. http://127.0.0.1:41234/devstoreaccount1 */
  blobEndpoint: string;
  connectionString: string;
  accountName: string;
  accountKey: string;
  /** Azurite's data folder. */
  location: string;
  /** Stops the service (and removes the data folder if Azurite made it); safe to call twice. */
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** Data folder; default a fresh temporary folder, removed on stop. */
  location?: string;
  /**
   * Listen on this port instead of a free one the OS picks: to start Azurite again where a
   * client that cannot be re-pointed (Fluent Bit's endpoint) expects it, after an outage.
   */
  port?: number;
  /** How long start-up may take; default 30 s. */
  timeoutMs?: number;
  /**
   * HTTPS with this certificate and key (PEM files), and with `oauth` bearer tokens accepted
   * (`--oauth basic`: user delegation SAS works only this way; clients must trust the cert).
   */
  tls?: { cert: string; key: string; oauth?: boolean };
}

// Every Azurite this process started and has not stopped: killed when it exits (one listener
// for all of them, so tests that start many do not pile up exit listeners).
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts Azurite's blob service on a free loopback port and resolves once it accepts connections. */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<Azurite> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const ownLocation = options.location === undefined;
  const location = options.location ?? (await mkdtemp(join(tmpdir(), "oclog-azurite-")));
  const bin = await azuriteBlobBin();
  // --blobPort 0: the OS picks a free port and Azurite prints it, so parallel runs never collide.
  const requestedPort = String(options.port ?? 0);
  const child = spawn(
    process.execPath,
    [
      bin, "--blobHost", "127.0.0.1", "--blobPort", requestedPort, "--location", location, "--disableTelemetry", "--silent",
      ...(options.tls ? ["--cert", options.tls.cert, "--key", options.tls.key, ...(options.tls.oauth ? ["--oauth", "basic"] : [])] : []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  const forget = () => running.delete(child);
  // A forgotten stop() must not keep the process alive: the exit handler still kills it.
  child.unref();
  let output = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (output = (output + s).slice(-4000)));
  for (const stream of [child.stdout, child.stderr] as unknown as { unref?: () => void }[]) stream.unref?.();

  let port: number;
  try {
    port = await listeningPort(child, deadline, () => output);
    await waitForConnect(port, deadline);
  } catch (error) {
    forget();
    child.kill("SIGKILL");
    if (ownLocation) await rm(location, { recursive: true, force: true });
    throw error;
  }

  const scheme = options.tls ? "https" : "http";
  const blobEndpoint = `${scheme}://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  let stopping: Promise<void> | undefined;
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=${scheme};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    location,
    stop() {
      stopping ??= (async () => {
        forget();
        if (child.exitCode === null && child.signalCode === null) {
          child.ref(); // hold the event loop until it has really exited
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          child.kill("SIGTERM");
          // Azurite closes within a second; a hung one is killed rather than waited on forever.
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await exited;
          clearTimeout(timer);
        }
        if (ownLocation) await rm(location, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Path of the azurite-blob entry script, found through the installed `azurite` package. */
export async function azuriteBlobBin(): Promise<string> {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve("azurite/package.json");
  } catch (error) {
    throw new OclogError("E_AZURITE_MISSING", "the azurite package is not installed next to @oclog/test-kit", {
      hint: "run pnpm install (azurite is a dependency of packages/test-kit)",
      cause: error,
    });
  }
  const manifest = JSON.parse(await readFile(packageJson, "utf8")) as { bin?: Record<string, string> };
  const entry = manifest.bin?.["azurite-blob"];
  if (!entry) throw new OclogError("E_AZURITE_MISSING", `azurite at ${dirname(packageJson)} has no azurite-blob entry point`);
  return join(dirname(packageJson), entry);
}

/** Resolves with the port from Azurite's "successfully listens on" line, or rejects on exit or deadline. */
function listeningPort(child: ChildProcess, deadline: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const fail = (why: string) => {
      cleanup();
      reject(
        new OclogError("E_AZURITE_START", `Azurite did not start: ${why}`, {
          hint: "run the azurite-blob command from packages/test-kit/node_modules/.bin by hand to see why",
          context: { stdout: stdout.slice(-2000), stderr: stderr().slice(-2000) },
        }),
      );
    };
    const onData = (s: string) => {
      stdout = (stdout + s).slice(-8000);
      const match = /listens on https?:\/\/[^\s:]+:(\d+)/.exec(stdout);
      if (match) {
        cleanup();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null, signal: string | null) => fail(`it exited (code ${code}, signal ${signal})`);
    const onError = (error: Error) => fail(error.message);
    const timer = setTimeout(() => fail("no listening message before the deadline"), Math.max(0, deadline - Date.now()));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      // Keep draining stdout so a chatty Azurite never blocks on a full pipe.
      child.stdout!.resume();
    };
    child.stdout!.setEncoding("utf8").on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

/** Whether something accepts a TCP connection on this loopback port right now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Polls a TCP connect to the port until it succeeds or the deadline passes. */
async function waitForConnect(port: number, deadline: number): Promise<void> {
  let delay = 10;
  for (;;) {
    if (await acceptsConnections(port)) return;
    if (Date.now() + delay > deadline) {
      throw new OclogError("E_AZURITE_START", `Azurite printed port ${port} but does not accept connections`, {
        hint: "check that nothing blocks loopback connections",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 200);
  }
}
