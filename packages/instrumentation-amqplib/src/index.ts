export {
  type BatchChannel,
  type BatchConsumeOptions,
  type BatchConsumer,
  type ConsumeBatchOptions,
  consumeBatch,
  DEFAULT_MAX_MESSAGES,
  DEFAULT_MAX_WAIT_MS,
} from './consume-batch';
export { AmqplibInstrumentation } from './instrumentation';
export { DEFAULT_CONSUME_TIMEOUT_MS } from './settings';
export { type TransactionalChannel, txCommit, txRollback, txSelect } from './transaction';
export type {
  AmqplibInstrumentationConfig,
  AmqpMessage,
  AmqpPublishOptions,
  BatchHookInfo,
  ConsumeEndHookInfo,
  ConsumeHookInfo,
  PublishHookInfo,
  Settlement,
} from './types';
