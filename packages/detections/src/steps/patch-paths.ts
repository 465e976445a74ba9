/**
 * The file paths an `apply_patch` call touches, read from its only argument, the patch text
 * (`*** Add File:`, `*** Update File:`, `*** Delete File:`, `*** Move to:` lines; format in
 * https://docs.openclaw.ai/tools/apply-patch).
 */

/** One file operation of a patch. */
export interface PatchPath {
  operation: "add" | "update" | "delete" | "move";
  path: string;
}

const HEADER = /^\*\*\*\s*(Add File|Update File|Delete File|Move to):\s*(.+?)\s*$/gim;

/** Every path a patch adds, updates, deletes or moves a file to, in order. */
export function patchPaths(patch: string): PatchPath[] {
  const paths: PatchPath[] = [];
  for (const match of patch.matchAll(HEADER)) {
    const verb = match[1]!.toLowerCase();
    const operation = verb.startsWith("add") ? "add" : verb.startsWith("update") ? "update" : verb.startsWith("delete") ? "delete" : "move";
    paths.push({ operation, path: match[2]! });
  }
  return paths;
}
