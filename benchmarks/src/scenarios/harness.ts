import type { EachBatchHandler, EachMessageHandler } from 'kafkajs';
import type { Library } from '../model';
import type { Tracing } from '../tracing/install';

/** What a scenario gets from the worker. */
export interface Harness {
  tracing: Tracing;
  /** Registers the job's instrumentation for `library`; call before loading the library. */
  instrument(library: Library): void;
  /** The eachBatch handler as the job's mode runs it: as kafkajs passed it, or inside the floor. */
  wrapEachBatch(handler: EachBatchHandler): EachBatchHandler;
  /** The eachMessage handler as the job's mode runs it: as kafkajs passed it, or inside the floor. */
  wrapEachMessage(handler: EachMessageHandler): EachMessageHandler;
}
