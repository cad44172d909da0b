import { ConfluentKafkaInstrumentation } from '@fanin/instrumentation-confluent-kafka';
import { trace } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';

// Register before the client is loaded: the require below is then patched.
registerInstrumentations({ instrumentations: [new ConfluentKafkaInstrumentation()] });
const { KafkaJS } =
  require('@confluentinc/kafka-javascript') as typeof import('@confluentinc/kafka-javascript');

/** Sends `count` orders one by one, then handles them in eachBatch; returns the batch spans' ids. */
export async function sendAndConsume(brokers: string[], topic: string, count: number) {
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers, logLevel: KafkaJS.logLevel.ERROR } });
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < count; i++) {
    await producer.send({ topic, messages: [{ value: `order ${i}` }] }); // a send span each
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ kafkaJS: { groupId: `${topic}-group`, fromBeginning: true } });
  const batchSpanIds: string[] = [];
  let handled = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      // ONE `process {topic}` span per call, linked to the send span of every message.
      batchSpanIds.push(trace.getActiveSpan()?.spanContext().spanId ?? 'none');
      handled += batch.messages.length;
    },
  });
  while (handled < count) await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.disconnect();
  return batchSpanIds;
}
