import { type Attributes, type Context, context, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_SYSTEM,
  type MessagingOperationType,
} from './semconv';
import type { TracingSettings } from './settings';

/** The attributes every span of an operation carries: system, operation, destination. */
export function operationAttributes(
  settings: TracingSettings,
  type: MessagingOperationType,
  name: string,
  destination: string | undefined,
): Attributes {
  return writeOperationAttributes({}, settings, type, name, destination);
}

/** `operationAttributes`, written into `into` (a fresh object of the caller's). */
export function writeOperationAttributes(
  into: Attributes,
  settings: TracingSettings,
  type: MessagingOperationType,
  name: string,
  destination: string | undefined,
): Attributes {
  into[ATTR_MESSAGING_SYSTEM] = settings.system;
  settings.names.operation(into, type, name);
  if (destination !== undefined) into[ATTR_MESSAGING_DESTINATION_NAME] = destination;
  return into;
}

/** The parent of a consumer span that is not parented on its producer, per `consumerSpanParent`. */
export function consumerParent(settings: TracingSettings): Context {
  return settings.consumerSpanParent === 'active' ? context.active() : ROOT_CONTEXT;
}

/** A user hook as a flow calls it: its name (for the report if it fails) and a call. */
export interface HookCall<A extends unknown[]> {
  name: string;
  call(...args: A): unknown;
}
