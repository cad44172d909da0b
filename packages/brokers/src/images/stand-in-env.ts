import { ENV } from '../defaults';
import { shellQuote } from '../env-file';
import type { StandInImages } from './build';

/** Matrix lists: comma-separated image names, the first of each being the baseline. */
export const MATRIX_ENV = {
  kafka: 'FANIN_MATRIX_KAFKA_IMAGES',
  rabbitmq: 'FANIN_MATRIX_RABBITMQ_IMAGES',
} as const;

/**
 * Shell lines selecting the stand-ins: the first image of each kind is the default one, the
 * matrix lists name them all. Ryuk is off because its image cannot be pulled either (the
 * brokers package removes its own containers); testcontainers is told the engine is local.
 */
export function renderStandInEnv(images: StandInImages): string[] {
  const [kafka] = images.kafka;
  const [rabbitmq] = images.rabbitmq;
  if (!kafka || !rabbitmq) throw new Error('no stand-in images to select');
  const list = (items: Array<{ image: string }>) => items.map((item) => item.image).join(',');
  return [
    ...images.kafka.map((item) => `# Apache Kafka ${item.version}: ${item.image}`),
    ...images.rabbitmq.map(
      (item) => `# RabbitMQ ${item.version} (Debian ${item.suite}): ${item.image}`,
    ),
    `export ${ENV.kafkaImage}=${shellQuote(kafka.image)}`,
    `export ${ENV.rabbitmqImage}=${shellQuote(rabbitmq.image)}`,
    `export ${MATRIX_ENV.kafka}=${shellQuote(list(images.kafka))}`,
    `export ${MATRIX_ENV.rabbitmq}=${shellQuote(list(images.rabbitmq))}`,
    'export TESTCONTAINERS_RYUK_DISABLED=true',
    'export TESTCONTAINERS_HOST_OVERRIDE=localhost',
  ];
}
