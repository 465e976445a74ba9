/**
 * What a code string given to an interpreter (`python3 -c`, `node -e`, `perl -e`, `ruby -e`,
 * `php -r`, or a heredoc fed to one) does, read by looking for the calls that matter: network
 * (sockets, urllib/requests/http, fetch, net.connect, `/dev/tcp`), shelling out (os.system,
 * subprocess, child_process, backticks, system()), fetched code run (exec of a download), and the
 * string literals it names (paths and URLs). It does not parse the language, on purpose: the point
 * is to see intent through any spelling, and a miss here is still a `programs` entry.
 */

/** The findings in one code string. */
export interface CodeFindings {
  /** Language-level network use, as the analyst-readable call that showed it. */
  networkCalls: string[];
  /** URLs and `host`/`port` pairs found in string literals next to a connect call. */
  endpoints: { text: string; port: number | null }[];
  /** Shell commands the code runs (string literals given to os.system, subprocess, exec...). */
  shellCommands: string[];
  /** Whether it also shells out through a call whose argument is not a literal. */
  shellsOut: boolean;
  /** The code runs what it downloaded (`exec(urlopen(...).read())`, `eval(await (await fetch()).text())`). */
  runsDownloadedCode: boolean;
  /** The code reads the whole environment (`os.environ`, `process.env`, `%ENV`), where API keys live. */
  dumpsEnvironment: boolean;
  /** Base64 literals the code decodes (`b64decode('...')`, `Buffer.from('...', 'base64')`, `atob('...')`), decoded. */
  decodedLiterals: string[];
  /** The code evaluates a string (`exec(`, `eval(`, `new Function(`): decoded literals are then run. */
  evaluates: boolean;
  /** Every string literal that looks like a path: the classifier checks them against the catalogue. */
  pathLiterals: string[];
}

/** Interpreters whose inline code this module reads, and the flags that carry the code. */
export const CODE_FLAGS: Record<string, readonly string[]> = {
  python: ["-c"],
  node: ["-e", "--eval", "-p", "--print"],
  deno: ["eval"],
  bun: ["-e", "--eval"],
  perl: ["-e", "-E"],
  ruby: ["-e"],
  php: ["-r"],
  lua: ["-e"],
};

/** The interpreter family of a program name (`python3.11` -> python), or null. */
export function interpreterFamily(program: string): string | null {
  if (/^python[0-9.]*$|^pypy[0-9.]*$/.test(program)) return "python";
  if (program === "node" || program === "nodejs") return "node";
  if (/^(perl|ruby|php|lua|deno|bun)[0-9.]*$/.test(program)) return program.replace(/[0-9.]+$/, "");
  return null;
}

const NETWORK_CALLS: [RegExp, string][] = [
  [/\bsocket\s*\.\s*(socket|create_connection)\b|\bimport\s+socket\b|\bfrom\s+socket\s+import\b/, "python socket"],
  [/\burllib(\d)?\b|\burlopen\s*\(/, "python urllib"],
  [/\brequests\s*\.\s*(get|post|put|patch|delete|request|Session)\b|\bhttpx\b|\baiohttp\b/, "python requests/httpx"],
  [/\bhttp\.client\b|\bHTTPS?Connection\b|\bftplib\b|\bsmtplib\b|\btelnetlib\b|\bparamiko\b/, "python http.client/ftplib/smtplib"],
  [/\brequire\s*\(\s*['"`](node:)?(net|tls|dgram|http|https|http2)['"`]\s*\)|\bfrom\s+['"`](node:)?(net|tls|dgram|http|https)['"`]/, "node net/http module"],
  [/\bnet\s*\.\s*(connect|createConnection|Socket)\b|\btls\s*\.\s*connect\b|\bdgram\s*\.\s*createSocket\b/, "node net.connect"],
  [/\bhttps?\s*\.\s*(get|request)\s*\(/, "node http.request"],
  [/\bfetch\s*\(/, "fetch()"],
  [/\bXMLHttpRequest\b|\bWebSocket\s*\(/, "XMLHttpRequest/WebSocket"],
  [/\bIO::Socket\b|\bLWP::|\bHTTP::Tiny\b|\bNet::HTTP\b|\bTCPSocket\b|\bUDPSocket\b|\bopen-uri\b|\bURI\.open\b|\bSocket\s*\.\s*(tcp|new)\b/, "perl/ruby socket or HTTP"],
  [/\bfsockopen\s*\(|\bstream_socket_client\s*\(|\bcurl_exec\s*\(|\bfile_get_contents\s*\(\s*['"]https?:/, "php socket/HTTP"],
  [/\/dev\/(tcp|udp)\//, "/dev/tcp redirection"],
];

const SHELL_CALLS = /\bos\s*\.\s*(system|popen|exec[lv]p?e?|spawn[lv]p?e?)\s*\(|\bsubprocess\s*\.\s*\w+\s*\(|\bpty\s*\.\s*spawn\s*\(|\bchild_process\b|\bexecSync\s*\(|\bspawnSync\s*\(|\bexec(File)?\s*\(|\bspawn\s*\(|\bsystem\s*\(|\bpassthru\s*\(|\bshell_exec\s*\(|\bproc_open\s*\(|\bpopen\s*\(|`[^`]+`|%x\{|\bIO\.popen\b|\bOpen3\b|\bDeno\.Command\b|\bBun\.spawn\b/;

const DOWNLOAD_THEN_RUN = /\b(exec|eval)\s*\(\s*(?:await\s*\(?\s*)*(?:urllib\S*\.)?(urlopen|requests\.get|fetch|http\S*\.get|get)\s*\(|\b(exec|eval)\s*\([^)]*\b(urlopen|requests\.get|fetch)\b|\bnew\s+Function\s*\([^)]*\bfetch\b|\beval\s*\(\s*(?:LWP::Simple::)?get\s*\(|\beval\s*\(\s*(?:URI\.open|open)\s*\(\s*['"]https?:/;

// The environment as a whole (dumped, iterated, serialised), not one named variable.
const WHOLE_ENVIRONMENT = /\bos\s*\.\s*environ\b(?!\s*(\[|\.\s*get\s*\())|\bprocess\s*\.\s*env\b(?!\s*(\.|\[))|%ENV\b|\bENV\s*\.\s*(to_h|each|map|inspect)\b|\bgetenv\s*\(\s*\)/;

const BASE64_LITERAL = /\bb64decode\s*\(\s*b?['"]([A-Za-z0-9+/=\s]{8,100000})['"]|\bBuffer\.from\s*\(\s*['"]([A-Za-z0-9+/=]{8,100000})['"]\s*,\s*['"]base64['"]|\batob\s*\(\s*['"]([A-Za-z0-9+/=]{8,100000})['"]|\bdecode_base64\s*\(\s*['"]([A-Za-z0-9+/=]{8,100000})['"]/g;

const STRING_LITERAL = /'((?:[^'\\\n]|\\.){1,2000})'|"((?:[^"\\\n]|\\.){1,2000})"|`([^`]{1,2000})`/g;

/** Reads one interpreter code string; bounded by the length of `code` (linear regexes only). */
export function inspectCode(code: string): CodeFindings {
  const sample = code.length > 200_000 ? code.slice(0, 200_000) : code;
  const networkCalls = NETWORK_CALLS.filter(([pattern]) => pattern.test(sample)).map(([, label]) => label);
  const literals = [...sample.matchAll(STRING_LITERAL)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
  const endpoints: CodeFindings["endpoints"] = [];
  for (const literal of literals) {
    if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(literal) && !/^file:/i.test(literal)) endpoints.push({ text: literal, port: null });
  }
  // connect(("host", 4444)), create_connection(("h", 80)), net.connect(4444, "h"), {host: "h", port: 4444}
  for (const m of sample.matchAll(/\(\s*\(?\s*['"]([^'"\s]{1,255})['"]\s*,\s*(\d{1,5})\s*\)/g)) endpoints.push({ text: m[1]!, port: Number(m[2]) });
  for (const m of sample.matchAll(/\b(?:connect|createConnection|Socket)\s*\(\s*(\d{1,5})\s*,\s*['"]([^'"\s]{1,255})['"]/g)) endpoints.push({ text: m[2]!, port: Number(m[1]) });
  for (const m of sample.matchAll(/\bhost\s*:\s*['"]([^'"\s]{1,255})['"]\s*,\s*port\s*:\s*(\d{1,5})/g)) endpoints.push({ text: m[1]!, port: Number(m[2]) });
  for (const m of sample.matchAll(/(?:PeerAddr\s*=>\s*|TCPSocket\.(?:new|open)\s*\(\s*|fsockopen\s*\(\s*|stream_socket_client\s*\(\s*['"]tcp:\/\/)['"]?([^'":\s,)]{1,255})['"]?\s*[,:]\s*['"]?(\d{1,5})/g)) {
    endpoints.push({ text: m[1]!, port: Number(m[2]) });
  }
  for (const m of sample.matchAll(/\/dev\/(?:tcp|udp)\/([^/\s'"]{1,255})\/(\d{1,5})/g)) endpoints.push({ text: m[1]!, port: Number(m[2]) });
  const shellCommands: string[] = [];
  for (const m of sample.matchAll(/\b(?:system|popen|check_output|check_call|call|run|Popen|getoutput|getstatusoutput|execSync|exec|spawnSync|shell_exec|passthru)\s*\(\s*(?:\[\s*)?['"]((?:[^'"\\\n]|\\.){1,2000})['"]/g)) shellCommands.push(m[1]!);
  const pathLiterals = literals.filter((l) => !/\s/.test(l) && /^(~|\/|\.{0,2}\/|\$HOME)|^\.[\w-]+$|\/\.[\w-]/.test(l) && !/^[a-z]+:\/\//i.test(l));
  return {
    networkCalls,
    endpoints,
    shellCommands,
    shellsOut: SHELL_CALLS.test(sample),
    runsDownloadedCode: DOWNLOAD_THEN_RUN.test(sample),
    dumpsEnvironment: WHOLE_ENVIRONMENT.test(sample),
    decodedLiterals: [...sample.matchAll(BASE64_LITERAL)].map((m) => Buffer.from(m[1] ?? m[2] ?? m[3] ?? m[4] ?? "", "base64").toString("utf8")).filter((text) => text.length > 0),
    evaluates: /\b(exec|eval)\s*\(|\bnew\s+Function\s*\(|\bcompile\s*\(/.test(sample),
    pathLiterals,
  };
}
