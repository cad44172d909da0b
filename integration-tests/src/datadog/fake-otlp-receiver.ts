// A stand-in OTLP/HTTP trace receiver for dd-trace's OTLP export mode
// (OTEL_TRACES_EXPORTER=otlp), which sends http/json only: POST /v1/traces with
// an ExportTraceServiceRequest as JSON. Listens on 127.0.0.1 only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  attributes?: OtlpKeyValue[];
  /** Absent when dd-trace found no (parsable) links. */
  links?: OtlpLink[];
  droppedLinksCount?: number;
}

export interface FakeOtlpReceiver {
  /** Full traces endpoint, for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  tracesUrl: string;
  spans: OtlpSpan[];
  contentTypes: string[];
  paths: string[];
  waitForSpans(count: number, timeoutMs?: number): Promise<OtlpSpan[]>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

interface ExportRequest {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

export async function startFakeOtlpReceiver(): Promise<FakeOtlpReceiver> {
  const spans: OtlpSpan[] = [];
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
      contentTypes.push(request.headers['content-type'] ?? '');
      let status = 200;
      if (path === '/v1/traces') {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest;
          for (const resource of body.resourceSpans ?? []) {
            for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
          }
        } catch {
          status = 400; // not JSON: dd-trace 6 would have changed its protocol
        }
      }
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    tracesUrl: `http://127.0.0.1:${port}/v1/traces`,
    spans,
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
