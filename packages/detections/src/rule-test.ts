/**
 * A rule's labelled test events: each a partial normalized `Event` (the `events` table's nested
 * shape) marked `match` or `no-match`. The runner fills what the events leave out (the user and
 * host every test shares) and gives each event its own place (`blob` = the rule file's name,
 * `line` = its position in `tests:`), so a row the rule returns names the test event it came from.
 */
import { z } from "zod";
import { Event } from "@oclog/schema";

/** What a test event is expected to do: be among the rule's rows, or not. */
export const TEST_EXPECTATIONS = ["match", "no-match"] as const;
export type TestExpectation = (typeof TEST_EXPECTATIONS)[number];

/** Values a test event gets unless it says otherwise (the user and VM every test shares). */
export const TEST_EVENT_DEFAULTS = { user: "alice", host: "vm-alice" } as const;

const field = Event.shape;
const genAi = field.gen_ai.shape;

/**
 * A partial normalized Event, refusing unknown keys at every level (a typo must not silently
 * become a NULL column), plus the provenance columns an investigation fills from the container
 * and the blob (the envelope rules read them).
 */
export const TestEvent = z.strictObject({
  time: field.time,
  user: field.user.optional(),
  host: field.host.optional(),
  source: field.source.optional(),
  subsystem: field.subsystem.optional(),
  level: field.level.optional(),
  category: field.category.optional(),
  action: field.action.optional(),
  outcome: field.outcome.optional(),
  session_id: field.session_id.optional(),
  run_id: field.run_id.optional(),
  agent_id: field.agent_id.optional(),
  gen_ai: z
    .strictObject({
      conversation: genAi.conversation.strict().partial().optional(),
      provider: genAi.provider.strict().partial().optional(),
      request: genAi.request.strict().partial().optional(),
      tool: z.strictObject({ name: genAi.tool.shape.name.optional(), call: genAi.tool.shape.call.strict().partial().optional() }).optional(),
    })
    .optional(),
  target: field.target.strict().partial().optional(),
  message: field.message.optional(),
  raw: field.raw.strict().partial().optional(),
  /** The user whose container held the record (an investigation's case user). */
  container_user: z.string().nullable().optional(),
  /** When the record's blob was uploaded (else derived from a Fluent Bit blob name). */
  uploaded_at: z.iso.datetime({ offset: false }).optional(),
  /** The tailed file the record came from (`oclog_path`). */
  envelope_path: z.string().nullable().optional(),
});
export type TestEvent = z.infer<typeof TestEvent>;

/** One labelled test event of a rule. */
export const RuleTest = z.strictObject({
  /** What the event is; near misses say so ("near miss: ..."), context events too ("context: ..."). */
  name: z.string().trim().min(3),
  expect: z.enum(TEST_EXPECTATIONS),
  event: TestEvent,
});
export type RuleTest = z.infer<typeof RuleTest>;

/** An events-table row of a test event: defaults filled, and where it sits (`blob`, `line`). */
export type TestEventRow = TestEvent & { blob: string; line: number };

/** The `blob` every test event of the rule file `<stem>.yml` gets. */
export function testBlobName(stem: string): string {
  return `${stem}.yml`;
}

/** The events-table rows of a rule's tests, in order: test `i` is line `i + 1` of blob `<stem>.yml`. */
export function testEventRows(stem: string, tests: readonly RuleTest[]): TestEventRow[] {
  return tests.map((test, index) => ({ ...TEST_EVENT_DEFAULTS, ...test.event, blob: testBlobName(stem), line: index + 1 }));
}
