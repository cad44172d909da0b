// A stand-in for the parts of a kafkajs client the aggregator and its
// delivery use, recording which producers were made and let go.
import type { Kafka } from 'kafkajs';

export interface FakeProducer {
  transactionalId: string | undefined;
  connected: boolean;
  /** Resolves the disconnect under way, when `holdDisconnects` is set. */
  releaseDisconnect?: () => void;
}

type GroupJoinListener = (event: {
  payload: { memberAssignment: Record<string, number[]> };
}) => void;

export class FakeKafka {
  readonly producers: FakeProducer[] = [];
  /** Disconnects wait for `releaseDisconnect` (to hold a claim in its `release`). */
  holdDisconnects = false;
  private groupJoin: GroupJoinListener | undefined;

  get client(): Kafka {
    return this as unknown as Kafka;
  }

  /** Producers connected and never disconnected. */
  leaked(): FakeProducer[] {
    return this.producers.filter((producer) => producer.connected);
  }

  /** The consumer group hands this member `partitions` of `topic`. */
  assign(topic: string, partitions: number[]): void {
    this.groupJoin?.({ payload: { memberAssignment: { [topic]: partitions } } });
  }

  producer(config: { transactionalId?: string } = {}) {
    const state: FakeProducer = { transactionalId: config.transactionalId, connected: false };
    this.producers.push(state);
    return {
      connect: async () => {
        state.connected = true;
      },
      disconnect: async () => {
        if (this.holdDisconnects)
          await new Promise<void>((resolve) => (state.releaseDisconnect = resolve));
        state.connected = false;
      },
      transaction: async () => ({
        send: async () => [],
        sendOffsets: async () => {},
        commit: async () => {},
        abort: async () => {},
        isActive: () => false,
      }),
      send: async () => [],
    };
  }

  admin() {
    return {
      connect: async () => {},
      disconnect: async () => {},
      fetchOffsets: async () => [{ partitions: [] }],
    };
  }

  consumer() {
    return {
      events: { GROUP_JOIN: 'consumer.group_join' },
      on: (_event: string, listener: GroupJoinListener) => {
        this.groupJoin = listener;
      },
      connect: async () => {},
      subscribe: async () => {},
      run: async () => {},
      disconnect: async () => {},
      seek: () => {},
      commitOffsets: async () => {},
    };
  }
}
