import { MODES, type Mode } from './model';

export interface Options {
  quick: boolean;
  /** Row names or name prefixes to run (`kafkajs-each`, `kafkajs-each-batch/1000`); all when empty. */
  only: string[];
  modes: Mode[];
  /** Overrides the repetitions (worker processes / broker repetitions) of the settings. */
  repetitions: number | undefined;
  /** Run the workers under `node --cpu-prof` and summarise their profiles. */
  cpuProf: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  --quick            every case briefly, small counts (CI); checks counts, never times
  --only a,b         only rows named so, or whose name starts with one of these
                     followed by - or / (kafkajs-each-batch/1000, amqplib-broker)
  --modes m,n        only these modes (none, official, fanin; fanin-metrics, floor,
                     floor-bare, floor-metrics and fanin-link-sampler where a row has them)
  --reps n           repetitions per case and mode (default: 3, quick: 1)
  --cpu-prof         profile each worker (node --cpu-prof) and print its top self-time functions
  --help             this text

A run with --only, --modes, --reps or --cpu-prof is partial: it does not replace
results/latest.json.`;

export function parseOptions(args: string[]): Options {
  const options: Options = {
    quick: false,
    only: [],
    modes: [...MODES],
    repetitions: undefined,
    cpuProf: false,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only') options.only = list(value());
    else if (arg === '--modes') options.modes = list(value()).map(toMode);
    else if (arg === '--reps') options.repetitions = toCount(value());
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown option ${arg}\n\n${USAGE}`);
  }
  return options;
}

/** Whether the run covers every case and mode with the default repetitions, unprofiled. */
export function isCompleteRun(options: Options): boolean {
  return (
    options.only.length === 0 &&
    options.modes.length === MODES.length &&
    options.repetitions === undefined &&
    !options.cpuProf
  );
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function toMode(value: string): Mode {
  if ((MODES as readonly string[]).includes(value)) return value as Mode;
  throw new Error(`unknown mode ${value} (modes: ${MODES.join(', ')})`);
}

function toCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--reps needs a whole number >= 1`);
  return count;
}
