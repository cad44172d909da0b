import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Command {
  file: string;
  args: string[];
}

/**
 * Runs a command with its output appended to `logFile`; a failure carries the log's tail, so
 * that what went wrong shows without opening the file.
 */
export async function runLogged(command: Command, logFile: string): Promise<void> {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command.file, command.args, { stdio: ['ignore', out, out] });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `${[command.file, ...command.args].join(' ')} failed (${signal ?? `exit ${code}`}); ` +
                `log ${logFile}:\n${tail(logFile)}`,
            ),
          );
      });
    });
  } finally {
    closeSync(out);
  }
}

/** A command's standard output, trimmed; undefined when it fails. */
export function runQuiet(command: Command): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command.file, command.args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => resolve(code === 0 ? output.trim() : undefined));
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
