// `npm run test:integration`: every test file of this folder and its
// subfolders, against real brokers (see suite-runner.ts).
import { runSuiteAsMain, testFilesIn } from './suite-runner';

runSuiteAsMain({
  label: 'integration tests',
  files: testFilesIn(__dirname, true),
  testTimeoutMs: 300_000,
});
