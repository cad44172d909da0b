/**
 * amqplib, required at call time rather than imported at the top of a
 * module: workers must register their instrumentation first, so that the
 * instrumentation's require hook sees amqplib load, as in an application.
 */
export function loadAmqplib(): typeof import('amqplib') {
  return require('amqplib');
}
