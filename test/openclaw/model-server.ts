// A scripted, deterministic OpenAI-compatible chat-completions server.
//
// OpenClaw talks to it as a custom provider (`api: "openai-completions"`), so a
// real agent runs real tools without any internet access. What the "model"
// answers depends only on the conversation it is sent, never on timing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One tool call the scripted model makes. */
export interface ScriptedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** One assistant turn: either tool calls or a final text answer. */
export type ScriptTurn =
  | { kind: "tool_calls"; calls: ScriptedToolCall[] }
  | { kind: "text"; text: string };

/**
 * A conversation the model knows how to play. It is selected when the latest
 * user message contains `trigger`; the turn played is the number of assistant
 * messages already sent after that user message, so replays are deterministic.
 */
export interface ScriptedConversation {
  trigger: string;
  turns: ScriptTurn[];
}

/** The whole script plus the answer for requests that match no conversation. */
export interface ModelScript {
  conversations: ScriptedConversation[];
  // OpenClaw can issue side requests (titles, summaries); they get this text.
  fallbackText?: string;
}

/** A request the server received, kept for assertions and debugging. */
export interface RecordedRequest {
  method: string;
  path: string;
  receivedAt: string;
  headers: Record<string, string>;
  body: unknown;
  // Which conversation/turn answered it (null when the fallback answered).
  matched: { trigger: string; turn: number } | null;
}

/** Handle of a running model server. */
export interface ModelServer {
  baseUrl: string;
  port: number;
  modelId: string;
  requests: RecordedRequest[];
  /** Tool names OpenClaw offered in the most recent chat request that listed tools. */
  offeredTools(): string[];
  close(): Promise<void>;
}

interface ChatMessage {
  role?: string;
  content?: unknown;
  tool_calls?: unknown;
}

interface ChatRequest {
  model?: string;
  stream?: boolean;
  messages?: ChatMessage[];
  tools?: Array<{ type?: string; function?: { name?: string } }>;
  stream_options?: { include_usage?: boolean };
}

/** Flattens OpenAI message content (string or parts array) into plain text. */
export function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => {
        if (typeof part === "string") return part;
        if (part && typeof part === "object" && "text" in part && typeof part.text === "string") return part.text;
        return "";
      })
      .join("");
  }
  return "";
}

/** Picks the scripted turn for a conversation, or null when nothing matches. */
export function chooseTurn(
  script: ModelScript,
  messages: ChatMessage[],
): { conversation: ScriptedConversation; turnIndex: number; turn: ScriptTurn } | null {
  // OpenClaw appends its own user-role context blocks (active exec sessions,
  // subagents) after the real prompt, so look for the latest user message
  // that carries a trigger rather than the very last one.
  let lastUser = -1;
  let conversation: ScriptedConversation | undefined;
  for (let i = messages.length - 1; i >= 0 && !conversation; i--) {
    if (messages[i]?.role !== "user") continue;
    const text = messageText(messages[i]?.content);
    conversation = script.conversations.find((c) => text.includes(c.trigger));
    if (conversation) lastUser = i;
  }
  if (!conversation) return null;
  const turnIndex = messages.slice(lastUser + 1).filter((m) => m.role === "assistant").length;
  // Past the end of the script, keep repeating the final text turn so a
  // retrying client can never make the model call tools again.
  const turn = conversation.turns[turnIndex] ?? lastTextTurn(conversation);
  return { conversation, turnIndex, turn };
}

function lastTextTurn(conversation: ScriptedConversation): ScriptTurn {
  const texts = conversation.turns.filter((t) => t.kind === "text");
  return texts[texts.length - 1] ?? { kind: "text", text: "done" };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const USAGE = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };

function completionBody(id: string, model: string, turn: ScriptTurn): unknown {
  const message =
    turn.kind === "text"
      ? { role: "assistant", content: turn.text }
      : {
          role: "assistant",
          content: null,
          tool_calls: turn.calls.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.name, arguments: JSON.stringify(c.arguments) },
          })),
        };
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: turn.kind === "text" ? "stop" : "tool_calls" }],
    usage: USAGE,
  };
}

function streamTurn(res: ServerResponse, id: string, model: string, turn: ScriptTurn, includeUsage: boolean): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: unknown, finish: string | null): void => {
    const payload = { id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] };
    res.write(`data: ${JSON.stringify(payload)}\n\n`);
  };
  chunk({ role: "assistant", content: "" }, null);
  if (turn.kind === "text") {
    // Two content deltas so the client really assembles a stream.
    const mid = Math.ceil(turn.text.length / 2);
    chunk({ content: turn.text.slice(0, mid) }, null);
    chunk({ content: turn.text.slice(mid) }, null);
    chunk({}, "stop");
  } else {
    turn.calls.forEach((c, index) => {
      const args = JSON.stringify(c.arguments);
      chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }, null);
      // Split the arguments so OpenClaw's delta accumulation is exercised.
      const mid = Math.ceil(args.length / 2);
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, mid) } }] }, null);
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(mid) } }] }, null);
    });
    chunk({}, "tool_calls");
  }
  if (includeUsage) {
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: USAGE })}\n\n`);
  }
  res.write("data: [DONE]\n\n");
  res.end();
}

/** Starts the scripted model server on 127.0.0.1 with an OS-chosen port. */
export async function startModelServer(script: ModelScript, opts: { modelId?: string } = {}): Promise<ModelServer> {
  const modelId = opts.modelId ?? "oclog-scripted";
  const requests: RecordedRequest[] = [];
  let counter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = req.method === "POST" ? await readBody(req) : "";
    let body: unknown = raw;
    try {
      body = raw ? (JSON.parse(raw) as unknown) : null;
    } catch {
      // Keep the raw text: a malformed request is itself worth recording.
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      receivedAt: new Date().toISOString(),
      headers,
      body,
      matched: null,
    };
    requests.push(record);

    const path = url.pathname.replace(/\/+$/, "");
    if (req.method === "GET" && path.endsWith("/models")) {
      sendJson(res, 200, { object: "list", data: [{ id: modelId, object: "model", created: 0, owned_by: "oclog" }] });
      return;
    }
    if (req.method === "POST" && path.endsWith("/chat/completions")) {
      const chat = (body && typeof body === "object" ? body : {}) as ChatRequest;
      const choice = chooseTurn(script, Array.isArray(chat.messages) ? chat.messages : []);
      const turn: ScriptTurn = choice?.turn ?? { kind: "text", text: script.fallbackText ?? "ok" };
      record.matched = choice ? { trigger: choice.conversation.trigger, turn: choice.turnIndex } : null;
      const id = `chatcmpl-oclog-${++counter}`;
      const model = chat.model ?? modelId;
      if (chat.stream) streamTurn(res, id, model, turn, chat.stream_options?.include_usage === true);
      else sendJson(res, 200, completionBody(id, model, turn));
      return;
    }
    sendJson(res, 404, { error: { message: `no route ${req.method} ${url.pathname}`, type: "not_found" } });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: "server_error" } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    modelId,
    requests,
    offeredTools() {
      for (let i = requests.length - 1; i >= 0; i--) {
        const b = requests[i]?.body as ChatRequest | null;
        if (b && Array.isArray(b.tools) && b.tools.length > 0) {
          return b.tools.map((t) => t.function?.name ?? "").filter(Boolean);
        }
      }
      return [];
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
