/**
 * kafkajs, required at call time rather than imported at the top of a
 * module: workers must register their instrumentation first, so that the
 * instrumentation's require hook sees kafkajs load, as in an application.
 */
export function loadKafkajs(): typeof import('kafkajs') {
  return require('kafkajs');
}
