npm install @fanin/register @opentelemetry/api@1.9.1 @opentelemetry/instrumentation@0.223.0
