#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { findRepoRoot } from '../paths';
import { buildStandIns } from './build';
import { STAND_IN_DEBIAN_SUITES, STAND_IN_KAFKA_VERSIONS } from './specs';
import { renderStandInEnv } from './stand-in-env';

const USAGE = `usage: node packages/brokers/dist/images/cli.js build [--matrix] [--rebuild]
  builds (or reuses) the stand-in broker images, prints the env lines that select them and
  writes them to .cache/images/stand-ins.env
  --matrix   also the versions the test matrix runs against (Kafka ${STAND_IN_KAFKA_VERSIONS.slice(1).join(', ')}, RabbitMQ from Debian ${STAND_IN_DEBIAN_SUITES.slice(1).join(', ')})
  --rebuild  ignore every cache`;

const log = (line: string) => process.stderr.write(`[images] ${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  const known = new Set(['--matrix', '--rebuild']);
  if (command !== 'build' || flags.some((flag) => !known.has(flag))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const matrix = flags.includes('--matrix') || Boolean(process.env.FANIN_MATRIX);
  const root = findRepoRoot();
  const started = Date.now();
  const images = await buildStandIns({
    root,
    kafkaVersions: matrix ? STAND_IN_KAFKA_VERSIONS : STAND_IN_KAFKA_VERSIONS.slice(0, 1),
    suites: matrix ? STAND_IN_DEBIAN_SUITES : STAND_IN_DEBIAN_SUITES.slice(0, 1),
    rebuild: flags.includes('--rebuild'),
    log,
  });
  const lines = renderStandInEnv(images);
  const envFile = join(root, '.cache', 'images', 'stand-ins.env');
  // A fresh clone whose images were all reused has no .cache/images yet.
  mkdirSync(dirname(envFile), { recursive: true });
  writeFileSync(envFile, `${lines.join('\n')}\n`);
  log(
    `ready in ${Math.round((Date.now() - started) / 1000)} s; wrote ${relative(process.cwd(), envFile)} (\`source\` it)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
