// The two propagator setups the fuzz alternates between: W3C alone (fanin's
// direct traceparent path) and every format the header sets carry.
import { propagation, type TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';

export const PROPAGATORS: ReadonlyArray<[string, TextMapPropagator]> = [
  ['W3C trace context', new W3CTraceContextPropagator()],
  [
    'W3C + baggage + B3 + Jaeger',
    new CompositePropagator({
      propagators: [
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
        new B3Propagator(),
        new JaegerPropagator(),
      ],
    }),
  ],
];

/** Makes `propagator` the global one (the API keeps the first unless disabled). */
export function useGlobalPropagator(propagator: TextMapPropagator): void {
  propagation.disable();
  propagation.setGlobalPropagator(propagator);
}
