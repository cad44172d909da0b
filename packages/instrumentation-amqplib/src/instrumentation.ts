import { TracingSettingsCache } from '@fanin/core';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { type ConsumeFunction, traceConsume } from './consume';
import { type PublishFunction, traceConfirmPublish, tracePublish } from './publish';
import { registerInstrumentation, unregisterInstrumentation } from './registry';
import { type AmqpTracingSettings, resolveSettings } from './settings';
import {
  type ChannelEmit,
  endEveryPendingDelivery,
  SETTLE_METHODS,
  type SettleMethod,
  type SettleMethodName,
  traceChannelEmit,
  traceSettle,
} from './settle';
import type { AmqplibInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

const SUPPORTED_VERSIONS = ['>=0.10.0 <3'];

/**
 * The two files that define amqplib's channel classes: the promise API's and
 * the callback API's. Both are patched the same way; patching by file, not by
 * the package's main export, reaches channels however the application got them.
 */
export const CHANNEL_MODEL_FILES = [
  'amqplib/lib/channel_model.js',
  'amqplib/lib/callback_model.js',
];

type Prototype = Record<string, unknown>;

/** The exports of a channel model file that fanin patches. */
export interface ChannelModelExports {
  Channel: { prototype: object };
  ConfirmChannel: { prototype: object };
}

const SETTLE_METHOD_NAMES = Object.keys(SETTLE_METHODS) as SettleMethodName[];

/**
 * Traces amqplib 0.10.x to 2.x: publishes (PRODUCER spans, context in the
 * headers; on confirm channels ended at the confirm), consumed deliveries (a
 * `process` span each, ended at settlement), multiple-message settlements
 * (one settle span linked to every producer), and provides `consumeBatch`
 * with its tracer and config. This class only says where amqplib is
 * intercepted; what is recorded lives in publish.ts, consume.ts, settle.ts
 * and consume-batch.ts.
 */
export class AmqplibInstrumentation extends InstrumentationBase<AmqplibInstrumentationConfig> {
  // Not initialised in their declarations: InstrumentationBase's constructor
  // calls enable() before this class's fields are set up.
  private settingsCache?: TracingSettingsCache<AmqplibInstrumentationConfig, AmqpTracingSettings>;
  /** Every copy of the model files this instance patched (an application may load two). */
  private patchedModels?: Set<ChannelModelExports>;
  /** Prototypes whose `emit` was inherited, so unpatching deletes the wrapper again. */
  private inheritedEmit?: WeakSet<object>;

  constructor(config: AmqplibInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    const files = CHANNEL_MODEL_FILES.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          file,
          SUPPORTED_VERSIONS,
          (moduleExports: ChannelModelExports) => this.patchModel(moduleExports),
          (moduleExports: ChannelModelExports | undefined) => this.unpatchModel(moduleExports),
        ),
    );
    return new InstrumentationNodeModuleDefinition(
      'amqplib',
      SUPPORTED_VERSIONS,
      undefined,
      undefined,
      files,
    );
  }

  override enable(): void {
    super.enable();
    for (const model of this.patchedModels ?? []) this.patchModel(model);
    registerInstrumentation(this, () => this.currentSettings());
  }

  override disable(): void {
    super.disable();
    // InstrumentationBase remembers one copy per file; undo every copy it patched.
    for (const model of this.patchedModels ?? []) this.unpatchWrappers(model);
    unregisterInstrumentation(this);
    endEveryPendingDelivery();
  }

  /** The current settings, or undefined while disabled (wrapped callbacks then pass through). */
  private currentSettings(): AmqpTracingSettings | undefined {
    if (!this.isEnabled()) return undefined;
    this.settingsCache ??= new TracingSettingsCache(resolveSettings);
    return this.settingsCache.get(this.tracer, this.getConfig());
  }

  private patchModel(model: ChannelModelExports): ChannelModelExports {
    const channel = model?.Channel?.prototype as Prototype | undefined;
    const confirm = model?.ConfirmChannel?.prototype as Prototype | undefined;
    if (channel === undefined || confirm === undefined) {
      this._diag.warn('amqplib channel classes not found; amqplib is not traced');
      return model;
    }
    this.unpatchWrappers(model);
    const getSettings = () => this.currentSettings();
    this._wrap(channel, 'publish', (original) =>
      tracePublish(getSettings, original as PublishFunction),
    );
    this._wrap(confirm, 'publish', (original) =>
      traceConfirmPublish(getSettings, original as PublishFunction),
    );
    this._wrap(channel, 'consume', (original) =>
      traceConsume(getSettings, original as ConsumeFunction),
    );
    for (const name of SETTLE_METHOD_NAMES) {
      this._wrap(channel, name, (original) =>
        traceSettle(getSettings, name, original as SettleMethod),
      );
    }
    if (!Object.hasOwn(channel, 'emit')) {
      this.inheritedEmit ??= new WeakSet();
      this.inheritedEmit.add(channel);
    }
    this._wrap(channel, 'emit', (original) => traceChannelEmit(original as ChannelEmit));
    this.patchedModels ??= new Set();
    this.patchedModels.add(model);
    return model;
  }

  private unpatchModel(model: ChannelModelExports | undefined): void {
    if (model !== undefined) this.unpatchWrappers(model);
  }

  private unpatchWrappers(model: ChannelModelExports): void {
    const channel = model?.Channel?.prototype as Prototype | undefined;
    const confirm = model?.ConfirmChannel?.prototype as Prototype | undefined;
    if (confirm !== undefined) this.unwrapIfWrapped(confirm, 'publish');
    if (channel === undefined) return;
    for (const name of ['publish', 'consume', ...SETTLE_METHOD_NAMES, 'emit']) {
      this.unwrapIfWrapped(channel, name);
    }
    if (this.inheritedEmit?.has(channel) && !isWrapped(channel.emit)) {
      delete channel.emit;
      this.inheritedEmit.delete(channel);
    }
  }

  private unwrapIfWrapped(prototype: Prototype, name: string): void {
    if (Object.hasOwn(prototype, name) && isWrapped(prototype[name])) this._unwrap(prototype, name);
  }
}
