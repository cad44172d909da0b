// otel.mjs: node --import ./otel.mjs app.mjs (ES modules or CommonJS). The exporter,
// endpoint and service name come from the OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, ...).
import { register } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { AmqplibInstrumentation } from '@fanin/instrumentation-amqplib';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
const sdk = new NodeSDK({
  instrumentations: [new KafkaJsInstrumentation(), new AmqplibInstrumentation()],
});
sdk.start();
// Flush the last spans when the application ends or is stopped.
process.once('beforeExit', () => sdk.shutdown());
process.once('SIGTERM', () => sdk.shutdown().finally(() => process.exit(0)));
