/** What loading one export of a package that may not be installed found. */
export type OptionalExport =
  | { state: 'absent' }
  | { state: 'loaded'; value: unknown }
  | { state: 'unusable'; reason: string };

/** The part of `require` this needs; a `createRequire(...)` result fits. */
export interface ModuleLoader {
  (id: string): unknown;
  resolve(id: string): string;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}

/**
 * `exportName` of `moduleName`: absent when the package is not installed,
 * unusable when it is installed but cannot be loaded or lacks the export.
 * Never throws.
 */
export function loadOptionalExport(
  load: ModuleLoader,
  moduleName: string,
  exportName: string,
): OptionalExport {
  try {
    load.resolve(moduleName);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') return { state: 'absent' };
    return { state: 'unusable', reason: describe(error) };
  }
  let exported: unknown;
  try {
    exported = load(moduleName);
  } catch (error) {
    return { state: 'unusable', reason: describe(error) };
  }
  const value = (exported as Record<string, unknown> | null | undefined)?.[exportName];
  if (value === undefined) return { state: 'unusable', reason: `it has no export ${exportName}` };
  return { state: 'loaded', value };
}
