/**
 * The broker addresses the suite runs against. They come from `run.ts`
 * (`npm run test:integration`), or from the environment when a single file is
 * run by hand. Missing ones fail the test loudly: these tests never skip.
 */
export function kafkaBrokersFromEnv(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (!value) {
    throw new Error(
      'KAFKA_BROKERS is not set. Run the suite with `npm run test:integration` (it finds or starts ' +
        'a broker), or start one with `npm run brokers:up` and `source .brokers.env`.',
    );
  }
  return value.split(',').map((broker) => broker.trim());
}

/** The RabbitMQ the suite runs against (`amqp://user:password@host:port`), from RABBITMQ_URL. */
export function rabbitmqUrlFromEnv(): string {
  const value = process.env.RABBITMQ_URL;
  if (!value) {
    throw new Error(
      'RABBITMQ_URL is not set. Run the suite with `npm run test:integration` (it finds or starts ' +
        'RabbitMQ), or start it with `npm run brokers:up` and `source .brokers.env`.',
    );
  }
  return value;
}
