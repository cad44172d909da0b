// The demo as a library, for the integration test: no SDK is started here.
export { AGGREGATE_SPAN_NAME, Aggregator } from './aggregator';
export { Downstream } from './downstream';
export { DEFAULT_OPTIONS, type DemoOptions, parseOptions } from './options';
export { computeVerdict, drawAggregate, drawPicture, type Verdict, verdictLine } from './report';
export { type DemoEnvironment, type DemoRun, runDemo } from './run-demo';
