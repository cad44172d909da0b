/** Kept equal to package.json by a unit test. */
export const PACKAGE_NAME = '@fanin/instrumentation-confluent-kafka';
export const PACKAGE_VERSION = '0.1.0';
