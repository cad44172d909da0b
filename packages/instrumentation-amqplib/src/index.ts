export {
  type BatchChannel,
  type BatchConsumeOptions,
  type BatchConsumer,
  type ConsumeBatchOptions,
  consumeBatch,
  DEFAULT_MAX_MESSAGES,
  DEFAULT_MAX_WAIT_MS,
} from './helpers/consume-batch';
export { type TransactionalChannel, txCommit, txRollback, txSelect } from './helpers/transactions';
export { AmqplibInstrumentation } from './instrumentation';
export { DEFAULT_CONSUME_TIMEOUT_MS } from './settings';
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
