// @fanin/core: what applications use directly. Instrumentation adapters use
// `@fanin/core/adapter` (see ../README.md for both).
export {
  type AccumulatorOptions,
  type AccumulatorStats,
  DEFAULT_MAX_CONTEXTS_PER_KEY,
  DEFAULT_MAX_KEYS,
  type EmitOptions,
  FanInAccumulator,
} from './accumulator';
export {
  DATADOG_ORIGIN_HEADER,
  DATADOG_PARENT_ID_HEADER,
  DATADOG_SAMPLING_PRIORITY_HEADER,
  DATADOG_TAGS_HEADER,
  DATADOG_TRACE_ID_HEADER,
  DatadogPropagator,
} from './datadog-propagator';
export type { FaninWarningCode } from './diagnostics';
export { headerGetter, headerSetter } from './headers';
export { DEFAULT_MAX_LINKS_PER_SPAN, type LinkBudget, type OverflowPolicy } from './limits';
export { LinkAwareSampler } from './link-aware-sampler';
export type { LinkPolicy } from './links';
export type { MessageContextMode } from './message-span';
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
export {
  ATTR_FANIN_CONTEXT_COUNT,
  ATTR_FANIN_LINK_MESSAGE_COUNT,
  ATTR_FANIN_LINKS_DROPPED,
  ATTR_FANIN_LINKS_KEPT,
  ATTR_FANIN_LINKS_SPILLED,
  ATTR_FANIN_MESSAGE_REDELIVERED,
  ATTR_FANIN_MESSAGES_INVALID_CONTEXT,
  ATTR_FANIN_MESSAGES_NOT_LINKED,
  ATTR_FANIN_MESSAGES_REDELIVERED,
  ATTR_FANIN_MESSAGES_UNSAMPLED_CONTEXT,
  ATTR_FANIN_MESSAGES_WITHOUT_CONTEXT,
  ATTR_FANIN_SETTLEMENT,
  ATTR_FANIN_SETTLEMENT_MULTIPLE,
  ATTR_FANIN_SETTLEMENT_REQUEUE,
  ATTR_FANIN_SPILL_INDEX,
  ATTR_FANIN_SPILL_SPANS,
  ATTR_FANIN_TRANSACTION_OUTCOME,
  type SemconvStability,
} from './semconv';
export type { ConsumerSpanParent, TracingConfig } from './settings';
