/**
 * The target fields the normalizer reads from a tool call's arguments (packages/schema's
 * event-builder.ts `targetFromArguments` and `hostOf`, which @oclog/schema does not export). Kept
 * the same here so a corpus event has the columns a captured one would: `apply_patch`'s `input`
 * gives no path, a URL without a scheme gives no host.
 */
export interface ArgumentTarget {
  command?: string;
  path?: string;
  url?: string;
}

export function targetFromArguments(args: Record<string, unknown>): ArgumentTarget {
  const pick = (...keys: string[]) => {
    for (const key of keys) if (typeof args[key] === "string") return args[key] as string;
    return undefined;
  };
  const out: ArgumentTarget = {};
  const command = pick("command", "cmd", "script");
  const path = pick("path", "file_path", "filePath", "file");
  const url = pick("url", "href", "uri");
  if (command !== undefined) out.command = command;
  if (path !== undefined) out.path = path;
  if (url !== undefined) out.url = url;
  return out;
}

export function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}
