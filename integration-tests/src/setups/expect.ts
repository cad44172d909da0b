// What the setup tests read from a child's run: fanin's warnings as Node
// printed them to stderr, and as the child's 'warning' listener saw them.
import type { PrintedWarning, SetupRun } from './run-setup';
import type { WarningSeen } from './scenario';

export const FANIN_WARNING = 'FaninWarning';

/** The FaninWarnings Node printed to stderr, optionally of one code. */
export function printedFaninWarnings(run: SetupRun, code?: string): PrintedWarning[] {
  return run.printed.filter(
    (warning) => warning.name === FANIN_WARNING && (code === undefined || warning.code === code),
  );
}

/** The FaninWarnings the child's `process.on('warning')` listener got. */
export function faninWarningEvents(run: SetupRun): WarningSeen[] {
  return run.result.warnings.filter((warning) => warning.name === FANIN_WARNING);
}

/** A short account of a run for assertion messages. */
export function describeRun(run: SetupRun): string {
  const { result } = run;
  return JSON.stringify(
    {
      sent: result.sent,
      consumed: result.consumed,
      producers: result.producers,
      fanin: result.fanin,
      officialSpans: result.officialSpans,
      warnings: result.warnings.map((warning) => warning.code ?? warning.name),
      stderr: run.stderr.slice(0, 2000),
    },
    null,
    2,
  );
}
