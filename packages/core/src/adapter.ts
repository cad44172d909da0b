// @fanin/core/adapter: what an instrumentation adapter builds on. An adapter
// says where its library is intercepted (a FaninInstrumentation subclass) and
// how to read a message (a MessageReader / OutgoingReader); the flows below
// own the life of every span. See ARCHITECTURE.md at the repository root.

export { isDatadogBridgeSpan, isDatadogBridgeTracerProvider } from './datadog-bridge';
export { extractDatadogSpanContext } from './datadog-propagator';
export { type FaninWarningCode, warnOnce } from './diagnostics';
export type { FanInSpan } from './fan-in-span';
export {
  beginTransaction,
  type CarrierTransaction,
  markSelfTraced,
  SettingsOffers,
  selfTracedOffers,
  transactionOf,
} from './handoff';
export { type AdapterIdentity, FaninInstrumentation } from './instrumentation';
export { chunkLinks, DATADOG_LINKS_BUDGET, type LinkChunks, type LinkLimits } from './limits';
export {
  DD_SPAN_LINKS_ARRAY_OVERHEAD,
  DD_SPAN_LINKS_MAX_LENGTH,
  ddSpanLinkLength,
  ddSpanLinksLength,
} from './link-size';
export type { MessageReader } from './message-reader';
export type { MessageContextMode, MessageSpan } from './message-span';
export {
  METRIC_CLIENT_CONSUMED_MESSAGES,
  METRIC_CLIENT_OPERATION_DURATION,
  METRIC_CLIENT_SENT_MESSAGES,
  METRIC_FANIN_BATCH_MESSAGES,
  METRIC_FANIN_BATCH_PRODUCERS,
  METRIC_FANIN_LINKS_DROPPED,
  METRIC_FANIN_LINKS_SPILLED,
  METRIC_FANIN_MESSAGES_WITHOUT_CONTEXT,
  METRIC_PROCESS_DURATION,
} from './metrics';
export { endSpan, type OpenSpan } from './open-span';
export type { HookCall } from './operation';
export {
  callHook,
  errorTypeOf,
  isPromiseLike,
  type OnSettled,
  recordError,
  runInSpan,
} from './run-in-span';
export {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  MessagingAttributeNames,
  type MessagingOperationType,
  messagingSpanName,
  type RenamedAttribute,
} from './semconv';
export {
  resolveTracingSettings,
  type SettingsSource,
  type TracingSettings,
  TracingSettingsCache,
} from './settings';
export {
  recordSettlement,
  recordSettlementAttributes,
  recordSettlementSpan,
  type Settlement,
  type SettlementDescription,
  type SettlementDetails,
} from './settlement';
export { type BatchDescription, type BatchSpan, startBatchSpan, traceBatch } from './trace-batch';
export {
  type MessageDescription,
  type ProcessingSpan,
  startMessage,
  traceMessage,
} from './trace-message';
export {
  type OutgoingReader,
  type SendDescription,
  type SentMessage,
  type StartedSend,
  startSend,
  traceSend,
} from './trace-send';
export {
  type TransactionEnd,
  type TransactionOutcome,
  TransactionRecorder,
  traceTransactionEnd,
} from './trace-transaction';
