#!/usr/bin/env node
// `npm run test:containers`: the integration suite with its brokers in containers only
// (FANIN_BROKERS=containers), once, or with --matrix once per broker version.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { kafkaImage, rabbitmqImage } from '../containers';
import { ENV, MATRIX_IMAGES } from '../defaults';
import { pingDocker } from '../docker';
import { MATRIX_ENV } from '../images/stand-in-env';
import { findRepoRoot } from '../paths';
import { noDockerMessage } from '../resolve-one';
import {
  failingTests,
  isFlagSet,
  type MatrixRun,
  matrixRuns,
  parseImageList,
  parseTestSummary,
  type RunResult,
  renderReport,
} from './matrix';

const USAGE = `usage: node packages/brokers/dist/suite/cli.js [--matrix] [--suite FILE]
  runs the integration suite (default integration-tests/dist/run.js) with FANIN_BROKERS=containers
  --matrix  once per broker version: ${MATRIX_ENV.kafka} / ${MATRIX_ENV.rabbitmq}
            (comma-separated, first = baseline; default ${MATRIX_IMAGES.kafka.join(', ')} and
            ${MATRIX_IMAGES.rabbitmq.join(', ')}); also FANIN_MATRIX=1`;

const log = (line: string) => process.stderr.write(`[test:containers] ${line}\n`);

interface Options {
  matrix: boolean;
  suite: string;
}

function parseArgs(argv: string[], root: string): Options | undefined {
  let matrix = isFlagSet(process.env.FANIN_MATRIX);
  let suite = 'integration-tests/dist/run.js';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--matrix') matrix = true;
    else if (arg === '--suite' && argv[i + 1]) suite = argv[++i] as string;
    else return undefined;
  }
  return { matrix, suite: resolve(root, suite) };
}

function plannedRuns(matrix: boolean): MatrixRun[] {
  if (!matrix) return [{ kafkaImage: kafkaImage(), rabbitmqImage: rabbitmqImage() }];
  return matrixRuns(
    parseImageList(process.env[MATRIX_ENV.kafka]) ?? [...MATRIX_IMAGES.kafka],
    parseImageList(process.env[MATRIX_ENV.rabbitmq]) ?? [...MATRIX_IMAGES.rabbitmq],
  );
}

let interruptedBy: NodeJS.Signals | undefined;
let current: { pid: number } | undefined;

function forwardSignals(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) return;
    interruptedBy = signal;
    log(`${signal}: stopping the suite (it removes its containers)`);
    // The suite runs in its own process group: send the signal to all of it, once.
    if (current) {
      try {
        process.kill(-current.pid, signal);
      } catch {
        // already gone
      }
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function runSuite(suite: string, run: MatrixRun): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [suite], {
      env: {
        ...process.env,
        [ENV.brokersMode]: 'containers',
        [ENV.kafkaImage]: run.kafkaImage,
        [ENV.rabbitmqImage]: run.rabbitmqImage,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid !== undefined) current = { pid: child.pid };
    let output = '';
    const tee = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
      target.write(chunk);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    const finish = (exit: number | string) => {
      current = undefined;
      resolvePromise({
        ...run,
        exit,
        counts: parseTestSummary(output),
        failing: failingTests(output),
        seconds: Math.round((Date.now() - started) / 1000),
      });
    };
    child.once('error', (error) => {
      output += `${error.message}\n`;
      finish(error.message);
    });
    child.once('close', (code, signal) => finish(signal ?? code ?? 1));
  });
}

async function main(argv: string[]): Promise<number> {
  const root = findRepoRoot();
  const options = parseArgs(argv, root);
  if (!options) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!existsSync(options.suite)) {
    throw new Error(
      `${relative(root, options.suite)} not found; build the suite first (npm run build)`,
    );
  }
  const docker = await pingDocker();
  if (!docker.ok) throw new Error(noDockerMessage(docker.reason));

  const runs = plannedRuns(options.matrix);
  forwardSignals();
  const results: RunResult[] = [];
  for (const [index, run] of runs.entries()) {
    if (interruptedBy) break;
    log(`run ${index + 1}/${runs.length}: Kafka ${run.kafkaImage}, RabbitMQ ${run.rabbitmqImage}`);
    results.push(await runSuite(options.suite, run));
  }
  const label = options.matrix ? 'matrix' : 'containers';
  process.stdout.write(`\n${label} results:\n${renderReport(results, label).join('\n')}\n`);
  if (interruptedBy) return 130;
  return results.every((result) => result.exit === 0 && result.counts?.fail === 0) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
