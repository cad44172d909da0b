import type { Attributes, AttributeValue } from '@opentelemetry/api';

// Messaging attribute names of the current OpenTelemetry semantic conventions
// that every messaging system shares. They are still "development" there, so
// they are spelled out here rather than imported from the package's unstable
// `incubating` entry point. A system's own names (Kafka offsets, RabbitMQ
// delivery tags) belong to its adapter.
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size';
export const ATTR_MESSAGING_MESSAGE_CONVERSATION_ID = 'messaging.message.conversation_id';
export const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address';
export const ATTR_NETWORK_PEER_PORT = 'network.peer.port';
export const ATTR_ERROR_TYPE = 'error.type';

/** The name `messaging.operation.type` had up to the 1.24 conventions. */
export const ATTR_OLD_MESSAGING_OPERATION = 'messaging.operation';

// fanin's own attributes: the totals of a fan-in span and of its links.
export const ATTR_FANIN_CONTEXT_COUNT = 'fanin.batch.context_count';
export const ATTR_FANIN_LINKS_KEPT = 'fanin.links.kept';
export const ATTR_FANIN_LINKS_SPILLED = 'fanin.links.spilled';
export const ATTR_FANIN_LINKS_DROPPED = 'fanin.links.dropped';
export const ATTR_FANIN_SPILL_SPANS = 'fanin.links.spill_spans';
export const ATTR_FANIN_MESSAGES_WITHOUT_CONTEXT = 'fanin.messages.without_context';
export const ATTR_FANIN_MESSAGES_INVALID_CONTEXT = 'fanin.messages.invalid_context';
/** Messages whose producer context says it was not sampled: not linked (the trace does not exist). */
export const ATTR_FANIN_MESSAGES_UNSAMPLED_CONTEXT = 'fanin.messages.unsampled_context';
/** On a link: how many messages of the batch carried this same producer context. */
export const ATTR_FANIN_LINK_MESSAGE_COUNT = 'fanin.link.message_count';
/** On an aggregate span: contributing messages whose context was not kept (per-key cap). */
export const ATTR_FANIN_MESSAGES_NOT_LINKED = 'fanin.messages.not_linked';
/** On a spill span: its place among the batch span's spill spans, from 1. */
export const ATTR_FANIN_SPILL_INDEX = 'fanin.spill.index';
/** On a transaction span: `committed`, `aborted` or `rolled_back`. */
export const ATTR_FANIN_TRANSACTION_OUTCOME = 'fanin.transaction.outcome';

// How a message left its consumer, and whether it had been delivered before:
// the conventions have no names for them.
/** On a link or a message span: the broker had delivered this message before. */
export const ATTR_FANIN_MESSAGE_REDELIVERED = 'fanin.message.redelivered';
/** On a batch span: how many of its messages had been delivered before. */
export const ATTR_FANIN_MESSAGES_REDELIVERED = 'fanin.messages.redelivered';
/** How the span's message(s) left the consumer: `ack`, `nack`, `reject`, `auto_ack`, `channel_closed`, `channel_error`, `timeout`. */
export const ATTR_FANIN_SETTLEMENT = 'fanin.settlement';
/** With a `nack` or `reject` settlement: whether the broker requeues the message(s). */
export const ATTR_FANIN_SETTLEMENT_REQUEUE = 'fanin.settlement.requeue';
/** Whether the settlement was one multiple-message ack or nack. */
export const ATTR_FANIN_SETTLEMENT_MULTIPLE = 'fanin.settlement.multiple';

export type MessagingOperationType = 'create' | 'send' | 'receive' | 'process' | 'settle';

/**
 * Which attribute names to emit where old and new conventions differ:
 * `new` (the default), `old`, or `dup` (both), per OTEL_SEMCONV_STABILITY_OPT_IN.
 */
export type SemconvStability = 'new' | 'old' | 'dup';

/**
 * Reads OTEL_SEMCONV_STABILITY_OPT_IN. `messaging/dup` emits both name sets,
 * `messaging` the new ones. fanin has no older output to stay compatible with,
 * so without the variable it emits the new names too; `old` is reachable only
 * through the instrumentation's `semconvStability` option.
 */
export function semconvStabilityFromEnv(
  value: string | undefined = process.env.OTEL_SEMCONV_STABILITY_OPT_IN,
): SemconvStability {
  const entries = (value ?? '').split(',').map((entry) => entry.trim().toLowerCase());
  if (entries.includes('messaging/dup')) return 'dup';
  return 'new';
}

/** An attribute whose name changed between the old and the current conventions. */
export interface RenamedAttribute {
  name: string;
  /** Its name up to the 1.24 conventions; undefined when it had none. */
  oldName: string | undefined;
}

/** Writes messaging attributes under the names the chosen stability asks for. */
export class MessagingAttributeNames {
  readonly emitNew: boolean;
  readonly emitOld: boolean;

  constructor(readonly stability: SemconvStability) {
    this.emitNew = stability !== 'old';
    this.emitOld = stability !== 'new';
  }

  operation(attributes: Attributes, type: MessagingOperationType, name: string): void {
    if (this.emitNew) {
      attributes[ATTR_MESSAGING_OPERATION_TYPE] = type;
      attributes[ATTR_MESSAGING_OPERATION_NAME] = name;
    }
    if (this.emitOld) attributes[ATTR_OLD_MESSAGING_OPERATION] = type === 'send' ? 'publish' : type;
  }

  /** Sets `attribute` to `value` (new name) and `oldValue` (old name, where it had one). */
  set(
    attributes: Attributes,
    attribute: RenamedAttribute,
    value: AttributeValue | undefined,
    oldValue: AttributeValue | undefined = value,
  ): void {
    if (value === undefined) return;
    if (this.emitNew) attributes[attribute.name] = value;
    if (this.emitOld && attribute.oldName !== undefined && oldValue !== undefined) {
      attributes[attribute.oldName] = oldValue;
    }
  }
}

/** `{operation} {destination}`, or the operation alone when the destination is unknown. */
export function messagingSpanName(operation: string, destination: string | undefined): string {
  return destination ? `${operation} ${destination}` : operation;
}
