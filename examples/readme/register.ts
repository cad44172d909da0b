import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { AmqplibInstrumentation } from '@fanin/instrumentation-amqplib';

registerInstrumentations({
  instrumentations: [new KafkaJsInstrumentation(), new AmqplibInstrumentation()],
});
