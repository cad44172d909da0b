// Preloaded into every test process by run.ts (`--require`): the SDK and the
// instrumentations are in place before kafkajs and amqplib are loaded, as in
// an application. Test files import it for the handles below.

import { AmqplibInstrumentation } from '@fanin/instrumentation-amqplib';
import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { installTestTracing } from '@fanin/test-utils';

export const tracing = installTestTracing();
export const kafkaInstrumentation = new KafkaJsInstrumentation();
export const amqplibInstrumentation = new AmqplibInstrumentation();
