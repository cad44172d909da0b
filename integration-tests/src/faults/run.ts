// `node dist/faults/run.js [--bounded]`, from integration-tests/: the fault
// suite alone, in full (FANIN_FAULTS_FULL=1: 100,000+ header sets per
// library, longer broker-kill streams) or bounded as in CI, against the
// brokers run.ts would use; every part's figures printed again at the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withBrokers } from '@fanin/brokers';
import { type Figures, printFigures } from './invariants';

async function main(): Promise<number> {
  const bounded = process.argv.includes('--bounded');
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => join(__dirname, name));
  const scratch = mkdtempSync(join(tmpdir(), 'fanin-faults-'));
  const figuresFile = join(scratch, 'figures.jsonl');
  try {
    return await withBrokers(async (brokers) => {
      console.log(`fault suite (${bounded ? 'bounded' : 'full'}) against:\n${brokers.describe()}`);
      const result = spawnSync(
        process.execPath,
        [
          '--test',
          '--test-reporter=spec',
          '--test-concurrency=1',
          '--test-timeout=3600000',
          ...files,
        ],
        {
          stdio: 'inherit',
          env: {
            ...process.env,
            NODE_OPTIONS:
              `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, '..', 'tracing.js')}`.trim(),
            KAFKA_BROKERS: brokers.kafkaBrokers.join(','),
            RABBITMQ_URL: brokers.rabbitmqUrl,
            FANIN_FAULTS_FULL: bounded ? '0' : '1',
            FANIN_FAULTS_FIGURES: figuresFile,
          },
        },
      );
      console.log('\n=== fault suite figures ===');
      let text = '';
      try {
        text = readFileSync(figuresFile, 'utf8');
      } catch {
        console.log('(no figures were written)');
      }
      for (const line of text.split('\n').filter(Boolean)) {
        const { part, figures } = JSON.parse(line) as { part: string; figures: Figures };
        printFigures(part, figures);
      }
      return result.status ?? 1;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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
