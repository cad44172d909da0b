// What a workload (kafka-workload.ts, amqp-workload.ts) hands back to the
// setup child: enough to tell which producers the consumer's spans reach.

export interface WorkloadResult {
  /** The topic or queue, as it appears in span names. */
  destination: string;
  sent: number;
  /** The `traceparent` header of every consumed message (undefined when it had none). */
  traceparents: (string | undefined)[];
}

/** Upstream requests of a scenario: `traces` traces, `messagesPerTrace` messages each. */
export interface WorkloadSize {
  traces: number;
  messagesPerTrace: number;
}

/** A header value (Buffer, string, AMQP table value) as text. */
export function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}
