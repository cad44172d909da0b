// `kill -9` of a RabbitMQ node mid-stream, and its restart, under a traced
// publisher and a consumeBatch consumer that reconnect. The node is the
// test's own (packages/brokers/src/rabbitmq-node.ts): never the machine's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  killRabbitmqNode,
  type RabbitmqNode,
  restartRabbitmqNode,
  startRabbitmqNode,
  stopRabbitmqNode,
} from '@fanin/brokers/dist/rabbitmq-node';
import { consumeBatch } from '@fanin/instrumentation-amqplib';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { amqplibMajors, uniqueQueue, waitFor } from '../amqplib-fixture';
import { amqplibInstrumentation, tracing } from '../tracing';
import { EscapeWatch, FULL_RUN, printFigures } from './invariants';
import { processGroupMembers } from './process-group';
import { ProcessedMessages } from './processed';

const TOTAL = FULL_RUN ? 10_000 : 2_000;
const PUBLISH_BATCH = 100;
const [copy] = amqplibMajors();
if (copy === undefined) throw new Error('no amqplib copy');
const log = (line: string) => console.log(`[rabbitmq-node] ${line}`);

async function connectWhenUp(url: string, timeoutMs = 120_000): Promise<ChannelModel> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await copy?.promiseApi.connect(url)) as ChannelModel;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('kill -9 of a RabbitMQ node mid-stream, then its restart', () => {
  let node: RabbitmqNode | undefined;
  before(async () => {
    node = await startRabbitmqNode({ log });
  });
  after(async () => {
    if (node) await stopRabbitmqNode(node);
  });

  it('every processed message links its producer, nothing is left open, nothing unhandled', async () => {
    assert.ok(node);
    let current: RabbitmqNode = node;
    assert.notEqual(current.port, 5672, "never the machine's RabbitMQ");
    assert.equal(amqplibInstrumentation.isEnabled(), true);
    tracing.reset();
    const escapes = new EscapeWatch().start();
    const queue = uniqueQueue('broker-kill');
    const expectedErrors: unknown[] = [];
    /** Message id -> the producer key of its traceparent, and the batch span it was processed in. */
    const processed = new ProcessedMessages();
    let stopping = false;

    // The consumer: consumeBatch on its own connection, reconnecting after the broker died.
    const consumerConnections: ChannelModel[] = [];
    const consume = async (): Promise<void> => {
      const connection = await connectWhenUp(current.url);
      consumerConnections.push(connection);
      connection.on('error', (error) => expectedErrors.push(error));
      connection.on('close', () => {
        if (!stopping) consume().catch((error) => expectedErrors.push(error));
      });
      const channel = await connection.createChannel();
      channel.on('error', (error) => expectedErrors.push(error));
      await channel.assertQueue(queue, { durable: true });
      await consumeBatch(
        channel,
        queue,
        { maxMessages: 50, maxWaitMs: 50 },
        async (messages: ConsumeMessage[]) => {
          for (const message of messages) {
            processed.note(
              String(message.properties.messageId),
              message.properties.headers?.traceparent,
            );
          }
        },
      );
    };

    // The publisher: traced, persistent messages, confirmed in batches; what was not
    // confirmed when the broker died is published again once it is back.
    const confirmed = new Set<string>();
    const publishAll = async (): Promise<void> => {
      while (confirmed.size < TOTAL) {
        let connection: ChannelModel | undefined;
        try {
          connection = await connectWhenUp(current.url);
          connection.on('error', (error) => expectedErrors.push(error));
          const channel = await connection.createConfirmChannel();
          channel.on('error', (error) => expectedErrors.push(error));
          await channel.assertQueue(queue, { durable: true });
          for (let first = 0; first < TOTAL; first += PUBLISH_BATCH) {
            const ids = Array.from({ length: PUBLISH_BATCH }, (_, i) => `m${first + i}`).filter(
              (id) => !confirmed.has(id),
            );
            for (const id of ids) {
              channel.sendToQueue(queue, Buffer.from(id), { messageId: id, persistent: true });
            }
            await channel.waitForConfirms();
            for (const id of ids) confirmed.add(id);
            // A steady stream, so the kill lands mid-way.
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          await connection.close();
        } catch (error) {
          expectedErrors.push(error);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    };

    await consume();
    const publishing = publishAll();
    await waitFor(() => processed.size >= TOTAL / 3, 'a third of the stream processed');
    const group = processGroupMembers(current.pid);
    const processedAtKill = processed.size;
    const killed = current;
    await killRabbitmqNode(killed);
    const leftAfterKill = processGroupMembers(killed.pid);
    log(
      `killed -9 the process group ${current.pid} (${group.length} processes: ${group.join(' ')})`,
    );
    current = await restartRabbitmqNode(current, { log });
    await publishing;
    await waitFor(() => processed.size === TOTAL, `${TOTAL} messages processed`, 180_000);
    stopping = true;
    for (const connection of consumerConnections) await connection.close().catch(() => {});
    await waitFor(() => tracing.openSpans().length === 0, 'every span ended', 10_000).catch(
      () => {},
    );
    escapes.stop();
    node = current;

    const spans = tracing.spans();
    const unlinked = processed.unlinked(spans);
    const linked = processed.size - unlinked.length;
    printFigures('RabbitMQ kill -9 and restart', {
      'messages published (confirmed)': confirmed.size,
      'processed when killed': processedAtKill,
      'processed in all': processed.size,
      'deliveries (with redeliveries)': processed.deliveries,
      'processed messages linked to their producer': linked,
      'node processes killed': group.length,
      'node processes left after the kill': leftAfterKill.length,
      'spans started': tracing.startedCount(),
      'spans left open': tracing.openSpans().length,
      'connection errors seen and handled': expectedErrors.length,
      'unhandled errors': escapes.escaped.length,
    });
    assert.ok(processedAtKill < TOTAL, 'the kill landed mid-stream');
    assert.ok(group.length >= 2, 'the node ran as a shell and an Erlang VM in its own group');
    assert.deepEqual(leftAfterKill, [], 'the whole node died');
    assert.deepEqual(unlinked.slice(0, 5), [], 'processed messages whose producer is not linked');
    assert.equal(linked, TOTAL);
    assert.equal(tracing.openSpans().length, 0, 'spans left open');
    assert.equal(tracing.startedCount(), spans.length);
    assert.deepEqual(escapes.escaped, []);
  });
});
