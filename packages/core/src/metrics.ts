import type { Attributes, Counter, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_SYSTEM,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
} from './semconv';

// The messaging metrics of the OpenTelemetry semantic conventions, and
// fanin's own fan-in metrics. Durations are histograms in seconds with the
// conventions' bucket boundaries.
export const METRIC_CLIENT_SENT_MESSAGES = 'messaging.client.sent.messages';
export const METRIC_CLIENT_CONSUMED_MESSAGES = 'messaging.client.consumed.messages';
export const METRIC_CLIENT_OPERATION_DURATION = 'messaging.client.operation.duration';
export const METRIC_PROCESS_DURATION = 'messaging.process.duration';
export const METRIC_FANIN_BATCH_MESSAGES = 'fanin.batch.messages';
export const METRIC_FANIN_BATCH_PRODUCERS = 'fanin.batch.producers';
export const METRIC_FANIN_LINKS_SPILLED = 'fanin.links.spilled';
export const METRIC_FANIN_LINKS_DROPPED = 'fanin.links.dropped';
export const METRIC_FANIN_MESSAGES_WITHOUT_CONTEXT = 'fanin.messages.without_context';

const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
const COUNT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

// The span attributes a metric keeps: the low-cardinality ones the
// conventions list for messaging metrics.
const METRIC_ATTRIBUTES = [
  ATTR_MESSAGING_SYSTEM,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
];

/** The metric attributes among a span's start attributes. */
export function metricAttributes(spanAttributes: Attributes): Attributes {
  const attributes: Attributes = {};
  for (const key of METRIC_ATTRIBUTES) {
    const value = spanAttributes[key];
    if (value !== undefined) attributes[key] = value;
  }
  return attributes;
}

/** A metric attribute value as a map key: arrays (never expected here) by their text, not identity. */
type KeyValue = string | number | boolean | undefined;
const keyValueOf = (value: unknown): KeyValue =>
  typeof value === 'object' && value !== null ? String(value) : (value as KeyValue);

interface TallyEntry {
  attributes: Attributes;
  count: number;
}

/** One level of the tally's lookup: a value of the next metric attribute to the level after it. */
type TallyLevel = Map<KeyValue, TallyLevel | TallyEntry>;

/**
 * A message count per attribute set, kept here and handed to the SDK when it
 * collects (an observable counter): a count per message then costs an
 * addition, not an SDK record (which hashes the attributes each time). The
 * set is found by one map lookup per metric attribute, so a message whose
 * set was seen before allocates nothing.
 */
class MessageTally {
  private readonly root: TallyLevel = new Map();
  private readonly entries: TallyEntry[] = [];

  /** Counts `messages` for the metric attributes of `attributes`; returns those (kept, not copied). */
  add(attributes: Attributes, messages: number, errorType: string | undefined): Attributes {
    let level = this.root;
    let key: KeyValue = errorType;
    for (const name of METRIC_ATTRIBUTES) {
      let next = level.get(key) as TallyLevel | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
      key = keyValueOf(attributes[name]);
    }
    let entry = level.get(key) as TallyEntry | undefined;
    if (entry === undefined) {
      const recorded = metricAttributes(attributes);
      if (errorType !== undefined) recorded[ATTR_ERROR_TYPE] = errorType;
      entry = { attributes: recorded, count: 0 };
      level.set(key, entry);
      this.entries.push(entry);
    }
    entry.count += messages;
    return entry.attributes;
  }

  observe(result: ObservableResult): void {
    for (const { attributes, count } of this.entries) result.observe(count, attributes);
  }
}

function withError(attributes: Attributes, errorType: string | undefined): Attributes {
  return errorType === undefined ? attributes : { ...attributes, [ATTR_ERROR_TYPE]: errorType };
}

/** What a fan-in span found in its messages, for the fan-in metrics. */
export interface LinkTotals {
  messages: number;
  producers: number;
  spilled: number;
  dropped: number;
  withoutContext: number;
}

/** One instrumentation instance's instruments, made once per meter. */
export class MessagingMetrics {
  private readonly sent = new MessageTally();
  private readonly consumed = new MessageTally();
  private readonly operationDuration: Histogram;
  private readonly processDuration: Histogram;
  private readonly batchMessages: Histogram;
  private readonly batchProducers: Histogram;
  private readonly spilled: Counter;
  private readonly dropped: Counter;
  private readonly withoutContext: Counter;

  constructor(meter: Meter) {
    const duration = (name: string, description: string) =>
      meter.createHistogram(name, {
        description,
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      });
    meter
      .createObservableCounter(METRIC_CLIENT_SENT_MESSAGES, {
        description: 'Messages a producer attempted to send.',
        unit: '{message}',
      })
      .addCallback((result) => this.sent.observe(result));
    meter
      .createObservableCounter(METRIC_CLIENT_CONSUMED_MESSAGES, {
        description: 'Messages delivered to the application.',
        unit: '{message}',
      })
      .addCallback((result) => this.consumed.observe(result));
    this.operationDuration = duration(
      METRIC_CLIENT_OPERATION_DURATION,
      'Duration of a messaging operation started by a producer or consumer client.',
    );
    this.processDuration = duration(METRIC_PROCESS_DURATION, 'Duration of processing operations.');
    this.batchMessages = meter.createHistogram(METRIC_FANIN_BATCH_MESSAGES, {
      description: 'Messages per batch handed to a handler in one fan-in span.',
      unit: '{message}',
      advice: { explicitBucketBoundaries: COUNT_BUCKETS },
    });
    this.batchProducers = meter.createHistogram(METRIC_FANIN_BATCH_PRODUCERS, {
      description: 'Distinct producer contexts per recorded fan-in span.',
      unit: '{producer}',
      advice: { explicitBucketBoundaries: COUNT_BUCKETS },
    });
    this.spilled = meter.createCounter(METRIC_FANIN_LINKS_SPILLED, {
      description: 'Links put on spill spans because the fan-in span was full.',
      unit: '{link}',
    });
    this.dropped = meter.createCounter(METRIC_FANIN_LINKS_DROPPED, {
      description: "Links left out past the fan-in span's budget (overflow: drop).",
      unit: '{link}',
    });
    this.withoutContext = meter.createCounter(METRIC_FANIN_MESSAGES_WITHOUT_CONTEXT, {
      description: 'Messages of recorded fan-in spans that carried no trace context.',
      unit: '{message}',
    });
  }

  /** How long a send call took. */
  recordSendDuration(attributes: Attributes, seconds: number, errorType?: string): void {
    this.operationDuration.record(seconds, withError(metricAttributes(attributes), errorType));
  }

  /** Messages a send call sent to one destination. */
  recordSentMessages(attributes: Attributes, messages: number, errorType?: string): void {
    this.sent.add(attributes, messages, errorType);
  }

  /** Messages handed to a handler (span attributes) and how long the handler took. */
  recordProcess(
    attributes: Attributes,
    messages: number,
    seconds: number,
    errorType?: string,
  ): void {
    this.processDuration.record(seconds, this.consumed.add(attributes, messages, errorType));
  }

  /** What one batch's fan-in span found: messages always, links when it recorded them. */
  recordFanIn(attributes: Attributes, messages: number, totals: LinkTotals | undefined): void {
    this.batchMessages.record(messages, attributes);
    if (totals === undefined) return;
    this.batchProducers.record(totals.producers, attributes);
    if (totals.spilled > 0) this.spilled.add(totals.spilled, attributes);
    if (totals.dropped > 0) this.dropped.add(totals.dropped, attributes);
    if (totals.withoutContext > 0) this.withoutContext.add(totals.withoutContext, attributes);
  }
}

/**
 * A function that records once through `metrics` (what a flow calls when its
 * handler settled), or a no-op without instruments.
 */
export function onceRecording(
  metrics: MessagingMetrics | undefined,
  record: (metrics: MessagingMetrics, errorType: string | undefined) => void,
): (errorType?: string) => void {
  if (metrics === undefined) return () => {};
  let recorded = false;
  return (errorType) => {
    if (recorded) return;
    recorded = true;
    record(metrics, errorType);
  };
}
