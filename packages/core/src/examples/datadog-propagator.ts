// Read and write Datadog's x-datadog-* headers beside W3C's.
import { DatadogPropagator } from '@fanin/core';
import { propagation } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

propagation.setGlobalPropagator(
  new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new DatadogPropagator()],
  }),
);
