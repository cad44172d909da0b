import { sep } from 'node:path';
import type { Meter } from '@opentelemetry/api';
import {
  InstrumentationBase,
  type InstrumentationConfig,
  type InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';
import { setProcessWarnings, warnOnce } from './diagnostics';
import { type PatchConflict, Patcher } from './patcher';
import {
  resolveTracingSettings,
  type SettingsSource,
  type TracingConfig,
  type TracingSettings,
  TracingSettingsCache,
} from './settings';

/** What an adapter tells the base class about its library, for attributes and reports. */
export interface AdapterIdentity {
  /** `messaging.system`, e.g. `kafka`. */
  system: string;
  /** The instrumented library as users know it, e.g. `kafkajs`. */
  library: string;
  /** How to turn off another instrumentation of the same library (for the conflict report). */
  conflictAdvice: string;
}

type AnyFunction = (this: unknown, ...args: never[]) => unknown;

interface PerInstance<S extends TracingSettings> {
  patcher: Patcher;
  settings: TracingSettingsCache<unknown, S>;
  source: SettingsSource<S>;
  enabledBefore: boolean;
}

type RequireHook = (
  module: InstrumentationModuleDefinition,
  exports: unknown,
  name: string,
  baseDir?: string,
) => unknown;

/**
 * The base of every fanin instrumentation: per-instance settings, patching
 * that never touches another instance's wrappers, and the reports of setups
 * in which fanin cannot record (another instrumentation's wrappers, the
 * library loaded before fanin). A subclass says what its library is
 * (`static readonly identity`) and where it is intercepted (`init`, with
 * `wrap` / `unwrap`).
 */
export abstract class FaninInstrumentation<
  C extends InstrumentationConfig & TracingConfig,
  S extends TracingSettings<C> = TracingSettings<C>,
> extends InstrumentationBase<C> {
  // Created on first use, and declared rather than defined: InstrumentationBase's
  // constructor enables (and so may patch) before a subclass's fields would be
  // initialised, and an initialised field would then be reset.
  declare private perInstance?: PerInstance<S>;

  /** The library this adapter instruments: the subclass's `static readonly identity`. */
  private get identity(): AdapterIdentity {
    return (this.constructor as unknown as { identity: AdapterIdentity }).identity;
  }

  /** Settings from config; an adapter with options of its own overrides this. */
  protected resolveSettings(tracer: TracingSettings['tracer'], config: C, meter?: Meter): S {
    return resolveTracingSettings(this.identity.system, tracer, config, meter) as S;
  }

  private get faninState(): PerInstance<S> {
    if (this.perInstance === undefined) {
      const settings = new TracingSettingsCache<unknown, S>((tracer, config, meter) =>
        this.resolveSettings(tracer, config as C, meter),
      );
      this.perInstance = {
        patcher: new Patcher({
          isEnabled: () => this.isEnabled(),
          onConflict: (conflict, what) => this.reportConflict(conflict, what),
        }),
        settings,
        source: () =>
          this.isEnabled() ? settings.get(this.tracer, this.getConfig(), this.meter) : undefined,
        enabledBefore: false,
      };
    }
    return this.perInstance;
  }

  /** The settings the flows record with; undefined while this instance is disabled. */
  protected get settings(): SettingsSource<S> {
    return this.faninState.source;
  }

  /** Wraps `target[name]` for this instance (see Patcher). */
  protected wrap(
    target: object,
    name: string,
    what: string,
    makeWrapper: (original: AnyFunction) => AnyFunction,
  ): void {
    this.faninState.patcher.wrap(target, name, what, makeWrapper);
  }

  /**
   * Watches a function of the library that fanin does not patch but another
   * instrumentation of it would, to report that one (see Patcher.watch).
   */
  protected watch(target: object, name: string, what: string): void {
    this.faninState.patcher.watch(target, name, what);
  }

  /** Removes this instance's wrapper of `target[name]`, when it is the outermost one. */
  protected unwrap(target: object, name: string): void {
    this.faninState.patcher.unwrap(target, name);
  }

  override setConfig(config: C): void {
    super.setConfig(config);
    if (config?.processWarnings !== undefined) setProcessWarnings(config.processWarnings);
  }

  override enable(): void {
    const first = !this.faninState.enabledBefore;
    this.faninState.enabledBefore = true;
    super.enable();
    if (first) this.patchCopiesLoadedEarlier();
  }

  override disable(): void {
    super.disable();
    this.faninState.patcher.stopVerifying();
  }

  /** Reported once per library, whichever function showed the conflict first. */
  private reportConflict(conflict: PatchConflict, what: string): void {
    const { library, conflictAdvice } = this.identity;
    const happened = {
      replaced: `found another instrumentation's wrapper on ${what} (and maybe more) and took it off`,
      restored: `found its wrapper of ${what} removed by another instrumentation and put it back`,
      present: `found another instrumentation of ${library} enabled (it wraps ${what})`,
    }[conflict];
    const consequence =
      `two instrumentations of ${library} cannot both record the same calls` +
      (conflict === 'present'
        ? ', and the other one records nothing on the functions fanin patches'
        : "; fanin's spans are kept (calls made before this check went through both)");
    warnOnce(
      'FANIN_WRAPPER_CONFLICT',
      `fanin: ${this.instrumentationName} ${happened}: ${consequence}. ${conflictAdvice}`,
      `${this.instrumentationName}:${library}`,
    );
  }

  /**
   * The require hook only sees what is required after it was set up. A copy
   * of the library loaded earlier is patched here, and the user told that
   * what it made before now is not traced.
   */
  private patchCopiesLoadedEarlier(): void {
    // The base class's own definitions: getModuleDefinitions() would make new ones,
    // which disable() would not know to unpatch.
    const base = this as unknown as {
      _onRequire?: RequireHook;
      _modules?: InstrumentationModuleDefinition[];
    };
    const onRequire = base._onRequire?.bind(this);
    if (onRequire === undefined) return;
    for (const definition of base._modules ?? []) {
      const copies = loadedCopies(definition);
      for (const copy of copies) onRequire(definition, copy.exports, copy.name, copy.baseDir);
      if (copies.length === 0) continue;
      const { library } = this.identity;
      warnOnce(
        'FANIN_LOADED_EARLY',
        `fanin: ${library} was loaded before ${this.instrumentationName} was enabled ` +
          `(${copies[0]?.baseDir}). fanin patched the loaded copy, but what the application ` +
          'made with it before now (producers, consumers, channels) is not traced. Enable fanin before the ' +
          `application loads ${library}: \`node --require @fanin/register app.js\` ` +
          '(`--import` for ES modules), or register the instrumentations at the very top of ' +
          'the entry file, before anything requires or imports the library.',
        `${this.instrumentationName}:${definition.name}`,
      );
    }
  }
}

interface LoadedCopy {
  exports: unknown;
  /** The module name or file name the require hook would be called with. */
  name: string;
  baseDir: string;
}

/** The copies of a module definition's package (main file, listed files) in require.cache. */
function loadedCopies(definition: InstrumentationModuleDefinition): LoadedCopy[] {
  const marker = `${sep}node_modules${sep}${definition.name.split('/').join(sep)}${sep}`;
  const copies: LoadedCopy[] = [];
  for (const [file, module] of Object.entries(require.cache)) {
    if (module === undefined || !module.loaded) continue;
    const at = file.lastIndexOf(marker);
    if (at < 0) continue;
    const baseDir = file.slice(0, at + marker.length - 1);
    const relative = file
      .slice(baseDir.length + 1)
      .split(sep)
      .join('/');
    const fileName = `${definition.name}/${relative}`;
    if (definition.files.some((listed) => listed.name === fileName)) {
      copies.push({ exports: module.exports, name: fileName, baseDir });
    } else if (definition.patch !== undefined && isMainFile(baseDir, file)) {
      copies.push({ exports: module.exports, name: definition.name, baseDir });
    }
  }
  return copies;
}

function isMainFile(baseDir: string, file: string): boolean {
  try {
    return require.resolve(baseDir) === file;
  } catch {
    return false;
  }
}
