// Imported first by every test file: the SDK and the instrumentation must be
// in place before kafkajs is loaded, as in an application.

import { KafkaJsInstrumentation } from '@fanin/instrumentation-kafkajs';
import { installTestTracing } from '@fanin/test-utils';

export const tracing = installTestTracing();
export const kafkaInstrumentation = new KafkaJsInstrumentation();
