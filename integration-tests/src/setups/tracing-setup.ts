// In the setup child: registers the SDK and the instrumentations the way the
// scenario says, in the order it says. Every package is required here, when
// the scenario asks for it, so that nothing is loaded (or hooked) earlier
// than in the application the scenario stands for.
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Scenario } from './scenario';

export interface TracingHandle {
  /** Finished spans so far (none without an SDK). */
  spans(): ReadableSpan[];
  /** The names of the official kafkajs / amqplib instrumentations getNodeAutoInstrumentations() returned. */
  autoMessagingInstrumentations: string[];
  shutdown(): Promise<void>;
}

const MESSAGING_INSTRUMENTATIONS = new Set([
  '@opentelemetry/instrumentation-kafkajs',
  '@opentelemetry/instrumentation-amqplib',
]);

/** The instrumentations of the scenario, constructed (and so enabled) in its order. */
function constructInstrumentations(scenario: Scenario): {
  instrumentations: Instrumentation[];
  autoNames: string[];
} {
  const instrumentations: Instrumentation[] = [];
  const autoNames: string[] = [];
  for (const set of scenario.instrumentations) {
    if (set === 'fanin') {
      const { KafkaJsInstrumentation } =
        require('@fanin/instrumentation-kafkajs') as typeof import('@fanin/instrumentation-kafkajs');
      const { AmqplibInstrumentation } =
        require('@fanin/instrumentation-amqplib') as typeof import('@fanin/instrumentation-amqplib');
      const config =
        scenario.processWarnings === undefined ? {} : { processWarnings: scenario.processWarnings };
      instrumentations.push(new KafkaJsInstrumentation(config), new AmqplibInstrumentation(config));
    } else {
      const { getNodeAutoInstrumentations } =
        require('@opentelemetry/auto-instrumentations-node') as typeof import('@opentelemetry/auto-instrumentations-node');
      const auto =
        scenario.autoConfig === 'kafkajs-and-amqplib-disabled'
          ? getNodeAutoInstrumentations({
              '@opentelemetry/instrumentation-kafkajs': { enabled: false },
              '@opentelemetry/instrumentation-amqplib': { enabled: false },
            })
          : getNodeAutoInstrumentations();
      for (const instrumentation of auto) {
        if (MESSAGING_INSTRUMENTATIONS.has(instrumentation.instrumentationName)) {
          autoNames.push(instrumentation.instrumentationName);
        }
      }
      instrumentations.push(...auto);
    }
  }
  return { instrumentations, autoNames };
}

function withRegisterInstrumentations(scenario: Scenario): TracingHandle {
  // The SDK first (the in-memory one of the test suite), then the instrumentations.
  const { installTestTracing } = require('@fanin/test-utils') as typeof import('@fanin/test-utils');
  const tracing = installTestTracing();
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { instrumentations, autoNames } = constructInstrumentations(scenario);
  const deregister = registerInstrumentations({ instrumentations });
  return {
    spans: () => tracing.spans(),
    autoMessagingInstrumentations: autoNames,
    shutdown: async () => {
      deregister();
      await tracing.provider.shutdown();
    },
  };
}

function withNodeSdk(scenario: Scenario): TracingHandle {
  const { InMemorySpanExporter, SimpleSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { instrumentations, autoNames } = constructInstrumentations(scenario);
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    instrumentations,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    // No resource detection: nothing to look up, nothing to wait for.
    resourceDetectors: [],
  });
  sdk.start();
  return {
    spans: () => exporter.getFinishedSpans(),
    autoMessagingInstrumentations: autoNames,
    shutdown: () => sdk.shutdown(),
  };
}

function withoutSdk(scenario: Scenario): TracingHandle {
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { instrumentations, autoNames } = constructInstrumentations(scenario);
  const deregister = registerInstrumentations({ instrumentations });
  return {
    spans: () => [],
    autoMessagingInstrumentations: autoNames,
    shutdown: async () => deregister(),
  };
}

export function setUpTracing(scenario: Scenario): TracingHandle {
  switch (scenario.sdk) {
    case 'registerInstrumentations':
      return withRegisterInstrumentations(scenario);
    case 'NodeSDK':
      return withNodeSdk(scenario);
    case 'none':
      return withoutSdk(scenario);
  }
}
