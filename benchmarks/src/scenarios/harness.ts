import type { Library } from '../model';
import type { Tracing } from '../tracing/install';

/** What a scenario gets from the worker. */
export interface Harness {
  tracing: Tracing;
  /** Registers the job's instrumentation for `library`; call before loading the library. */
  instrument(library: Library): void;
}
