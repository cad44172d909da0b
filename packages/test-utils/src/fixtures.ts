/** A deterministic, valid 32-hex trace id for test producer number `n`. */
export function testTraceId(n: number): string {
  return (n + 1).toString(16).padStart(32, '0');
}

/** A deterministic, valid 16-hex span id for test producer number `n`. */
export function testSpanId(n: number): string {
  return (n + 1).toString(16).padStart(16, '0');
}

/** A sampled W3C `traceparent` header for test producer number `n`. */
export function testTraceparent(n: number): string {
  return `00-${testTraceId(n)}-${testSpanId(n)}-01`;
}

/** The members of a KafkaJS-API `eachBatch` payload, for driving a traced handler without a broker. */
export interface StandInBatchPayload<M> {
  batch: { topic: string; partition: number; highWatermark: string; messages: M[] };
  resolveOffset: (offset: string) => void;
  heartbeat: () => Promise<void>;
  pause: () => () => void;
  commitOffsetsIfNecessary: () => Promise<void>;
  uncommittedOffsets: () => { topics: never[] };
  isRunning: () => boolean;
  isStale: () => boolean;
}

/** An `eachBatch` payload of `messages` from `topic`/`partition` whose calls do nothing. */
export function standInBatchPayload<M>(
  messages: M[],
  topic: string,
  partition: number,
): StandInBatchPayload<M> {
  return {
    batch: { topic, partition, highWatermark: String(messages.length), messages },
    resolveOffset: () => {},
    heartbeat: async () => {},
    pause: () => () => {},
    commitOffsetsIfNecessary: async () => {},
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning: () => true,
    isStale: () => false,
  };
}
