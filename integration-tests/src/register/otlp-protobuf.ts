// Decodes the OTLP/HTTP protobuf requests the SDK's exporters send
// (ExportTraceServiceRequest, ExportMetricsServiceRequest) into the shape of
// their JSON encoding (camelCase names, hex ids), so one receiver reads both.
// Only the fields the tests read; field numbers from opentelemetry-proto.

type Fields = Map<number, Array<Uint8Array | bigint>>;

/** The fields of one protobuf message: numbers to values (varints and fixed as bigint, length-delimited as bytes). */
function fieldsOf(bytes: Uint8Array): Fields {
  const fields: Fields = new Map();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new Error('protobuf: truncated varint');
      const byte = bytes[at++] as number;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const number = tag >>> 3;
    let value: Uint8Array | bigint;
    switch (tag & 7) {
      case 0:
        value = varint();
        break;
      case 1:
        value = view.getBigUint64(at, true);
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        if (at + length > bytes.length) throw new Error('protobuf: truncated field');
        value = bytes.subarray(at, at + length);
        at += length;
        break;
      }
      case 5:
        value = BigInt(view.getUint32(at, true));
        at += 4;
        break;
      default:
        throw new Error(`protobuf: wire type ${tag & 7} of field ${number}`);
    }
    const list = fields.get(number) ?? [];
    list.push(value);
    fields.set(number, list);
  }
  return fields;
}

const bytesOf = (fields: Fields, n: number): Uint8Array[] =>
  (fields.get(n) ?? []).filter((v): v is Uint8Array => v instanceof Uint8Array);
const numberOf = (fields: Fields, n: number): bigint | undefined => {
  const value = fields.get(n)?.[0];
  return typeof value === 'bigint' ? value : undefined;
};
const text = (fields: Fields, n: number): string | undefined => {
  const value = bytesOf(fields, n)[0];
  return value === undefined ? undefined : Buffer.from(value).toString('utf8');
};
const hex = (fields: Fields, n: number): string =>
  Buffer.from(bytesOf(fields, n)[0] ?? new Uint8Array()).toString('hex');
const double = (bits: bigint): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits, true);
  return view.getFloat64(0, true);
};
const signed64 = (value: bigint): number => Number(BigInt.asIntN(64, value));

function anyValue(bytes: Uint8Array): Record<string, unknown> {
  const fields = fieldsOf(bytes);
  if (fields.has(1)) return { stringValue: text(fields, 1) };
  if (fields.has(2)) return { boolValue: numberOf(fields, 2) === 1n };
  if (fields.has(3)) return { intValue: signed64(numberOf(fields, 3) ?? 0n) };
  if (fields.has(4)) return { doubleValue: double(numberOf(fields, 4) ?? 0n) };
  if (fields.has(5)) {
    const values = bytesOf(fieldsOf(bytesOf(fields, 5)[0] ?? new Uint8Array()), 1).map(anyValue);
    return { arrayValue: { values } };
  }
  return {};
}

function keyValues(fields: Fields, n: number): { key: string; value: Record<string, unknown> }[] {
  return bytesOf(fields, n).map((bytes) => {
    const kv = fieldsOf(bytes);
    return { key: text(kv, 1) ?? '', value: anyValue(bytesOf(kv, 2)[0] ?? new Uint8Array()) };
  });
}

function link(bytes: Uint8Array) {
  const fields = fieldsOf(bytes);
  return {
    traceId: hex(fields, 1),
    spanId: hex(fields, 2),
    traceState: text(fields, 3) ?? '',
    attributes: keyValues(fields, 4),
  };
}

function span(bytes: Uint8Array) {
  const fields = fieldsOf(bytes);
  return {
    traceId: hex(fields, 1),
    spanId: hex(fields, 2),
    parentSpanId: hex(fields, 4),
    name: text(fields, 5) ?? '',
    kind: Number(numberOf(fields, 6) ?? 0n),
    attributes: keyValues(fields, 9),
    links: bytesOf(fields, 13).map(link),
    droppedLinksCount: Number(numberOf(fields, 14) ?? 0n),
  };
}

function resource(fields: Fields) {
  return { attributes: keyValues(fieldsOf(bytesOf(fields, 1)[0] ?? new Uint8Array()), 1) };
}

function scope(bytes: Uint8Array | undefined) {
  const fields = fieldsOf(bytes ?? new Uint8Array());
  return { name: text(fields, 1) ?? '', version: text(fields, 2) ?? '' };
}

/**
 * The resource/scope nesting both requests share (field 1 of the request:
 * resource 1, scopes 2; each scope: scope 1, items 2), with the JSON names.
 */
function byResourceAndScope<T>(
  body: Uint8Array,
  names: { resources: string; scopes: string; items: string },
  item: (bytes: Uint8Array) => T,
) {
  return {
    [names.resources]: bytesOf(fieldsOf(body), 1).map((bytes) => {
      const fields = fieldsOf(bytes);
      return {
        resource: resource(fields),
        [names.scopes]: bytesOf(fields, 2).map((scopeBytes) => {
          const scopeFields = fieldsOf(scopeBytes);
          return {
            scope: scope(bytesOf(scopeFields, 1)[0]),
            [names.items]: bytesOf(scopeFields, 2).map(item),
          };
        }),
      };
    }),
  };
}

/** An ExportTraceServiceRequest, as its JSON encoding reads. */
export function decodeTraceRequest(body: Uint8Array) {
  return byResourceAndScope(
    body,
    { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' },
    span,
  );
}

function numberPoint(bytes: Uint8Array) {
  const fields = fieldsOf(bytes);
  const point: Record<string, unknown> = { attributes: keyValues(fields, 7) };
  if (fields.has(4)) point.asDouble = double(numberOf(fields, 4) ?? 0n);
  if (fields.has(6)) point.asInt = signed64(numberOf(fields, 6) ?? 0n);
  return point;
}

/** A repeated fixed64 (bucket counts) or double (bounds) field, packed or not. */
function repeated64(fields: Fields, n: number): bigint[] {
  return (fields.get(n) ?? []).flatMap((value) => {
    if (typeof value === 'bigint') return [value];
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    return Array.from({ length: value.byteLength / 8 }, (_, i) => view.getBigUint64(i * 8, true));
  });
}

function histogramPoint(bytes: Uint8Array) {
  const fields = fieldsOf(bytes);
  return {
    attributes: keyValues(fields, 9),
    count: Number(numberOf(fields, 4) ?? 0n),
    sum: fields.has(5) ? double(numberOf(fields, 5) ?? 0n) : undefined,
    bucketCounts: repeated64(fields, 6).map(Number),
    explicitBounds: repeated64(fields, 7).map(double),
  };
}

function metric(bytes: Uint8Array) {
  const fields = fieldsOf(bytes);
  const decoded: Record<string, unknown> = {
    name: text(fields, 1) ?? '',
    unit: text(fields, 3) ?? '',
  };
  const points = (n: number, point: (b: Uint8Array) => unknown) => ({
    dataPoints: bytesOf(fieldsOf(bytesOf(fields, n)[0] ?? new Uint8Array()), 1).map(point),
  });
  if (fields.has(5)) decoded.gauge = points(5, numberPoint);
  if (fields.has(7)) decoded.sum = points(7, numberPoint);
  if (fields.has(9)) decoded.histogram = points(9, histogramPoint);
  return decoded;
}

/** An ExportMetricsServiceRequest, as its JSON encoding reads. */
export function decodeMetricsRequest(body: Uint8Array) {
  return byResourceAndScope(
    body,
    { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' },
    metric,
  );
}
