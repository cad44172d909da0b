import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { AmqplibInstrumentation } from '@fanin/instrumentation-amqplib';

new NodeSDK({
  instrumentations: [
    getNodeAutoInstrumentations({
      '@opentelemetry/instrumentation-kafkajs': { enabled: false },
      '@opentelemetry/instrumentation-amqplib': { enabled: false },
    }),
    new KafkaJsInstrumentation(),
    new AmqplibInstrumentation(),
  ],
}).start();
