// @fanin/core/datadog: what fanin knows about Datadog's tracer (dd-trace):
// its header format as an OpenTelemetry propagator, how to recognise its
// OpenTelemetry bridge, and the size its bridge gives a span's links.

export { isDatadogBridgeSpan, isDatadogBridgeTracerProvider } from './datadog-bridge';
export {
  DATADOG_ORIGIN_HEADER,
  DATADOG_PARENT_ID_HEADER,
  DATADOG_SAMPLING_PRIORITY_HEADER,
  DATADOG_TAGS_HEADER,
  DATADOG_TRACE_ID_HEADER,
  DatadogPropagator,
  datadogHeadersOf,
  extractDatadogSpanContext,
} from './datadog-propagator';
export {
  DD_SPAN_LINKS_ARRAY_OVERHEAD,
  DD_SPAN_LINKS_MAX_LENGTH,
  ddSpanLinkLength,
  ddSpanLinksLength,
} from './link-size';
