// A stand-in for the Datadog agent, enough for dd-trace 6: it answers /info,
// takes trace payloads (msgpack, PUT or POST /v0.4/traces and /v0.5/traces)
// and keeps every span with its meta tags. Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from '@msgpack/msgpack';
import { waitFor } from '../wait-for';

/** One span as the agent received it. Ids are unsigned 64-bit integers. */
export interface AgentSpan {
  traceId: bigint;
  spanId: bigint;
  parentId: bigint;
  name: string;
  resource: string;
  service: string;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
}

export interface FakeAgent {
  /** `http://127.0.0.1:<port>`, for DD_TRACE_AGENT_URL. */
  url: string;
  spans: AgentSpan[];
  requests: RecordedRequest[];
  /** Resolves when at least `count` spans arrived; rejects after `timeoutMs`. */
  waitForSpans(count: number, timeoutMs?: number): Promise<AgentSpan[]>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

const INFO = {
  version: '7.99.0-fanin-fake',
  endpoints: ['/v0.4/traces', '/v0.5/traces', '/info'],
  client_drop_p0s: false,
  span_meta_structs: false,
  config: {},
};

export async function startFakeAgent(): Promise<FakeAgent> {
  const spans: AgentSpan[] = [];
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        const path = (request.url ?? '/').split('?')[0] ?? '/';
        requests.push({
          method: request.method ?? '',
          path,
          contentType: request.headers['content-type'],
        });
        handle(path, body, response, spans);
      },
      () => respond(response, 413, {}),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    async waitForSpans(count, timeoutMs = 30_000) {
      await waitFor(() => spans.length >= count, `${count} spans at the fake agent`, timeoutMs);
      return spans;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(path: string, body: Buffer, response: ServerResponse, spans: AgentSpan[]): void {
  if (path === '/info') {
    respond(response, 200, INFO);
    return;
  }
  if (path === '/v0.4/traces' || path === '/v0.5/traces') {
    try {
      spans.push(...(path === '/v0.4/traces' ? decodeV04(body) : decodeV05(body)));
    } catch (error) {
      respond(response, 400, { error: String(error) });
      return;
    }
    respond(response, 200, { rate_by_service: { 'service:,env:': 1 } });
    return;
  }
  respond(response, 200, {}); // telemetry, stats, config...: accepted and ignored
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        reject(new Error('payload too large'));
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const decodeMsgpack = (body: Buffer): unknown => decode(body, { useBigInt64: true });

const toBigInt = (value: unknown): bigint =>
  typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? value : 0);
const toNumber = (value: unknown): number =>
  typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
const toText = (value: unknown): string => (typeof value === 'string' ? value : String(value));

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value instanceof Map) for (const [k, v] of value) out[toText(k)] = toText(v);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out[k] = toText(v);
  }
  return out;
}

function numberMap(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out[k] = toNumber(v);
  }
  return out;
}

/** v0.4: an array of traces, each an array of span maps. */
export function decodeV04(body: Buffer): AgentSpan[] {
  const traces = decodeMsgpack(body);
  if (!Array.isArray(traces)) throw new Error('v0.4 payload is not an array');
  return traces.flatMap((trace: unknown) => {
    if (!Array.isArray(trace)) throw new Error('v0.4 trace is not an array');
    return trace.map((raw: Record<string, unknown>) => ({
      traceId: toBigInt(raw.trace_id),
      spanId: toBigInt(raw.span_id),
      parentId: toBigInt(raw.parent_id),
      name: toText(raw.name),
      resource: toText(raw.resource),
      service: toText(raw.service),
      meta: stringMap(raw.meta),
      metrics: numberMap(raw.metrics),
    }));
  });
}

/**
 * v0.5: `[strings, traces]`; each span is a 12-element array
 * `[service, name, resource, trace_id, span_id, parent_id, start, duration,
 * error, meta, metrics, type]` whose strings are indexes into `strings`.
 */
export function decodeV05(body: Buffer): AgentSpan[] {
  const payload = decodeMsgpack(body);
  if (!Array.isArray(payload) || payload.length !== 2) throw new Error('v0.5 payload malformed');
  const [strings, traces] = payload as [unknown[], unknown[]];
  const text = (index: unknown): string => toText(strings[toNumber(index)]);
  return traces.flatMap((trace) =>
    (trace as unknown[][]).map((span) => {
      const meta: Record<string, string> = {};
      for (const [k, v] of Object.entries((span[9] ?? {}) as Record<string, unknown>)) {
        meta[text(Number(k))] = text(v);
      }
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries((span[10] ?? {}) as Record<string, unknown>)) {
        metrics[text(Number(k))] = toNumber(v);
      }
      return {
        service: text(span[0]),
        name: text(span[1]),
        resource: text(span[2]),
        traceId: toBigInt(span[3]),
        spanId: toBigInt(span[4]),
        parentId: toBigInt(span[5]),
        meta,
        metrics,
      };
    }),
  );
}
