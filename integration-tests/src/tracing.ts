// Preloaded into every test process by run.ts (`--require`): the SDK and the
// instrumentation are in place before kafkajs is loaded, as in an application.
// Test files import it for the handles below.

import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { installTestTracing } from '@fanin/test-utils';

export const tracing = installTestTracing();
export const kafkaInstrumentation = new KafkaJsInstrumentation();
