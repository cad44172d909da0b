import type { Tracer } from '@opentelemetry/api';
import { type LinkLimits, type OverflowPolicy, resolveLinkLimits } from './limits';
import { MessagingAttributeNames, type SemconvStability, semconvStabilityFromEnv } from './semconv';

/** The config options every fanin instrumentation shares. */
export interface TracingConfig {
  /** Most links on any one span. Default 128 (the SDK's default `linkCountLimit`). */
  maxLinksPerSpan?: number;
  /** Links past `maxLinksPerSpan`: `spill` onto child spans (default) or `drop` (counted). */
  overflow?: OverflowPolicy;
  /** Old, new or both attribute names; default from OTEL_SEMCONV_STABILITY_OPT_IN, else `new`. */
  semconvStability?: SemconvStability;
}

/** An instrumentation's config as its wrappers use it: validated, with defaults filled in. */
export interface TracingSettings<C extends TracingConfig> {
  tracer: Tracer;
  config: C;
  limits: LinkLimits;
  names: MessagingAttributeNames;
}

export function resolveTracingSettings<C extends TracingConfig>(
  tracer: Tracer,
  config: C,
): TracingSettings<C> {
  return {
    tracer,
    config,
    limits: resolveLinkLimits(config),
    names: new MessagingAttributeNames(config.semconvStability ?? semconvStabilityFromEnv()),
  };
}

/**
 * Resolves settings again only when the tracer or the config object changed
 * (`setTracerProvider`, `setConfig`), so an invalid option is warned about
 * once, not on every message.
 */
export class TracingSettingsCache<C, S extends { tracer: Tracer; config: C }> {
  private cached: S | undefined;

  constructor(private readonly resolve: (tracer: Tracer, config: C) => S) {}

  get(tracer: Tracer, config: C): S {
    if (this.cached?.tracer !== tracer || this.cached.config !== config) {
      this.cached = this.resolve(tracer, config);
    }
    return this.cached;
  }
}
