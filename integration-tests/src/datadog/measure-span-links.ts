// Prints the span-links measurement against real dd-trace as a Markdown table:
//   node integration-tests/dist/datadog/measure-span-links.js
import {
  faninScenarios,
  formatTable,
  measureSpanLinks,
  mostLinksWithinCut,
  TRACESTATE_LENGTHS,
} from './span-links-measurement';

async function main(): Promise<void> {
  const measurement = await measureSpanLinks(faninScenarios());
  console.log(formatTable(measurement.outcomes));
  console.log();
  for (const length of TRACESTATE_LENGTHS) {
    console.log(`tracestate ${length} chars: at most ${mostLinksWithinCut(length)} links fit`);
  }
  console.log(`bridge facts: ${JSON.stringify(measurement.bridge)}`);
  console.log(`agent requests: ${measurement.agentPaths.join(', ')}`);
  console.log(
    `OTLP requests: ${measurement.otlpRequests.join(', ')} (${measurement.otlpContentTypes})`,
  );
  console.log(`refused connections: ${measurement.blocked.length}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
