/**
 * What the network programs an agent runs connect to and send: curl, wget and friends (URLs given
 * with or without a scheme, uploads), nc/socat/telnet (`host port`), ssh/scp/sftp/rsync
 * (`user@host`, `host:path`), git (URLs and scp-style remotes), and DNS tools (`dig @server name`,
 * `nslookup name server`: the queried name itself reaches the attacker's name server).
 */
import { hostAndPort, parseDestination, type Destination } from "./destination.js";
import { dnsNameCarriesData, urlCarriesData } from "./url-payload.js";

/** A destination and the program that reaches it. */
export interface NetworkTarget extends Destination {
  via: string;
}

/** The network use of one simple command. */
export interface NetworkUse {
  targets: NetworkTarget[];
  /** Why it sends data out (uploads, posts, data in URLs or DNS names). */
  outbound: string[];
  /** Files it uploads (`curl -d @file`, `scp file host:`), checked against the secret catalogue by the caller. */
  uploads: string[];
  /** It sends its stdin (`curl -d @-`, `nc host port` fed by a pipe). */
  sendsStdin: boolean;
  /** It prints what it fetched on stdout (so a following `| sh` runs it). */
  fetchesToStdout: boolean;
  /** Files it saves a download to. */
  savesTo: string[];
}

/** Programs that fetch a URL. */
export const FETCHERS = new Set(["curl", "wget", "wget2", "aria2c", "http", "https", "xh", "httpie", "fetch", "lwp-request", "GET", "POST", "lynx", "links", "w3m"]);

// Options whose next word is a value, not a URL.
const CURL_VALUED = /^-(?:[dFHoOXuAeTwmrbcKEyYzxUCQtP]|-(?:data|data-binary|data-raw|data-ascii|data-urlencode|json|form|form-string|header|output|request|user|user-agent|referer|upload-file|write-out|max-time|connect-timeout|range|cookie|cookie-jar|config|cert|cacert|key|proxy|proxy-user|resolve|retry|retry-delay|retry-max-time|limit-rate|output-dir|interface|dns-servers|connect-to|continue-at|url-query|variable|expand-[a-z-]+|oauth2-bearer|aws-sigv4|unix-socket|local-port|max-filesize|speed-time|speed-limit|header-file|netrc-file|ciphers|pinnedpubkey|capath|key-type|cert-type|trace|trace-ascii|stderr|dump-header))$/;
const CURL_UPLOAD = /^-(?:[dFT]|-(?:data|data-binary|data-raw|data-ascii|data-urlencode|json|form|upload-file|url-query))$/;
const WGET_VALUED = /^-(?:[OoaPUeTtwlQiBD]|-(?:output-document|output-file|append-output|directory-prefix|user-agent|header|post-data|post-file|body-data|body-file|method|execute|timeout|tries|wait|level|quota|input-file|base|domains|user|password|http-user|http-password|referer|bind-address|ca-certificate|certificate|private-key))$/;
const WGET_UPLOAD = /^--(?:post-data|post-file|body-data|body-file)$/;
const SSH_VALUED = /^-[bcDEeFIiJLlmOopQRSWw]$/;

/** The network use of `program args`; empty when the program does not touch the network. */
export function networkUse(program: string, args: readonly string[], stdinPiped: boolean): NetworkUse {
  const use: NetworkUse = { targets: [], outbound: [], uploads: [], sendsStdin: false, fetchesToStdout: false, savesTo: [] };
  if (program === "curl") curl(args, use);
  else if (program === "wget" || program === "wget2") wget(args, use);
  else if (FETCHERS.has(program)) generic(program, args, use);
  else if (["nc", "ncat", "netcat", "telnet", "pwncat"].includes(program)) netcat(program, args, stdinPiped, use);
  else if (program === "socat") socat(args, use);
  else if (program === "openssl" && args[0] === "s_client") opensslClient(args, use);
  else if (["ssh", "sftp", "mosh", "autossh"].includes(program)) ssh(program, args, stdinPiped, use);
  else if (program === "scp" || program === "rsync") copyRemote(program, args, use);
  else if (program === "git") git(args, use);
  else if (["dig", "nslookup", "host", "drill", "kdig", "delv"].includes(program)) dns(program, args, use);
  else if (program === "ping" || program === "ping6" || program === "traceroute") {
    const name = args.filter((a) => !a.startsWith("-")).at(-1);
    if (name) addDns(use, name, program);
  }
  return use;
}

function addUrl(use: NetworkUse, text: string, via: string, defaultScheme = "http"): void {
  const destination = parseDestination(text, defaultScheme);
  if (!destination) return;
  use.targets.push({ ...destination, via });
  const data = urlCarriesData(text);
  if (data) use.outbound.push(`${via} URL to ${destination.host}: ${data}`);
}

function curl(args: readonly string[], use: NetworkUse): void {
  let outputFile: string | null = null;
  let remoteName = false;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag === "--remote-name" || flag === "--remote-name-all" || /^-[a-zA-Z]*O$/.test(flag)) remoteName = true;
    // A long valued option, or a short cluster (`-fsSLo file`) whose last letter takes a value.
    const short = /^-[a-zA-Z]*([dFHoXuAeTwmrbcKExUYCzy])$/.exec(flag);
    if (flag.startsWith("--") ? CURL_VALUED.test(flag) : short !== null) {
      const value = inline ?? args[++i] ?? "";
      const option = flag.startsWith("--") ? flag : `-${short![1]}`;
      if (CURL_UPLOAD.test(option)) upload(option === "-T" || option === "--upload-file" ? `@${value}` : value, "curl", use);
      if (option === "-o" || option === "--output") outputFile = value;
      if ((option === "-H" || option === "--header") && /\$\(|`|\$\{?[A-Z_]*(TOKEN|KEY|SECRET|PASS)/i.test(value)) {
        use.outbound.push(`curl header carries ${/\$\(|`/.test(value) ? "command output" : "a secret variable"}`);
      }
      if (option === "--url") urls.push(value);
      continue;
    }
    if (!flag.startsWith("-")) urls.push(arg);
  }
  for (const url of urls) addUrl(use, url, "curl");
  if (outputFile !== null && outputFile !== "-") use.savesTo.push(outputFile);
  if (remoteName) for (const url of urls) use.savesTo.push(url.replace(/[?#].*$/, "").replace(/^.*\//, ""));
  use.fetchesToStdout = (outputFile === null || outputFile === "-") && !remoteName;
}

function upload(value: string, via: string, use: NetworkUse): void {
  // -F name=@file / -d @file / -T file: the file's content is sent.
  const at = value.startsWith("@") ? value.slice(1) : /^[^=]+=@/.test(value) ? value.slice(value.indexOf("=@") + 2).replace(/;.*$/, "") : null;
  if (at === "-" || value === "-") {
    use.sendsStdin = true;
    use.outbound.push(`${via} sends its standard input`);
  } else if (at !== null) {
    use.uploads.push(at);
    use.outbound.push(`${via} uploads the file ${at}`);
  } else {
    use.outbound.push(/\$\(|`/.test(value) ? `${via} sends command output` : `${via} sends data (${Math.min(value.length, 9999)} characters)`);
  }
}

function wget(args: readonly string[], use: NetworkUse): void {
  let toStdout = false;
  let toFile: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const combined = /^-[a-zA-Z]*O(.*)$/.exec(arg);
    if (combined && !arg.startsWith("--")) {
      const value = combined[1] || args[++i] || "";
      if (value === "-") toStdout = true;
      else toFile = value;
      continue;
    }
    if (flag === "--output-document") {
      const value = inline ?? args[++i] ?? "";
      if (value === "-") toStdout = true;
      else toFile = value;
      continue;
    }
    if (WGET_UPLOAD.test(flag)) {
      const value = inline ?? args[++i] ?? "";
      if (flag.endsWith("file")) {
        use.uploads.push(value);
        use.outbound.push(`wget uploads the file ${value}`);
      } else use.outbound.push(/\$\(|`/.test(value) ? "wget sends command output" : "wget posts data");
      continue;
    }
    if (flag.startsWith("-") && WGET_VALUED.test(flag)) {
      if (inline === undefined) i++;
      continue;
    }
    if (flag.startsWith("-")) continue;
    addUrl(use, arg, "wget");
    if (!toFile && !toStdout) use.savesTo.push(arg.replace(/[?#].*$/, "").replace(/\/$/, "").replace(/^.*\//, "") || "index.html");
  }
  if (toFile) use.savesTo.push(toFile);
  use.fetchesToStdout = toStdout;
}

function generic(program: string, args: readonly string[], use: NetworkUse): void {
  for (const arg of args) if (!arg.startsWith("-") && /[./:]/.test(arg)) addUrl(use, arg, program);
  use.fetchesToStdout = true;
}

function netcat(program: string, args: readonly string[], stdinPiped: boolean, use: NetworkUse): void {
  const words: string[] = [];
  let listening = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^-[a-zA-Z]*l/.test(arg)) listening = true;
    if (/^-[eciIOpPqsTVwWxX]$/.test(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith("-")) words.push(arg);
  }
  if (listening) return;
  const joinsProgram = args.some((a) => /^-[a-zA-Z]*[ec]$/.test(a) || a === "--exec" || a === "--sh-exec");
  const [host, port] = words;
  if (!host) return;
  const destination = hostAndPort(host, port && /^\d+$/.test(port) ? Number(port) : null, program === "telnet" ? "telnet" : "tcp");
  if (!destination) return;
  use.targets.push({ ...destination, via: program });
  if (joinsProgram) use.outbound.push(`${program} joins a program to a socket on ${destination.host} (-e/-c)`);
  if (stdinPiped) {
    use.sendsStdin = true;
    use.outbound.push(`${program} sends its standard input to ${destination.host}`);
  }
  use.fetchesToStdout = true;
}

function socat(args: readonly string[], use: NetworkUse): void {
  for (const arg of args) {
    const m = /^(?:tcp|tcp4|tcp6|udp|udp4|udp6|openssl|ssl)(?:-connect)?:([^,]+?):(\d+)/i.exec(arg);
    if (!m) continue;
    const destination = hostAndPort(m[1]!, Number(m[2]), "tcp");
    if (destination) use.targets.push({ ...destination, via: "socat" });
    if (args.some((a) => /^(exec|system):/i.test(a))) use.outbound.push("socat joins a shell to a remote socket");
  }
  use.fetchesToStdout = true;
}

function opensslClient(args: readonly string[], use: NetworkUse): void {
  const at = args.indexOf("-connect");
  const value = at >= 0 ? args[at + 1] : undefined;
  if (!value) return;
  const destination = parseDestination(value, "tls");
  if (destination) use.targets.push({ ...destination, port: destination.port ?? 443, via: "openssl s_client" });
}

function ssh(program: string, args: readonly string[], stdinPiped: boolean, use: NetworkUse): void {
  let port: number | null = null;
  let target: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-p" || arg === "-P") {
      port = Number(args[i + 1]) || null;
      i++;
      continue;
    }
    if (SSH_VALUED.test(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    target = arg;
    break;
  }
  if (!target) return;
  const host = target.replace(/^ssh:\/\//, "").replace(/^[^@]*@/, "").replace(/:.*$/, "");
  const destination = hostAndPort(host, port, "ssh");
  if (!destination) return;
  use.targets.push({ ...destination, via: program });
  if (stdinPiped) {
    use.sendsStdin = true;
    use.outbound.push(`${program} sends its standard input to ${destination.host}`);
  }
}

function copyRemote(program: string, args: readonly string[], use: NetworkUse): void {
  const operands = args.filter((a, i) => !a.startsWith("-") && !/^-[PiFoSe]$/.test(args[i - 1] ?? ""));
  const remote = (word: string) => /^(?:[^@/\s]+@)?(\[[0-9a-f:]+\]|[^:/\s]+):/i.exec(word);
  const last = operands.at(-1);
  for (const operand of operands) {
    const m = remote(operand) ?? (/^rsync:\/\//.test(operand) ? /^rsync:\/\/(?:[^@/]+@)?([^/:]+)/.exec(operand) : null);
    if (!m) continue;
    const destination = hostAndPort(m[1]!, null, program === "rsync" && operand.startsWith("rsync:") ? "rsync" : "ssh");
    if (!destination) continue;
    use.targets.push({ ...destination, via: program });
    if (operand === last) {
      const sources = operands.slice(0, -1).filter((s) => !remote(s));
      for (const source of sources) use.uploads.push(source);
      if (sources.length > 0) use.outbound.push(`${program} copies ${sources.join(", ")} to ${destination.host}`);
    }
  }
}

function git(args: readonly string[], use: NetworkUse): void {
  const sub = args.find((a) => !a.startsWith("-"));
  if (!sub || !["push", "pull", "fetch", "clone", "ls-remote", "remote", "submodule"].includes(sub)) return;
  const operands = args.slice(args.indexOf(sub) + 1).filter((a) => !a.startsWith("-"));
  for (const operand of operands) {
    let destination: Destination | null = null;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(operand)) destination = parseDestination(operand, "https");
    else {
      const scpLike = /^(?:[^@/\s]+@)?([a-z0-9.-]+\.[a-z]{2,}):(?!\/\/)/i.exec(operand);
      if (scpLike) destination = hostAndPort(scpLike[1]!, null, "ssh");
    }
    if (!destination) continue;
    use.targets.push({ ...destination, via: `git ${sub}` });
    if (sub === "push") use.outbound.push(`git push to ${destination.host}`);
  }
}

function dns(program: string, args: readonly string[], use: NetworkUse): void {
  const names: string[] = [];
  let server: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("@")) server = arg.slice(1);
    else if (/^-[pqtcxkybf]$|^-type$|^-port$/.test(arg)) i++;
    else if (!arg.startsWith("-") && !arg.startsWith("+") && !/^(A|AAAA|MX|TXT|NS|CNAME|SOA|PTR|SRV|ANY|CAA|IN|CH)$/i.test(arg)) names.push(arg);
  }
  // nslookup name server / host name server: the second operand is the server.
  if ((program === "nslookup" || program === "host") && names.length >= 2) server = names.pop()!;
  if (server) {
    const destination = hostAndPort(server, 53, "dns");
    if (destination) use.targets.push({ ...destination, via: `${program} (resolver)` });
  }
  for (const name of names) addDns(use, name, program);
}

function addDns(use: NetworkUse, name: string, via: string): void {
  // `$(cat secret | base64).attacker.tld`: the domain after the substitution still gets the query.
  const domain = name.replace(/^.*[)`}]\.?/, "").replace(/\.$/, "");
  const destination = parseDestination(domain, "dns");
  if (!destination) {
    const why = dnsNameCarriesData(name);
    if (why) use.outbound.push(`${via} lookup: ${why}`);
    return;
  }
  use.targets.push({ ...destination, port: 53, scheme: "dns", via });
  const why = dnsNameCarriesData(name);
  if (why) use.outbound.push(`${via} lookup of ${destination.host}: ${why}`);
}
