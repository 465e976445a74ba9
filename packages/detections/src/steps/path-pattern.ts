/**
 * The catalogue's path patterns, compiled once to regular expressions, and the path normalisation
 * they are matched against. A pattern is anchored by its first character: `/` at the root, `~/` at
 * the home directory, `{workspace}/` at the agent workspace (a relative path, or one under
 * `.openclaw/workspace*`), anything else at any folder boundary. `*` stays within one segment, `**`
 * crosses segments, a trailing `/**` also matches the folder itself.
 */

/** A compiled pattern: `test` says whether a normalised path matches. */
export interface PathPattern {
  source: string;
  test(normalisedPath: string): boolean;
}

/** Compiles one catalogue pattern. */
export function compilePathPattern(pattern: string): PathPattern {
  let body = pattern;
  let prefix: string;
  if (body.startsWith("{workspace}/")) {
    body = body.slice("{workspace}/".length);
    // Relative paths resolve against the workspace (the agent's cwd); absolute ones name it.
    prefix = "(?:(?![/~])|(?:.*/)?\\.openclaw/workspace[^/]*/)";
  } else if (body.startsWith("~/")) {
    body = body.slice(2);
    prefix = "~/";
  } else if (body.startsWith("/")) {
    body = body.slice(1);
    prefix = "/";
  } else {
    prefix = "(?:.*/)?";
  }
  let suffix = "";
  if (body.endsWith("/**")) {
    body = body.slice(0, -3);
    suffix = "(?:/.*)?";
  }
  const regex = new RegExp(`^${prefix}${globBody(body)}${suffix}$`, "i");
  return { source: pattern, test: (path) => regex.test(path) };
}

function globBody(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      out += ".*";
      i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

const HOME_FORMS = /^(?:\$HOME|\$\{HOME\}|\/home\/[^/]+|\/root|\/Users\/[^/]+)(?=\/|$)/;

/**
 * A path as the catalogue sees it: the home directory written `~` whatever its spelling, `//`,
 * `/./` and trailing slashes folded, quotes gone. `..` is resolved lexically so `a/../.ssh/id_rsa`
 * cannot hide a key.
 */
export function normalisePath(raw: string): string {
  let path = raw.trim().replace(/^["']|["']$/g, "");
  path = path.replace(/^file:\/\//i, "");
  if (path === "~" || path.startsWith("~/")) {
    // already home-relative
  } else if (/^~[a-z_][\w-]*(?=\/|$)/i.test(path)) {
    path = path.replace(/^~[^/]*/, "~");
  } else {
    path = path.replace(HOME_FORMS, "~");
  }
  const absolute = path.startsWith("/");
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." && segments.length > 0 && segments[segments.length - 1] !== ".." && segments[segments.length - 1] !== "~") {
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  const joined = segments.join("/");
  return absolute ? `/${joined}` : joined || (path.startsWith("/") ? "/" : "");
}
