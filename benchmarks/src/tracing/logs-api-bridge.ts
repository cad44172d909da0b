import { logs } from '@opentelemetry/api-logs';

/**
 * The current official instrumentations (instrumentation-kafkajs 0.33,
 * instrumentation-amqplib 0.71) are built on @opentelemetry/instrumentation
 * 0.300, whose constructor calls `logs.getLogger()` on @opentelemetry/api:
 * an entry point that api 1.10 added. This tree has one api, 1.9.1, because
 * sdk-trace-base 2.12 requires api < 1.10 (and two copies would silently
 * turn every span into a no-op). So api 1.9.1 is lent the `logs` entry point
 * of @opentelemetry/api-logs, which is the API that 1.10 folded in. With no
 * logger provider registered it hands out a no-op logger, as api 1.10 does
 * without a logs SDK. Nothing about tracing changes; fanin does not use it.
 */
export function lendLogsApi(): void {
  const api = require('@opentelemetry/api') as Record<string, unknown>;
  if (!('logs' in api)) api.logs = logs;
}
