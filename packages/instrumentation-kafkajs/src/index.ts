export { KafkaJsInstrumentation } from './instrumentation';
export type {
  BatchHookInfo,
  ConsumerHookInfo,
  KafkaJsInstrumentationConfig,
  ProducerHookInfo,
} from './types';
