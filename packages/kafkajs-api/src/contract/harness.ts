import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { Producer, RunConfig } from '../api';
import type { KafkaApiConfig } from '../config';

/** What the fake library's consumers and producers were given, after instrumentation. */
export interface FakeState {
  lastRunConfig: RunConfig | undefined;
  sent: unknown[];
  /** Makes the next commits fail. */
  failCommit: boolean;
}

/** A client of a fake library shaped like the real one: the `Kafka` class's instances. */
export interface FakeClient {
  consumer(config: unknown): { run(config: RunConfig): Promise<void> };
  producer(): Producer;
}

/**
 * One adapter, as the shared KafkaJS-API tests drive it: its instrumentation
 * patching a stand-in for its library that has the library's shape (where the
 * classes are, what `transaction()` resolves with, how `sendBatch` is made),
 * so the real patch code runs on synthetic payloads with no broker.
 */
export interface KafkaApiHarness {
  /** The library, in test titles. */
  library: string;
  fake: FakeState;
  /** A new, enabled instrumentation of the adapter. */
  create(config?: KafkaApiConfig): InstrumentationBase<KafkaApiConfig>;
  /** The fake library's module exports, as the require hook hands them to the patch. */
  module: object;
  /** The library version the patch is told. */
  version: string;
  /** The prototype of the fake `Kafka` class, whose `producer` and `consumer` are wrapped. */
  prototype: { producer: unknown; consumer: unknown };
  /** A new client of the fake library. */
  client(): FakeClient;
  /** The config that gives `kafka.consumer()` this group, in the library's words. */
  consumerConfig(groupId: string): unknown;
  /** A compiled module exporting this harness as `harness`, for the tests run in a child process. */
  modulePath: string;
}
