// What a setup scenario is (the parent sends it to the child as JSON on
// stdin) and what the child reports back (one JSON line after RESULT_MARKER).

export const RESULT_MARKER = 'FANIN_SETUP_RESULT ';

export type Library = 'kafkajs' | 'amqplib';
/** kafkajs `eachBatch`; amqplib's `consumeBatch` helper, or plain `channel.consume`. */
export type ConsumerKind = 'eachBatch' | 'consumeBatch' | 'consume';

/**
 * How the tracer provider is registered: the in-memory SDK plus
 * `registerInstrumentations`, `new NodeSDK({ instrumentations }).start()`,
 * or not at all (fanin's instrumentations are still constructed and registered).
 */
export type SdkSetup = 'registerInstrumentations' | 'NodeSDK' | 'none';

/**
 * What is passed to `getNodeAutoInstrumentations()`: nothing (everything on,
 * or what OTEL_NODE_DISABLED_INSTRUMENTATIONS says), or the config that turns
 * the official kafkajs and amqplib instrumentations off.
 */
export type AutoConfig = 'defaults' | 'kafkajs-and-amqplib-disabled';

/** Instrumentations in the order they are constructed (which is when they hook `require`). */
export type InstrumentationSet = 'fanin' | 'auto';

export interface Scenario {
  library: Library;
  consumer: ConsumerKind;
  sdk: SdkSetup;
  instrumentations: InstrumentationSet[];
  autoConfig?: AutoConfig;
  /** Require the library before anything else (before the SDK and the instrumentations). */
  loadLibraryFirst?: boolean;
  /**
   * kafkajs: create the producer and the consumer in the turn of the event
   * loop that required kafkajs (an application's top-level code), rather than
   * a little later.
   */
  clientsAtLoad?: boolean;
  /** fanin's `processWarnings` option, passed to both instrumentations. */
  processWarnings?: boolean;
  /** Set a diag logger (level WARN) first thing, and report what it got. */
  diagLogger?: boolean;
  /** Upstream requests, each its own trace, and messages each sends (in one call). */
  traces: number;
  messagesPerTrace: number;
}

export interface WarningSeen {
  name: string;
  code: string | undefined;
  message: string;
}

/** fanin's consumer spans (batch spans, or per-message spans for `consume`) and their links. */
export interface FaninSpansSeen {
  /** `process {destination}` CONSUMER spans of fanin's scope (batch spans have no parent). */
  processSpans: number;
  /** Sum of `messaging.batch.message_count` over the batch spans. */
  batchMessageCount: number;
  /** Links on the process spans and their spill spans. */
  links: number;
  /** Distinct producers of the consumed messages reachable from those spans. */
  reachableProducers: number;
  /** PRODUCER spans of fanin's scope. */
  producerSpans: number;
}

export interface ScenarioResult {
  sent: number;
  consumed: number;
  /** Distinct producer contexts (`traceparent`) in the consumed messages' headers. */
  producers: number;
  fanin: FaninSpansSeen;
  /** Spans of the official kafkajs / amqplib instrumentations, by name (destination as `{destination}`). */
  officialSpans: Record<string, number>;
  /** Finished spans by instrumentation scope. */
  spansByScope: Record<string, number>;
  /** The official instrumentations getNodeAutoInstrumentations() returned (kafkajs / amqplib only). */
  autoMessagingInstrumentations: string[];
  /** Who wraps each patched function at the end: `fanin`, `other` (a shimmer wrapper) or `none`. */
  wrappers: Record<string, 'fanin' | 'other' | 'none'>;
  /** Every `process` 'warning' event, in order. */
  warnings: WarningSeen[];
  /** What the diag logger got at WARN and above, when the scenario set one. */
  diagMessages: string[];
}
