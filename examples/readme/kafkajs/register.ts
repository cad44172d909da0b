import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';

registerInstrumentations({ instrumentations: [new KafkaJsInstrumentation()] });
// then load kafkajs and use it as usual
