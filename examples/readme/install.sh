# the OpenTelemetry JS SDK 2.x line (API 1.9)
npm install @fanin/instrumentation-kafkajs @fanin/instrumentation-amqplib @opentelemetry/api@1.9.1 @opentelemetry/instrumentation@0.223.0 @opentelemetry/sdk-node@0.223.0
# or the SDK 3.x line (API 1.10)
npm install @fanin/instrumentation-kafkajs @fanin/instrumentation-amqplib @opentelemetry/api@1.10.0 @opentelemetry/instrumentation@0.301.0 @opentelemetry/sdk-node@0.301.0
