/**
 * Which container holds a user's blobs: `--container` wins, else the `--users` map, else the
 * template (`oclog-{user}`). The user id comes from a command line and ends up in a container
 * name, a case folder and queries, so it is checked strictly before any of that, and so is
 * every container name that comes out.
 *
 * Users map file (`--users FILE`), either form:
 *   - a JSON object: `{"alice": "oclog-alice", "bob": "team-b-logs"}`
 *   - lines `user container` (spaces, tabs or one comma between them); `#` starts a comment,
 *     blank lines are ignored.
 * Every entry is checked, not only the one asked for, so a broken file is found at once.
 */
import { readFile } from "node:fs/promises";
import { UsageError } from "@oclog/errors";
import { UserId } from "@oclog/schema";
import { DEFAULT_CONTAINER_TEMPLATE } from "../defaults.js";
import { quoteUntrusted } from "../sensitive.js";

export { DEFAULT_CONTAINER_TEMPLATE };

// Azure: 3-63 chars, lowercase letters, digits and dashes, starts and ends with a letter or
// digit, no two dashes in a row.
const CONTAINER = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;
const USER_HINT = "a user id is 1-63 lowercase letters, digits and inner dashes, e.g. alice or team-7";
const CONTAINER_RULES = "container names are 3-63 lowercase letters, digits and single dashes, starting and ending with a letter or digit";

/** Returns the user id if it is strictly valid; UsageError showing the value safely otherwise. */
export function validateUserId(value: unknown, flag = "--user"): string {
  if (typeof value === "string" && UserId.safeParse(value).success) return value;
  throw new UsageError(`${flag}: ${quoteUntrusted(value)} is not a valid user id`, { hint: USER_HINT, context: { flag } });
}

/** Returns the name if Azure accepts it as a container name; UsageError saying where it came from otherwise. */
export function validateContainerName(value: unknown, origin: string): string {
  if (typeof value === "string" && CONTAINER.test(value)) return value;
  throw new UsageError(`${origin}: ${quoteUntrusted(value)} is not a valid container name`, { hint: CONTAINER_RULES, context: { origin } });
}

/** The container from a template: every `{user}` replaced; the template must contain one. */
export function renderContainerTemplate(template: string, user: string): string {
  const origin = "--container-template";
  if (!template.includes("{user}")) {
    // Without {user} every user would read the same container: one user's case with another's logs.
    throw new UsageError(`${origin}: ${quoteUntrusted(template)} has no {user} placeholder`, {
      hint: `use a template such as ${DEFAULT_CONTAINER_TEMPLATE}, or --container NAME for one container`,
      context: { origin },
    });
  }
  const rendered = template.split("{user}").join(validateUserId(user));
  if (/[{}]/.test(rendered)) {
    throw new UsageError(`${origin}: ${quoteUntrusted(template)} has a placeholder other than {user}`, {
      hint: `use a template such as ${DEFAULT_CONTAINER_TEMPLATE}`,
      context: { origin },
    });
  }
  return validateContainerName(rendered, `${origin} ${quoteUntrusted(template)} with user ${user}`);
}

/** Parses a users map (JSON object or `user container` lines); every entry validated; `file` names it in errors. */
export function parseUsersMap(text: string, file: string): Map<string, string> {
  const source = quoteUntrusted(file, 200);
  const map = new Map<string, string>();
  const add = (user: unknown, container: unknown, where: string) => {
    const id = validateUserId(user, `${source} ${where}`);
    if (map.has(id)) {
      throw new UsageError(`${source} ${where}: user ${id} is listed twice`, { hint: "keep one entry per user", context: { file } });
    }
    map.set(id, validateContainerName(container, `${source} ${where}`));
  };
  const body = text.replace(/^\uFEFF/, "");
  if (/^\s*[{[]/.test(body)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new UsageError(`${source}: not valid JSON: ${quoteUntrusted((error as Error).message, 120)}`, {
        hint: 'write {"alice": "oclog-alice"} or one "user container" pair per line',
        context: { file },
      });
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new UsageError(`${source}: expected a JSON object of user -> container`, { hint: '{"alice": "oclog-alice"}', context: { file } });
    }
    for (const [user, container] of Object.entries(parsed)) add(user, container, `entry ${quoteUntrusted(user)}`);
    return map;
  }
  body.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const fields = line.split(/\s*,\s*|\s+/);
    if (fields.length !== 2) {
      throw new UsageError(`${source} line ${index + 1}: expected "user container", got ${quoteUntrusted(raw)}`, {
        hint: "one pair per line, e.g. alice oclog-alice (or alice,oclog-alice)",
        context: { file, line: index + 1 },
      });
    }
    add(fields[0], fields[1], `line ${index + 1}`);
  });
  return map;
}

export interface ContainerChoice {
  /** The user id, validated. */
  user: string;
  /** The container name, validated against Azure's rules. */
  container: string;
  /** Where the name came from, for the case record. */
  via: "--container" | "--users" | "--container-template";
}

export interface ContainerOptions {
  container?: string | undefined;
  /** Contents of the `--users` file, already read, with the path for messages. */
  usersMap?: { text: string; source: string } | undefined;
  template?: string | undefined;
}

/** Decides the container for a user from already-read inputs (pure). */
export function chooseContainer(user: unknown, options: ContainerOptions = {}): ContainerChoice {
  const id = validateUserId(user);
  if (options.container !== undefined) {
    return { user: id, container: validateContainerName(options.container, "--container"), via: "--container" };
  }
  if (options.usersMap !== undefined) {
    const map = parseUsersMap(options.usersMap.text, options.usersMap.source);
    const container = map.get(id);
    if (container === undefined) {
      // Falling back to the template here could read some other container that happens to exist.
      throw new UsageError(`user ${id} is not in the users map ${quoteUntrusted(options.usersMap.source, 200)}`, {
        hint: `add a line "${id} <container>" to it, or pass --container NAME`,
        context: { user: id, source: options.usersMap.source },
      });
    }
    return { user: id, container, via: "--users" };
  }
  return { user: id, container: renderContainerTemplate(options.template ?? DEFAULT_CONTAINER_TEMPLATE, id), via: "--container-template" };
}

/** Reads the `--users` file (when given) and decides the container. */
export async function containerForUser(
  user: unknown,
  options: { container?: string | undefined; usersFile?: string | undefined; template?: string | undefined } = {},
): Promise<ContainerChoice> {
  // Validate first: nothing about a hostile user id should cause file access.
  validateUserId(user);
  let usersMap: ContainerOptions["usersMap"];
  if (options.container === undefined && options.usersFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.usersFile, "utf8");
    } catch (error) {
      throw new UsageError(`--users: cannot read ${quoteUntrusted(options.usersFile, 200)} (${(error as NodeJS.ErrnoException).code ?? "error"})`, {
        hint: "pass the path of a users map file, or --container NAME",
        context: { file: options.usersFile },
      });
    }
    usersMap = { text, source: options.usersFile };
  }
  return chooseContainer(user, { container: options.container, usersMap, template: options.template });
}
