/**
 * Runs the real Debian nginx (with ngx_lua) in a temporary prefix: renders vm/nginx/oclog-gateway.conf
 * the way the VM installer does, wraps it in a minimal nginx.conf, starts nginx in the foreground on
 * free loopback ports and stops it with SIGQUIT (graceful).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@oclog/test-kit";

export const NGINX_DIR = fileURLToPath(new URL("../../../vm/nginx/", import.meta.url));
export const GATEWAY_CONF = join(NGINX_DIR, "oclog-gateway.conf");
export const GATE_LUA = join(NGINX_DIR, "gate.lua");
const MODULES = "/usr/lib/nginx/modules";

export interface GatewayValues {
  listen: string;
  upstream: string;
  luaDir: string;
  stateFile: string;
  vmName: string;
  /** Where the JSON access log goes (default: nowhere, /dev/null). */
  accessLog?: string;
}

/** Replaces the installer placeholders; fails when one is left or unknown. */
export function renderGateway(values: GatewayValues, template = readFileSync(GATEWAY_CONF, "utf8")): string {
  const map: Record<string, string> = {
    "@LISTEN@": values.listen,
    "@UPSTREAM@": values.upstream,
    "@LUA_DIR@": values.luaDir,
    "@STATE_FILE@": values.stateFile,
    "@VM_NAME@": values.vmName,
    "@ACCESS_LOG@": values.accessLog ?? "/dev/null",
  };
  const out = template.replace(/@[A-Z_]+@/g, (p) => {
    const v = map[p];
    if (v === undefined) throw new Error(`unknown placeholder ${p} in oclog-gateway.conf`);
    return v;
  });
  return out;
}

/** Sets one option of the gate's `access({...})` call (a Lua expression); it must be there once. */
export function setGateOption(conf: string, name: string, luaValue: string): string {
  const re = new RegExp(`^(\\s*${name}\\s*=\\s*)[^\\n]*?,$`, "gm");
  const hits = conf.match(re)?.length ?? 0;
  if (hits !== 1) throw new Error(`gate option ${name} found ${hits} times in the conf`);
  return conf.replace(re, `$1${luaValue},`);
}

/** The same conf without the gate (the benchmark's baseline): drops the marked access block. */
export function withoutGate(conf: string): string {
  const re = /^\s*# --- oclog gate begin ---\n[\s\S]*?^\s*# --- oclog gate end ---\n/m;
  if (!re.test(conf)) throw new Error("gate markers not found in the conf");
  return conf.replace(re, "");
}

/** The server block(s) of a rendered conf, without its http-level directives. */
export function serverBlocks(conf: string): string {
  const at = conf.search(/^server \{/m);
  if (at < 0) throw new Error("no server block in the conf");
  return conf.slice(at);
}

export interface NginxOptions {
  /** Absolute, canonical, world-traversable directory: nginx's prefix. */
  prefix: string;
  /** How many loopback ports to allocate for render(). */
  ports?: number;
  /** The content of http {} for the given ports. */
  render(ports: number[]): string;
  workers?: number;
  /** Environment for nginx. nginx keeps only TZ for its workers. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningNginx {
  ports: number[];
  port: number;
  prefix: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Workers run as an unprivileged user when we are root, like www-data in the VM. */
function userLine(): string {
  if (process.getuid?.() !== 0) return "";
  const groups = readFileSync("/etc/group", "utf8");
  return `user nobody ${/^nogroup:/m.test(groups) ? "nogroup" : "nobody"};`;
}

export function mainConf(prefix: string, http: string, workers = 1): string {
  const tmp = join(prefix, "tmp");
  return `# written by test/vm/gate/nginx.ts
load_module ${MODULES}/ndk_http_module.so;
load_module ${MODULES}/ngx_http_lua_module.so;
${userLine()}
daemon off;
master_process on;
worker_processes ${workers};
worker_shutdown_timeout 5s;
pid ${join(prefix, "nginx.pid")};
error_log ${join(prefix, "logs/error.log")} info;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${tmp}/body;
    proxy_temp_path ${tmp}/proxy;
    fastcgi_temp_path ${tmp}/fastcgi;
    uwsgi_temp_path ${tmp}/uwsgi;
    scgi_temp_path ${tmp}/scgi;
${http}
}
`;
}

/** `nginx -t` over a conf written into the prefix. */
export function nginxTest(prefix: string, http: string): { ok: boolean; output: string } {
  mkdirSync(join(prefix, "logs"), { recursive: true });
  mkdirSync(join(prefix, "tmp"), { recursive: true });
  const conf = join(prefix, "nginx-t.conf");
  writeFileSync(conf, mainConf(prefix, http));
  const run = spawnSync("nginx", ["-t", "-p", `${prefix}/`, "-c", conf], { encoding: "utf8" });
  if (run.error) throw new Error(`nginx is not available (${run.error.message}); scripts/setup.sh installs it`);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function waitForStart(child: ChildProcess, prefix: string, stderr: () => string): Promise<"up" | "port-in-use"> {
  const pidFile = join(prefix, "nginx.pid");
  return new Promise((resolve, reject) => {
    // nginx writes its pid file after it has bound every listening socket: from then on,
    // connections are accepted (and served as soon as the worker runs).
    const watcher = watch(prefix);
    const done = (fn: () => void) => {
      watcher.close();
      child.off("exit", onExit);
      fn();
    };
    const check = () => {
      if (!existsSync(pidFile)) return;
      if (readFileSync(pidFile, "utf8").trim() === String(child.pid)) done(() => resolve("up"));
    };
    const onExit = (code: number | null) => {
      const out = stderr();
      if (/Address already in use/.test(out)) done(() => resolve("port-in-use"));
      else done(() => reject(new Error(`nginx exited (${code}) before it was up:\n${out}`)));
    };
    watcher.on("change", check);
    child.on("exit", onExit);
    check();
  });
}

export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  const { prefix } = options;
  mkdirSync(join(prefix, "logs"), { recursive: true });
  mkdirSync(join(prefix, "tmp"), { recursive: true });
  const conf = join(prefix, "nginx.conf");
  // A port free a moment ago: nginx binds it itself, so a clash is possible and is retried.
  for (let attempt = 0; attempt < 5; attempt++) {
    const ports: number[] = [];
    while (ports.length < (options.ports ?? 1)) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    writeFileSync(conf, mainConf(prefix, options.render(ports), options.workers ?? 1));
    const child = spawn("nginx", ["-p", `${prefix}/`, "-c", conf], {
      stdio: ["ignore", "ignore", "pipe"],
      env: options.env ?? process.env,
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once("spawn", () => resolve(undefined));
      child.once("error", (e) => resolve(e));
    });
    if (spawned) throw new Error(`nginx is not available (${spawned.message}); scripts/setup.sh installs it`);
    const state = await waitForStart(child, prefix, () => stderr);
    if (state === "port-in-use") continue;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return {
      ports,
      port: ports[0]!,
      prefix,
      errorLog: () => (existsSync(join(prefix, "logs/error.log")) ? readFileSync(join(prefix, "logs/error.log"), "utf8") : ""),
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGQUIT");
        // Graceful stop: idle keep-alive connections close at once; worker_shutdown_timeout caps the rest.
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
  throw new Error("no free port for nginx after 5 attempts");
}
