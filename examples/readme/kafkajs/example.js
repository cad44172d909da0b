const { propagation, SpanKind, trace } = require('@opentelemetry/api');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { KafkaJsInstrumentation } = require('@fanin/instrumentation-kafkajs');

// OpenTelemetry (the SDK's NodeSDK does this for you, with an exporter): a line per span.
const printer = {
  onStart() {},
  onEnd: (span) => console.log(`${span.name} ${SpanKind[span.kind]} links=${span.links.length}`),
  forceFlush: async () => {},
  shutdown: async () => {},
};
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [printer] }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

// fanin, before kafkajs is loaded.
new KafkaJsInstrumentation();
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const kafka = new Kafka({
    brokers: process.env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.WARN,
  });
  const topic = `fanin-example-${process.pid}`;

  // Three upstream services send an order each, each from its own trace.
  const producer = kafka.producer();
  await producer.connect();
  for (const service of ['checkout', 'mobile', 'partner']) {
    await producer.send({ topic, messages: [{ key: service, value: `${service} order` }] });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let handled = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      console.log(`handling ${batch.messages.length} orders in ONE span`);
      handled += batch.messages.length;
    },
  });
  // Disconnect outside eachBatch: disconnect() waits for the batch being handled.
  while (handled < 3) await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
