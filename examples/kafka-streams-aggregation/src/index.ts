// The demo as a library, for the integration tests: no SDK is started here.
export { AGGREGATE_SPAN_NAME, Aggregator, ATTR_AGGREGATOR_PID } from './aggregator';
export { DELIVERY_MODES, type DeliveryMode } from './delivery';
export { Downstream, type ReceivedTotal } from './downstream';
export { type AggregateView, aggregateViews, renderGraphHtml, writeGraphHtml } from './graph-html';
export type { GroupReport } from './group';
export { DEFAULT_OPTIONS, type DemoOptions, parseOptions } from './options';
export {
  committedAggregates,
  computeVerdict,
  type Duplicates,
  drawAggregate,
  drawPicture,
  type Verdict,
  verdictLine,
} from './report';
export { type DemoEnvironment, type DemoRun, runDemo } from './run-demo';
export { PartitionWindows, type Segment } from './windows';
