// A stand-in OTLP/HTTP receiver: POST /v1/traces and /v1/metrics, as JSON
// (dd-trace's OTLP export mode sends http/json only) or protobuf (the
// OpenTelemetry SDK's default, http/protobuf), decoded to the JSON shape.
// /v1/logs is accepted and ignored. Listens on 127.0.0.1 only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeMetricsRequest, decodeTraceRequest } from '../register/otlp-protobuf';
import { waitFor } from '../wait-for';

export interface OtlpKeyValue {
  key: string;
  value: Record<string, unknown>;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind?: number;
  parentSpanId?: string;
  attributes?: OtlpKeyValue[];
  /** Absent when dd-trace found no (parsable) links. */
  links?: OtlpLink[];
  droppedLinksCount?: number;
}

/** A span with the resource and scope it was exported under. */
export interface ReceivedSpan {
  span: OtlpSpan;
  resource: OtlpKeyValue[];
  scope: string;
}

/** A number point; JSON carries 64-bit integers as numbers or strings. */
export interface OtlpNumberPoint {
  attributes?: OtlpKeyValue[];
  asInt?: number | string;
  asDouble?: number;
}

export interface OtlpHistogramPoint {
  attributes?: OtlpKeyValue[];
  count: number | string;
  sum?: number;
  bucketCounts?: (number | string)[];
  explicitBounds?: number[];
}

export interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints?: OtlpNumberPoint[] };
  gauge?: { dataPoints?: OtlpNumberPoint[] };
  histogram?: { dataPoints?: OtlpHistogramPoint[] };
}

/** A metric with the resource and scope it was exported under. */
export interface ReceivedMetric {
  metric: OtlpMetric;
  resource: OtlpKeyValue[];
  scope: string;
}

export interface FakeOtlpReceiver {
  /** Full traces endpoint, for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  tracesUrl: string;
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (the SDK appends /v1/traces, /v1/metrics). */
  url: string;
  spans: OtlpSpan[];
  /** The spans again, each with its resource attributes and scope name. */
  received: ReceivedSpan[];
  metrics: ReceivedMetric[];
  contentTypes: string[];
  paths: string[];
  waitForSpans(count: number, timeoutMs?: number): Promise<OtlpSpan[]>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

interface ExportMetricsRequest {
  resourceMetrics?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeMetrics?: { scope?: { name?: string }; metrics?: OtlpMetric[] }[];
  }[];
}

const PROTOBUF = 'application/x-protobuf';

function parseBody<T>(
  body: Buffer,
  contentType: string,
  decode: (bytes: Uint8Array) => unknown,
): T {
  return (
    contentType.startsWith(PROTOBUF)
      ? decode(new Uint8Array(body))
      : JSON.parse(body.toString('utf8'))
  ) as T;
}

export async function startFakeOtlpReceiver(): Promise<FakeOtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const received: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const contentTypes: string[] = [];
  const paths: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      paths.push(`${request.method} ${path}`);
      const contentType = request.headers['content-type'] ?? '';
      contentTypes.push(contentType);
      const body = Buffer.concat(chunks);
      let status = 200;
      try {
        if (path === '/v1/traces') {
          const parsed = parseBody<ExportRequest>(body, contentType, decodeTraceRequest);
          for (const resource of parsed.resourceSpans ?? []) {
            for (const scope of resource.scopeSpans ?? []) {
              for (const span of scope.spans ?? []) {
                spans.push(span);
                received.push({
                  span,
                  resource: resource.resource?.attributes ?? [],
                  scope: scope.scope?.name ?? '',
                });
              }
            }
          }
        } else if (path === '/v1/metrics') {
          const parsed = parseBody<ExportMetricsRequest>(body, contentType, decodeMetricsRequest);
          for (const resource of parsed.resourceMetrics ?? []) {
            for (const scope of resource.scopeMetrics ?? []) {
              for (const metric of scope.metrics ?? []) {
                metrics.push({
                  metric,
                  resource: resource.resource?.attributes ?? [],
                  scope: scope.scope?.name ?? '',
                });
              }
            }
          }
        }
      } catch {
        status = 400; // neither JSON nor OTLP protobuf: the exporter changed its protocol
      }
      // An empty Export*ServiceResponse: `{}` in JSON, no bytes in protobuf.
      const protobuf = contentType.startsWith(PROTOBUF);
      response.writeHead(status, { 'content-type': protobuf ? PROTOBUF : 'application/json' });
      response.end(protobuf ? '' : '{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    tracesUrl: `http://127.0.0.1:${port}/v1/traces`,
    url: `http://127.0.0.1:${port}`,
    spans,
    received,
    metrics,
    contentTypes,
    paths,
    async waitForSpans(count, timeoutMs = 30_000) {
      await waitFor(() => spans.length >= count, `${count} spans at the OTLP receiver`, timeoutMs);
      return spans;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
