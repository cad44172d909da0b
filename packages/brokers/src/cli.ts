#!/usr/bin/env node
import { relative } from 'node:path';
import { reapAbandonedContainers, stopContainer } from './containers';
import { pingDocker } from './docker';
import { removeEnvFile, renderEnvLines, writeEnvFile } from './env-file';
import { kafkaKind } from './kafka-kind';
import { stopLocalKafka } from './kafka-local/launch';
import { type BrokerPaths, brokerPaths } from './paths';
import { rabbitmqKind } from './rabbitmq-kind';
import { resolveBrokerSet } from './resolve';
import { readState, writeState } from './state';
import type { BrokersState } from './types';

const USAGE = `usage: node packages/brokers/dist/cli.js up|down|env|reap
  up    find or start Kafka and RabbitMQ, leave them running, write .brokers.env
  down  stop what \`up\` started, remove its state and .brokers.env
  env   print the export lines of the brokers that are up
  reap  remove containers of test runs that are gone (killed before they could)`;

const log = (line: string) => process.stderr.write(`[brokers] ${line}\n`);

async function up(paths: BrokerPaths): Promise<number> {
  const { brokers, state } = await resolveBrokerSet({ detached: true, log, root: paths.root });
  // Keep records of brokers this run took from the environment instead, so `down` still stops them.
  writeState(paths.stateFile, { ...readState(paths.stateFile), ...state });
  const lines = renderEnvLines(brokers);
  writeEnvFile(paths.envFile, lines);
  log(brokers.describe().replaceAll('\n', '\n[brokers] '));
  log(
    `wrote ${relative(process.cwd(), paths.envFile) || paths.envFile}; \`source\` it, stop with \`npm run brokers:down\``,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function down(paths: BrokerPaths): Promise<number> {
  const state = readState(paths.stateFile);
  const kafka = state.kafka;
  if (kafka?.origin === 'local jars') {
    log(`stopping Apache Kafka ${kafka.version} (pid ${kafka.pid})`);
    await stopLocalKafka(kafka);
  } else if (kafka?.origin === 'container') {
    log(`stopping container ${kafka.containerId.slice(0, 12)} (${kafka.image})`);
    await stopContainer(kafka.containerId);
  }
  const rabbitmq = state.rabbitmq;
  if (rabbitmq?.origin === 'container') {
    log(`stopping container ${rabbitmq.containerId.slice(0, 12)} (${rabbitmq.image})`);
    await stopContainer(rabbitmq.containerId);
  } else if (rabbitmq?.origin === 'local service') {
    log("leaving the machine's RabbitMQ service running");
  }
  if (!kafka && !rabbitmq) log('nothing recorded as up');
  writeState(paths.stateFile, {});
  removeEnvFile(paths.envFile);
  return 0;
}

async function env(paths: BrokerPaths): Promise<number> {
  const state: BrokersState = readState(paths.stateFile);
  const kafka = state.kafka && kafkaKind(paths.root, undefined);
  const rabbitmq = state.rabbitmq && rabbitmqKind(undefined);
  const checks = await Promise.all([
    state.kafka && kafka ? kafka.probe(state.kafka.brokers) : undefined,
    state.rabbitmq && rabbitmq ? rabbitmq.probe(state.rabbitmq.url) : undefined,
  ]);
  const down = checks.flatMap((check) => (check && !check.ok ? [check.reason] : []));
  if ((!state.kafka && !state.rabbitmq) || down.length > 0) {
    log(
      `brokers are not up${down.length > 0 ? ` (${down.join('; ')})` : ''}; start them with \`npm run brokers:up\``,
    );
    return 1;
  }
  const lines = renderEnvLines({
    kafkaBrokers: state.kafka?.brokers ?? [],
    rabbitmqUrl: state.rabbitmq?.url ?? '',
  });
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function reap(): Promise<number> {
  const docker = await pingDocker();
  if (!docker.ok) {
    log(`no Docker engine answers (${docker.reason}); nothing to reap`);
    return 0;
  }
  const removed = await reapAbandonedContainers(log);
  log(`${removed} abandoned container${removed === 1 ? '' : 's'} removed`);
  return 0;
}

const commands: Record<string, (paths: BrokerPaths) => Promise<number>> = { up, down, env, reap };

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && commands[argv[0]];
  if (!command || argv.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  return command(brokerPaths());
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[brokers] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
