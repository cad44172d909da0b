const { context, propagation, SpanKind, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { AmqplibInstrumentation, consumeBatch } = require('@fanin/instrumentation-amqplib');

// OpenTelemetry (the SDK's NodeSDK does all of this for you): one line per finished span.
const printer = {
  onStart() {},
  onEnd(span) {
    const count = span.attributes['messaging.batch.message_count'];
    console.log(
      `${span.name} ${SpanKind[span.kind]} links=${span.links.length}${count ? ` messages=${count}` : ''}`,
    );
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [printer] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

// fanin, before amqplib is loaded.
new AmqplibInstrumentation();
const amqplib = require('amqplib');

async function main() {
  const connection = await amqplib.connect(
    process.env.RABBITMQ_URL ?? 'amqp://guest:guest@localhost',
  );
  const queue = `fanin-example-${process.pid}`;
  const publisher = await connection.createConfirmChannel();
  await publisher.assertQueue(queue, { durable: false });

  // Three upstream requests, each its own trace, publish ten orders each.
  const tracer = trace.getTracer('example');
  for (const service of ['checkout', 'mobile', 'partner']) {
    tracer.startActiveSpan(`${service} request`, (request) => {
      for (let i = 0; i < 10; i++) {
        publisher.sendToQueue(queue, Buffer.from(`${service} order ${i}`), {
          messageId: `${service}-${i}`,
        });
      }
      request.end();
    });
  }
  await publisher.waitForConfirms();

  // A channel of its own for consumeBatch: it then acks each batch with one multiple ack.
  const channel = await connection.createChannel();
  let handled = 0;
  const consumer = await consumeBatch(
    channel,
    queue,
    { maxMessages: 50, maxWaitMs: 500 },
    async (messages) => {
      console.log(`handling ${messages.length} orders in ONE span`);
      handled += messages.length;
    },
  );
  while (handled < 30) await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.cancel();
  await channel.deleteQueue(queue);
  await connection.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
