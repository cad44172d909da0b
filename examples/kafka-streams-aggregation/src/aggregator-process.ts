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
  const sendStats = () => send({ type: 'stats', stats: aggregator.stats, pid: process.pid });
  const aggregator: Aggregator = new Aggregator(kafka, config.topics, {
    ...config,
    // The spans of what is about to be committed have left the process; the
    // demo hears at once that a commit is under way (its chance to kill).
    beforeCommit: async () => {
      await telemetry.flush();
      sendStats();
    },
    // Once the window's delivery has recorded its pending commit.
    onEmit: () => setImmediate(sendStats),
  });
  const report = setInterval(sendStats, 200);
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    void (async () => {
      await aggregator.stop();
      clearInterval(report);
      sendStats();
      await telemetry.flush();
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
