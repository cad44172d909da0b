/** One run of the suite: the images of both brokers. */
export interface MatrixRun {
  kafkaImage: string;
  rabbitmqImage: string;
}

/**
 * The runs of the matrix: the baseline (the first image of each list), then each other Kafka
 * image with the baseline RabbitMQ, then each other RabbitMQ image with the baseline Kafka.
 * Each broker's tests thus meet every version of it without the full cross product.
 */
export function matrixRuns(kafkaImages: string[], rabbitmqImages: string[]): MatrixRun[] {
  const [kafka, ...otherKafka] = kafkaImages;
  const [rabbitmq, ...otherRabbitmq] = rabbitmqImages;
  if (!kafka || !rabbitmq) throw new Error('the matrix needs at least one image of each broker');
  return [
    { kafkaImage: kafka, rabbitmqImage: rabbitmq },
    ...otherKafka.map((kafkaImage) => ({ kafkaImage, rabbitmqImage: rabbitmq })),
    ...otherRabbitmq.map((rabbitmqImage) => ({ kafkaImage: kafka, rabbitmqImage })),
  ];
}

/** A comma-separated list of image names; blank entries are dropped. */
export function parseImageList(value: string | undefined): string[] | undefined {
  const images = (value ?? '')
    .split(',')
    .map((image) => image.trim())
    .filter(Boolean);
  return images.length > 0 ? images : undefined;
}

export interface TestCounts {
  tests: number;
  pass: number;
  fail: number;
}

/**
 * The counts in the closing summary of node's test runner: `ℹ tests 14` (spec reporter) or
 * `# tests 14` (TAP). The last summary wins.
 */
export function parseTestSummary(output: string): TestCounts | undefined {
  const count = (name: string): number | undefined => {
    const matches = [...output.matchAll(new RegExp(`^\\s*(?:ℹ|#) ${name} (\\d+)\\s*$`, 'gmu'))];
    const last = matches.at(-1)?.[1];
    return last === undefined ? undefined : Number(last);
  };
  const tests = count('tests');
  const pass = count('pass');
  const fail = count('fail');
  if (tests === undefined || pass === undefined || fail === undefined) return undefined;
  return { tests, pass, fail };
}

/** Names under the spec reporter's closing `✖ failing tests:` list. */
export function failingTests(output: string): string[] {
  const at = output.lastIndexOf('✖ failing tests:');
  if (at < 0) return [];
  const names = output
    .slice(at)
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const match = /^\s*✖ (.+?)(?: \([\d.]+ms\))?\s*$/u.exec(line);
      return match?.[1] ? [match[1]] : [];
    });
  return [...new Set(names)];
}

export interface RunResult extends MatrixRun {
  /** Exit code of the suite, or the signal that ended it. */
  exit: number | string;
  counts: TestCounts | undefined;
  failing: string[];
  seconds: number;
}

/** Tests that did not pass: failed, and also cancelled (a file whose process outlived the timeout). */
function notPassed(counts: TestCounts): number {
  return Math.max(counts.fail, counts.tests - counts.pass);
}

export function passed(result: RunResult): boolean {
  return result.exit === 0 && result.counts !== undefined && notPassed(result.counts) === 0;
}

/** A table of the runs, then one plain `label: N passed, N not passed` line over all of them. */
export function renderReport(results: RunResult[], label: string): string[] {
  const rows = results.map((result) => [
    passed(result) ? 'PASS' : 'FAIL',
    result.kafkaImage,
    result.rabbitmqImage,
    result.counts ? `${result.counts.pass}/${result.counts.tests}` : '-',
    typeof result.exit === 'number' ? `exit ${result.exit}` : result.exit,
    `${result.seconds} s`,
  ]);
  const header = ['result', 'kafka image', 'rabbitmq image', 'passed', 'suite', 'time'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...rows.map(line)];
  for (const result of results) {
    for (const name of result.failing)
      lines.push(`  ✖ ${result.kafkaImage} + ${result.rabbitmqImage}: ${name}`);
  }
  const total = (count: (counts: TestCounts) => number) =>
    results.reduce((sum, result) => sum + (result.counts ? count(result.counts) : 0), 0);
  // A run that died before its summary counts as one failure, so it is never reported green.
  const lost = results.filter((result) => !result.counts).length;
  lines.push(
    `${label}: ${total((counts) => counts.pass)} passed, ${total(notPassed) + lost} not passed`,
  );
  return lines;
}

/** An env flag: set and not `0`, `false` or `no`. */
export function isFlagSet(value: string | undefined): boolean {
  const normalized = value?.trim().toLowerCase();
  return Boolean(normalized) && !['0', 'false', 'no'].includes(normalized as string);
}
