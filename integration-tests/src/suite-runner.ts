// Runs test files in one `node --test` child against real brokers: those
// named by KAFKA_BROKERS / RABBITMQ_URL, else ones started by `npm run
// brokers:up`, else containers (Docker), else local processes. It stops what
// it started, and prints the fault suite's figures at the end of the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withBrokers } from '@fanin/brokers';
import { type Figures, printFigures } from './faults/invariants';

export interface SuiteRun {
  /** What the first line says is run. */
  label: string;
  files: string[];
  testTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** The test files of `dir` and, with `recursive`, of its subfolders. */
export function testFilesIn(dir: string, recursive: boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return recursive ? testFilesIn(join(dir, entry.name), true) : [];
    return entry.name.endsWith('.test.js') ? [join(dir, entry.name)] : [];
  });
}

async function runSuite(run: SuiteRun): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'fanin-suite-'));
  const figuresFile = join(scratch, 'fault-figures.jsonl');
  try {
    return await withBrokers(async (brokers) => {
      console.log(`${run.label} against:\n${brokers.describe()}`);
      const result = spawnSync(
        process.execPath,
        [
          '--test',
          '--test-reporter=spec',
          '--test-concurrency=1',
          `--test-timeout=${run.testTimeoutMs}`,
          ...run.files,
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
            FANIN_FAULTS_FIGURES: figuresFile,
            ...run.env,
          },
        },
      );
      printFaultFigures(figuresFile);
      return result.status ?? 1;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function printFaultFigures(file: string): void {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // no fault-suite file ran
  }
  console.log('\n=== fault suite figures ===');
  for (const line of text.split('\n').filter(Boolean)) {
    const { part, figures } = JSON.parse(line) as { part: string; figures: Figures };
    printFigures(part, figures);
  }
}

/** Runs the suite and sets the exit code from it. */
export function runSuiteAsMain(run: SuiteRun): void {
  runSuite(run).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
