// `node dist/faults/run.js [--bounded]`, from integration-tests/: the fault
// suite alone, in full (FANIN_FAULTS_FULL=1: 100,000+ header sets per
// library, longer broker-kill streams) or bounded as in CI, against the
// brokers run.ts would use; every part's figures printed again at the end.
import { runSuiteAsMain, testFilesIn } from '../suite-runner';

const bounded = process.argv.includes('--bounded');
runSuiteAsMain({
  label: `fault suite (${bounded ? 'bounded' : 'full'})`,
  files: testFilesIn(__dirname, false),
  testTimeoutMs: 3_600_000,
  env: { FANIN_FAULTS_FULL: bounded ? '0' : '1' },
});
