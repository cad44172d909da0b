import { AmqplibInstrumentation } from '@fanin/instrumentation-amqplib';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';

registerInstrumentations({
  instrumentations: [new KafkaJsInstrumentation(), new AmqplibInstrumentation()],
});
