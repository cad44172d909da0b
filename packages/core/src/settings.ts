import { createNoopMeter, type Meter, type Tracer } from '@opentelemetry/api';
import { type LinkBudget, type LinkLimits, type OverflowPolicy, resolveLinkLimits } from './limits';
import type { LinkPolicy } from './links';
import type { MessageContextMode } from './message-span';
import { MessagingMetrics } from './metrics';
import { MessagingAttributeNames, type SemconvStability, semconvStabilityFromEnv } from './semconv';

/**
 * Where a consumer span that is not parented on its producer goes: a new
 * trace (the default), or under the span active when the library calls the
 * handler (a span around `consumer.run()`, or another tracer's consume span).
 */
export type ConsumerSpanParent = 'new-trace' | 'active';

/** The config options every fanin instrumentation shares. */
export interface TracingConfig extends LinkPolicy {
  /** Most links on any one span. Default 128 (the SDK's default `linkCountLimit`). */
  maxLinksPerSpan?: number;
  /** Links past a span's budget: `spill` onto child spans (default) or `drop` (counted). */
  overflow?: OverflowPolicy;
  /**
   * How a span's links are measured besides their count: `auto` (default) by
   * what the tracer encodes where fanin knows it (Datadog's tracer), `count`,
   * or `datadog`.
   */
  linkBudget?: LinkBudget;
  /** Old, new or both attribute names; default from OTEL_SEMCONV_STABILITY_OPT_IN, else `new`. */
  semconvStability?: SemconvStability;
  /** Also start a child span per message of a batch, linked to its producer. Default false. */
  perMessageSpans?: boolean;
  /**
   * How the span of a single-message handler relates to the producer:
   * `parent+link` (default) makes the producer its parent and links it;
   * `link-only` links it and leaves the parent to `consumerSpanParent`.
   */
  messageContext?: MessageContextMode;
  /**
   * The parent of a batch span, and of a message span not parented on its
   * producer: `new-trace` (default) or `active`.
   */
  consumerSpanParent?: ConsumerSpanParent;
  /** Replace a trace context a message already carries when sending it. Default false. */
  overwriteExistingContext?: boolean;
  /**
   * Record the messaging metrics of the conventions and fanin's fan-in
   * metrics through the instrumentation's meter. Default true; without a
   * MeterProvider they cost nothing.
   */
  recordMetrics?: boolean;
  /**
   * Report setup problems (no tracer provider, two API copies, another
   * instrumentation's wrappers, a library loaded too early) through
   * `process.emitWarning` as well as `diag`. Default true; the environment
   * variable FANIN_PROCESS_WARNINGS=false turns them off too.
   */
  processWarnings?: boolean;
}

/** An instrumentation's config as the flows use it: validated, with defaults filled in. */
export interface TracingSettings<C extends TracingConfig = TracingConfig> {
  /** `messaging.system` of the instrumented library, e.g. `kafka`. */
  system: string;
  tracer: Tracer;
  config: C;
  limits: LinkLimits;
  /** Which producer contexts become links, and what a link keeps. */
  links: LinkPolicy;
  names: MessagingAttributeNames;
  consumerSpanParent: ConsumerSpanParent;
  /** The instruments, or undefined when metrics are off or there is no meter. */
  metrics: MessagingMetrics | undefined;
}

export function resolveTracingSettings<C extends TracingConfig>(
  system: string,
  tracer: Tracer,
  config: C,
  meter?: Meter,
): TracingSettings<C> {
  return {
    system,
    tracer,
    config,
    limits: resolveLinkLimits(config),
    links: {
      linkUnsampledProducers: config.linkUnsampledProducers === true,
      linkTraceState: config.linkTraceState === true,
      readDatadogHeaders: config.readDatadogHeaders !== false,
    },
    names: new MessagingAttributeNames(config.semconvStability ?? semconvStabilityFromEnv()),
    consumerSpanParent: config.consumerSpanParent === 'active' ? 'active' : 'new-trace',
    metrics:
      meter !== undefined && config.recordMetrics !== false && !isNoopMeter(meter)
        ? instrumentsOf(meter)
        : undefined,
  };
}

/** The API's no-op meter (no MeterProvider registered), of this copy of the API or another. */
function isNoopMeter(meter: Meter): boolean {
  return meter === createNoopMeter() || meter.constructor?.name === 'NoopMeter';
}

const instruments = new WeakMap<Meter, MessagingMetrics>();

/** One set of instruments per meter, whatever the config changes. */
function instrumentsOf(meter: Meter): MessagingMetrics {
  let found = instruments.get(meter);
  if (found === undefined) {
    found = new MessagingMetrics(meter);
    instruments.set(meter, found);
  }
  return found;
}

/**
 * Resolves settings again only when the tracer, the meter or the config
 * object changed (`setTracerProvider`, `setMeterProvider`, `setConfig`), so
 * an invalid option is warned about once, not on every message.
 */
export class TracingSettingsCache<C, S extends { tracer: Tracer; config: C }> {
  private cached: { settings: S; meter: Meter | undefined } | undefined;

  constructor(private readonly resolve: (tracer: Tracer, config: C, meter?: Meter) => S) {}

  get(tracer: Tracer, config: C, meter?: Meter): S {
    const cached = this.cached;
    if (
      cached !== undefined &&
      cached.settings.tracer === tracer &&
      cached.settings.config === config &&
      cached.meter === meter
    ) {
      return cached.settings;
    }
    const settings = this.resolve(tracer, config, meter);
    this.cached = { settings, meter };
    return settings;
  }
}

/** Where a flow gets its settings: undefined while the instrumentation is disabled. */
export type SettingsSource<S extends TracingSettings = TracingSettings> = () => S | undefined;
