// In the dd-trace child: eachBatch calls through fanin's real kafkajs
// instrumentation (with a stand-in for kafkajs's consumer, so no broker is
// needed), with fanin's defaults, one message per distinct producer.
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { standInBatchPayload } from '@fanin/test-utils';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { type FaninBatchScenario, faninBatchTopic } from './dd-job';
import { faninLinks, tracestateOfLength } from './link-scenarios';

type RunConfig = { eachBatch?: (payload: EachBatchPayload) => Promise<void> };

/** A stand-in for kafkajs's module: a Kafka class whose consumers remember their run config. */
function standInKafkajs() {
  const runs: RunConfig[] = [];
  class Kafka {
    consumer(_config: { groupId: string }) {
      return {
        run: async (config: RunConfig) => {
          runs.push(config);
        },
      };
    }
    producer() {
      return { send: async () => [], sendBatch: async () => [], transaction: async () => ({}) };
    }
  }
  return { module: { Kafka }, runs };
}

function payload(topic: string, messages: KafkaMessage[]): EachBatchPayload {
  return standInBatchPayload(messages, topic, 0) as unknown as EachBatchPayload;
}

export interface FaninBatchResult {
  topic: string;
  /** `traceId/spanId` of every producer of the batch. */
  producers: string[];
}

/** An eachBatch handler traced by a fresh fanin instrumentation with `config`. */
async function tracedEachBatch(config: { linkTraceState?: boolean } = {}) {
  const instrumentation = new KafkaJsInstrumentation(config);
  const kafkajs = standInKafkajs();
  const [definition] = instrumentation.getModuleDefinitions();
  definition?.patch?.(kafkajs.module, '2.2.4');
  const consumer = new kafkajs.module.Kafka().consumer({ groupId: 'dd-group' });
  await consumer.run({ eachBatch: async () => {} });
  const traced = kafkajs.runs[0]?.eachBatch;
  if (traced === undefined) throw new Error('the instrumentation did not wrap eachBatch');
  return { traced, instrumentation };
}

function message(offset: number, headers: Record<string, Buffer>): KafkaMessage {
  return {
    key: null,
    value: Buffer.from(`message ${offset}`),
    timestamp: '0',
    attributes: 0,
    offset: String(offset),
    size: 0,
    headers,
  } as unknown as KafkaMessage;
}

export async function runFaninBatches(
  scenarios: FaninBatchScenario[],
): Promise<FaninBatchResult[]> {
  const results: FaninBatchResult[] = [];
  for (const scenario of scenarios) {
    const { traced, instrumentation } = await tracedEachBatch({
      linkTraceState: scenario.linkTraceState,
    });
    const tracestate = tracestateOfLength(scenario.tracestateLength);
    const links = faninLinks(scenario.count, 0);
    const messages = links.map(({ context }, i) =>
      message(1_000_000 + i, {
        traceparent: Buffer.from(`00-${context.traceId}-${context.spanId}-01`),
        ...(tracestate ? { tracestate: Buffer.from(tracestate) } : {}),
      }),
    );
    const topic = faninBatchTopic(scenario);
    await traced(payload(topic, messages));
    instrumentation.disable();
    results.push({
      topic,
      producers: links.map(({ context }) => `${context.traceId}/${context.spanId}`),
    });
  }
  return results;
}

interface DdTracer {
  startSpan(
    name: string,
    options?: object,
  ): {
    context(): { toTraceId(wide?: boolean): string; toSpanId(wide?: boolean): string };
    finish(): void;
  };
  inject(span: unknown, format: string, carrier: Record<string, string>): void;
}

/**
 * One batch whose messages come from producers traced by dd-trace itself
 * (headers injected in the child's propagation style, e.g. Datadog's only)
 * and from W3C producers, consumed through fanin with its defaults.
 */
export async function runDatadogProducersBatch(
  tracer: DdTracer,
  datadogProducers: number,
  w3cProducers: number,
): Promise<FaninBatchResult> {
  const messages: KafkaMessage[] = [];
  const producers: string[] = [];
  for (let i = 0; i < datadogProducers; i++) {
    const span = tracer.startSpan(`produce ${i}`, { tags: { 'span.kind': 'producer' } });
    const carrier: Record<string, string> = {};
    tracer.inject(span, 'text_map', carrier);
    span.finish();
    const ids = span.context();
    producers.push(
      `${ids.toTraceId(true).padStart(32, '0')}/${ids.toSpanId(true).padStart(16, '0')}`,
    );
    messages.push(
      message(i, Object.fromEntries(Object.entries(carrier).map(([k, v]) => [k, Buffer.from(v)]))),
    );
  }
  for (const { context } of faninLinks(w3cProducers, 0)) {
    producers.push(`${context.traceId}/${context.spanId}`);
    messages.push(
      message(messages.length, {
        traceparent: Buffer.from(`00-${context.traceId}-${context.spanId}-01`),
      }),
    );
  }
  const { traced, instrumentation } = await tracedEachBatch();
  const topic = `orders-datadog-${datadogProducers}-w3c-${w3cProducers}`;
  await traced(payload(topic, messages));
  instrumentation.disable();
  return { topic, producers };
}
