npm install @fanin/instrumentation-kafkajs @opentelemetry/api@1.9.1 @opentelemetry/instrumentation@0.223.0 @opentelemetry/core@2.12.1 @opentelemetry/sdk-trace-base@2.12.1
