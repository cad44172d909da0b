// One aggregator of the consumer group, as its own process (`--group N`):
// started by the demo with `--require ./register-aggregator.js`, configured
// by FANIN_DEMO_AGGREGATOR (JSON), reporting its stats and spans over IPC.
// It stops on the demo's `stop` message, or dies to its `kill -9`.
import { Kafka, logLevel } from 'kafkajs';
import { Aggregator } from './aggregator';
import { AGGREGATOR_CONFIG_ENV, type AggregatorProcessConfig } from './aggregator-config';
import { telemetry } from './register-aggregator';
import type { ChildMessage } from './span-wire';

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const config = JSON.parse(process.env[AGGREGATOR_CONFIG_ENV] ?? '') as AggregatorProcessConfig;
  const kafka = new Kafka({
    clientId: `fanin-demo-aggregator-${process.pid}`,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const aggregator = new Aggregator(kafka, config.topics, {
    ...config,
    beforeCommit: telemetry.flush,
  });
  const report = setInterval(
    () => send({ type: 'stats', stats: aggregator.stats, pid: process.pid }),
    200,
  );
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    void (async () => {
      await aggregator.stop();
      clearInterval(report);
      send({ type: 'stats', stats: aggregator.stats, pid: process.pid });
      await telemetry.flush();
      send({ type: 'stopped', pid: process.pid });
      process.disconnect?.();
    })();
  });
  await aggregator.start();
  send({ type: 'started', pid: process.pid });
}

main().catch((error: unknown) => {
  console.error(`aggregator ${process.pid}:`, error instanceof Error ? error.message : error);
  process.exit(1);
});
