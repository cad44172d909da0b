// Confluent's client for the confluent-* tests. The instrumentation is made
// when this file loads, before the client is, as in an application; the
// client's native addon is built here when it is missing (npm ci does not run
// its install script, see scripts/build-confluent-kafka.sh), and a failed
// build fails the test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { ConfluentKafkaInstrumentation } from '@fanin/instrumentation-confluent-kafka';
import { kafkaBrokersFromEnv } from './brokers-env';

export const confluentInstrumentation = new ConfluentKafkaInstrumentation();

const MODULE = '@confluentinc/kafka-javascript';
const repositoryRoot = join(__dirname, '..', '..');

function addonLoads(): boolean {
  const check = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(MODULE)})`], {
    cwd: __dirname,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return check.status === 0;
}

let checked = false;

/** Builds the native addon when it does not load under this Node; throws when that fails. */
export function ensureConfluentAddon(): void {
  if (checked) return;
  if (!addonLoads()) {
    console.log(
      `[confluent] the native addon of ${MODULE} does not load under node ${process.version}: ` +
        'building it with scripts/build-confluent-kafka.sh (a few minutes the first time)',
    );
    const build = spawnSync('bash', [join(repositoryRoot, 'scripts', 'build-confluent-kafka.sh')], {
      cwd: repositoryRoot,
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    if (build.status !== 0 || !addonLoads()) {
      throw new Error(
        `the native addon of ${MODULE} could not be built (scripts/build-confluent-kafka.sh exited ` +
          `${build.status}); the confluent tests cannot run without it`,
      );
    }
  }
  checked = true;
}

/** `require('@confluentinc/kafka-javascript').KafkaJS`, loaded after the instrumentation. */
export function confluentKafkaJs(): typeof KafkaJS {
  ensureConfluentAddon();
  return (require(MODULE) as { KafkaJS: typeof KafkaJS }).KafkaJS;
}

/** A Confluent KafkaJS client of the test broker. */
export function createConfluentKafka(): KafkaJS.Kafka {
  const { Kafka, logLevel } = confluentKafkaJs();
  return new Kafka({ kafkaJS: { brokers: kafkaBrokersFromEnv(), logLevel: logLevel.ERROR } });
}
