// Runs the integration suite against real brokers: those named by
// KAFKA_BROKERS / RABBITMQ_URL, else ones started by `npm run brokers:up`,
// else containers (Docker), else local processes. It stops what it started.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { withBrokers } from '@fanin/brokers';

/** The test files of this folder and its subfolders (datadog/). */
function testFiles(dir = __dirname): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return testFiles(join(dir, entry.name));
    return entry.name.endsWith('.test.js') ? [join(dir, entry.name)] : [];
  });
}

async function main(): Promise<number> {
  return withBrokers(async (brokers) => {
    console.log(`integration tests against:\n${brokers.describe()}`);
    const result = spawnSync(
      process.execPath,
      [
        '--test',
        '--test-reporter=spec',
        '--test-concurrency=1',
        '--test-timeout=300000',
        ...testFiles(),
      ],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          // As an application would, load the SDK and the instrumentations before
          // anything else, whatever order a test file's imports end up in.
          NODE_OPTIONS:
            `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'tracing.js')}`.trim(),
          KAFKA_BROKERS: brokers.kafkaBrokers.join(','),
          RABBITMQ_URL: brokers.rabbitmqUrl,
        },
      },
    );
    return result.status ?? 1;
  });
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
