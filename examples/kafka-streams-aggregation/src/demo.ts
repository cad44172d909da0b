// `npm run demo`: gets a Kafka broker (env, containers, or Apache Kafka from
// its Maven Central jars), runs the three upstream services, the aggregator and
// the downstream service for a bounded time, prints the fan-in picture and the
// verdict, stops what it started, and exits 0 only if every produced order is
// linked from exactly one aggregate. Run with `--require ./dist/register.js`.
import { join } from 'node:path';
import { withBrokers } from '@fanin/brokers';
import { parseOptions } from './options';
import { telemetry } from './register';
import { verdictLine } from './report';
import { runDemo } from './run-demo';

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  // The example's out/ folder is git-ignored.
  const options = {
    ...parsed,
    html: parsed.html ?? join(__dirname, '..', 'out', 'aggregate-graph.html'),
  };
  return withBrokers(
    async (brokers) => {
      console.log(
        `fanin demo · Kafka at ${brokers.kafkaBrokers.join(',')} · ${options.durationSeconds}s at ` +
          `${options.rate} orders/s · ${options.windowMs} ms windows · ` +
          (options.group > 0
            ? `${options.group} aggregator processes in one group${options.killOne ? ', one killed mid-window' : ''}`
            : `${options.aggregators} aggregator(s)`) +
          ` · ${options.mode} delivery`,
      );
      const run = await runDemo(options, {
        kafkaBrokers: brokers.kafkaBrokers,
        spans: () => telemetry.spans.getFinishedSpans(),
        flushSpans: telemetry.flush,
        progress: (line: string) => {
          if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
          else console.log(line);
        },
        print: (line: string) => console.log(process.stdout.isTTY ? `\n${line}` : line),
      });
      console.log(`\n${run.picture}\n\n${verdictLine(run.verdict)}`);
      if (run.htmlPath) console.log(`aggregate graph (self-contained HTML): ${run.htmlPath}`);
      return run.verdict.ok ? 0 : 1;
    },
    { kafka: true, rabbitmq: false },
  );
}

main()
  .then(async (status) => {
    await telemetry.shutdown();
    process.exitCode = status;
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
