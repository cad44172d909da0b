import ddTrace from 'dd-trace';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';

const tracer = ddTrace.init(); // with DD_TRACE_KAFKAJS_ENABLED=false DD_TRACE_AMQPLIB_ENABLED=false
new tracer.TracerProvider().register();
registerInstrumentations({ instrumentations: [new KafkaJsInstrumentation()] });
