import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';

registerInstrumentations({ instrumentations: [new KafkaJsInstrumentation()] });
// then load kafkajs and use it as usual
