import { diag } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { autoInstrumentationsWanted, sdkDisabled } from './env';
import { inHooksThread, mainIsEsModule, registerImportHook } from './import-hook';
import { chooseInstrumentations } from './instrumentations';
import { shutDownOnExit } from './lifecycle';

/**
 * Starts the OpenTelemetry Node SDK from the `OTEL_*` variables, with fanin's
 * instrumentations, and the import hook when the application is an ES module
 * (`--import` registers it in any case); with `OTEL_SDK_DISABLED=true`,
 * starts nothing. Returns the shutdown.
 */
export function startFromEnv(): () => Promise<void> {
  if (sdkDisabled() || inHooksThread()) return () => Promise.resolve();
  try {
    if (mainIsEsModule()) registerImportHook();
    const sdk = new NodeSDK({
      instrumentations: chooseInstrumentations({
        autoInstrumentations: autoInstrumentationsWanted(),
        load: require,
      }),
    });
    sdk.start();
    return shutDownOnExit(() => sdk.shutdown());
  } catch (error) {
    diag.error('@fanin/register: the OpenTelemetry SDK did not start; nothing is traced', error);
    return () => Promise.resolve();
  }
}
