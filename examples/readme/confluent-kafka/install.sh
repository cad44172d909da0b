# the SDK 2.x line (API 1.9)
npm install @fanin/instrumentation-confluent-kafka @confluentinc/kafka-javascript@1.10.1 @opentelemetry/api@1.9.1 @opentelemetry/instrumentation@0.223.0
# or the SDK 3.x line (API 1.10)
npm install @fanin/instrumentation-confluent-kafka @confluentinc/kafka-javascript@1.10.1 @opentelemetry/api@1.10.0 @opentelemetry/instrumentation@0.301.0
