export { ConfluentKafkaInstrumentation } from './instrumentation';
export type {
  BatchHookInfo,
  ConfluentKafkaInstrumentationConfig,
  ConsumerHookInfo,
  ProducerHookInfo,
} from './types';
