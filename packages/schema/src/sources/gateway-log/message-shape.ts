/**
 * The shape of a gateway log line: its subsystem and its message template (the message with
 * what varies from line to line masked: URLs, paths, ids, numbers, key=value values, quoted
 * text). Every release of the matrix writes its own set of shapes; known-shapes.json lists which
 * release wrote which (generated from test/fixtures/openclaw-<version>/gateway.log by
 * `pnpm shapes:known`), so a line of a shape no release there wrote is counted as unknown, per
 * shape, instead of passing unseen: a new release's new messages show the day it ships.
 */
import { normalize } from "../../normalize.js";
import knownShapes from "./known-shapes.json" with { type: "json" };

/** Which releases of the matrix wrote each shape key (`subsystem<TAB>template`). */
export const KNOWN_GATEWAY_SHAPES: Readonly<Record<string, readonly string[]>> = knownShapes.shapes;

/**
 * The masks, in order. Each pattern is written so that RE2 (DuckDB) reads it as JavaScript does
 * (ASCII classes, `\[` inside a class, no lookaround): messageTemplateSql runs the same table.
 */
const MASKS: ReadonlyArray<[RegExp, string]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\t\n\f\r "'<>]+/gi, "<url>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>"],
  [/(^|[\t\n\f\r =(:'"\[])(?:~|\.{1,2})?\/[^\t\n\f\r "')\]]+/g, "$1<path>"],
  [/\b([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|[^\t\n\f\r ,;)]+)/g, "$1=<*>"],
  [/"[^"\n]{1,300}"/g, '"<*>"'],
  [/\b[0-9a-f]{8,}\b/gi, "<id>"],
  [/[0-9]+(?:\.[0-9]+)?/g, "<n>"],
  [/[\t\n\f\r ]+/g, " "],
];

/** The longest template, in characters. */
const TEMPLATE_CHARS = 160;

/** The message with what varies between lines of one kind masked, cut to 160 characters. */
export function messageTemplate(message: string): string {
  let text = message;
  for (const [pattern, mask] of MASKS) text = text.replace(pattern, mask);
  return [...text.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "")].slice(0, TEMPLATE_CHARS).join("");
}

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** SQL (DuckDB): messageTemplate of a text expression, from the same masks. */
export function messageTemplateSql(expression: string): string {
  let sql = `CAST(${expression} AS VARCHAR)`;
  for (const [pattern, mask] of MASKS) {
    const options = pattern.flags.includes("i") ? "gi" : "g";
    sql = `regexp_replace(${sql}, ${sqlString(pattern.source)}, ${sqlString(mask.replace(/\$(\d)/g, "\\$1"))}, '${options}')`;
  }
  return `left(regexp_replace(${sql}, ${sqlString(String.raw`^[\t\n\f\r ]+|[\t\n\f\r ]+$`)}, '', 'g'), ${TEMPLATE_CHARS})`;
}

/** A gateway log line's shape, or undefined when it does not normalize. */
export interface GatewayShape {
  subsystem: string | null;
  template: string;
}

/** The shape of a gateway log record (its normalized subsystem and message, templated). */
export function gatewayShape(record: unknown): GatewayShape | undefined {
  const result = normalize("gateway-log", record);
  const event = result.ok ? result.events[0] : undefined;
  if (event === undefined) return undefined;
  return { subsystem: event.subsystem, template: messageTemplate(event.message ?? "") };
}

/** The catalog key of a shape. */
export const shapeKey = (shape: GatewayShape): string => `${shape.subsystem ?? ""}\t${shape.template}`;

/** The releases of the matrix that wrote this shape (none: unknown to oclog). */
export function releasesWriting(shape: GatewayShape): readonly string[] {
  return Object.hasOwn(KNOWN_GATEWAY_SHAPES, shapeKey(shape)) ? KNOWN_GATEWAY_SHAPES[shapeKey(shape)]! : [];
}
