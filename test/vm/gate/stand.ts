/**
 * A gate test stand: a temp prefix laid out like the VM (gate.lua in a lua dir, the state file at
 * run/oclog/sas-state.json), the upstream stand-in, and nginx serving the rendered
 * oclog-gateway.conf in front of it.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { get, openStream, openWebSocket, websocket, type RequestOptions } from "./client.js";
import { GATE_LUA, renderGateway, setGateOption, startNginx, type RunningNginx } from "./nginx.js";
import { Upstream } from "./upstream.js";

export const VM_NAME = "alice";
/** What the gate shows when it cannot read the renew command from the state file. */
export const FALLBACK_COMMAND = `oclog sas rotate --vm ${VM_NAME}`;

export interface StandOptions {
  /** Gate options to change: name → Lua expression (e.g. cache_seconds → "0"). */
  gate?: Record<string, string>;
  /** Replaces gate.lua's content (to break the module on purpose). */
  luaSource?: string;
  /** Extra http-level directives. */
  extraHttp?: string;
  /** Where nginx writes the JSON access log (default: nowhere). */
  accessLog?: string;
  /** A real gateway (`host:port`) to proxy to instead of the stand-in (which then sees no request). */
  upstreamAddress?: string;
  /** nginx worker processes (default 1; Debian's nginx.conf says `auto`, one per core). */
  workers?: number;
}

/** A UTC offset far from UTC for nginx (POSIX TZ, needs no tzdata): local-time bugs show up. */
export const NGINX_TZ = "OCLOG-14";

export class GateStand {
  readonly root: string;
  readonly stateFile: string;
  readonly upstream: Upstream;
  nginx!: RunningNginx;
  conf = "";

  private constructor(root: string, upstream: Upstream) {
    this.root = root;
    this.stateFile = join(root, "run/oclog/sas-state.json");
    this.upstream = upstream;
  }

  static async start(options: StandOptions = {}): Promise<GateStand> {
    // Canonical (the gate refuses paths through symlinks) and traversable by nginx's workers.
    const root = realpathSync(mkdtempSync(join(tmpdir(), "oclog-gate-")));
    chmodSync(root, 0o755);
    const luaDir = join(root, "lua");
    mkdirSync(luaDir, { mode: 0o755 });
    if (options.luaSource === undefined) copyFileSync(GATE_LUA, join(luaDir, "gate.lua"));
    else writeFileSync(join(luaDir, "gate.lua"), options.luaSource);
    chmodSync(join(luaDir, "gate.lua"), 0o644);
    const upstream = await new Upstream().start();
    const stand = new GateStand(root, upstream);
    mkdirSync(dirname(stand.stateFile), { recursive: true, mode: 0o755 });
    try {
      stand.nginx = await startNginx({
        prefix: root,
        env: { ...process.env, TZ: NGINX_TZ },
        ...(options.workers ? { workers: options.workers } : {}),
        render: ([port]) => {
          let conf = renderGateway({
            listen: `127.0.0.1:${port}`,
            upstream: options.upstreamAddress ?? `127.0.0.1:${upstream.port}`,
            luaDir,
            stateFile: stand.stateFile,
            vmName: VM_NAME,
            ...(options.accessLog ? { accessLog: options.accessLog } : {}),
          });
          for (const [name, value] of Object.entries(options.gate ?? {})) conf = setGateOption(conf, name, value);
          stand.conf = conf;
          return `${options.extraHttp ?? ""}\n${conf}`;
        },
      });
    } catch (error) {
      await upstream.stop();
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
    return stand;
  }

  get port(): number {
    return this.nginx.port;
  }

  get(path: string, options?: RequestOptions) {
    return get(this.port, path, options);
  }

  websocket(path: string, headers?: Record<string, string>) {
    return websocket(this.port, path, headers);
  }

  /** A WebSocket through nginx kept open (rejects unless upgraded). */
  openWebSocket(path: string) {
    return openWebSocket(this.port, path);
  }

  /** A streamed GET through nginx kept open. */
  openStream(path: string) {
    return openStream(this.port, path);
  }

  /** Makes run/oclog a plain directory again and removes whatever is at the state path. */
  private resetStatePath(): void {
    rmSync(dirname(this.stateFile), { recursive: true, force: true });
    mkdirSync(dirname(this.stateFile), { recursive: true, mode: 0o755 });
  }

  /** Replaces the state file atomically (temp file + rename), as oclog sas install does. */
  writeState(content: string | Buffer | object, mode = 0o644): void {
    this.resetStatePath();
    const data = typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2);
    const temp = `${this.stateFile}.tmp`;
    writeFileSync(temp, data, { mode });
    chmodSync(temp, mode);
    renameSync(temp, this.stateFile);
  }

  /** Same as writeState, without touching the directory (the cache test replaces only the file). */
  replaceState(content: object): void {
    const temp = `${this.stateFile}.tmp`;
    writeFileSync(temp, JSON.stringify(content), { mode: 0o644 });
    renameSync(temp, this.stateFile);
  }

  removeState(): void {
    this.resetStatePath();
  }

  /** The state path is a symbolic link to a valid file elsewhere. */
  stateAsSymlink(content: object): void {
    this.resetStatePath();
    const target = join(this.root, "elsewhere", "sas-state.json");
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileSync(target, JSON.stringify(content), { mode: 0o644 });
    symlinkSync(target, this.stateFile);
  }

  /** run/oclog is a symbolic link to a directory holding a valid state file. */
  stateDirAsSymlink(content: object): void {
    const dir = dirname(this.stateFile);
    rmSync(dir, { recursive: true, force: true });
    const real = join(this.root, "real-oclog");
    rmSync(real, { recursive: true, force: true });
    mkdirSync(real, { mode: 0o755 });
    writeFileSync(join(real, "sas-state.json"), JSON.stringify(content), { mode: 0o644 });
    symlinkSync(real, dir);
  }

  stateAsDirectory(): void {
    this.resetStatePath();
    mkdirSync(this.stateFile, { mode: 0o755 });
  }

  stateAsFifo(): void {
    this.resetStatePath();
    const run = spawnSync("mkfifo", ["-m", "0644", this.stateFile]);
    if (run.status !== 0) throw new Error(`mkfifo failed: ${run.stderr}`);
  }

  async stop(): Promise<void> {
    try {
      await this.nginx?.stop();
    } finally {
      await this.upstream.stop();
      rmSync(this.root, { recursive: true, force: true });
    }
  }
}
