// The fenced code blocks of a README and the marker line before each:
// `<!-- example: path -->` (the block is that file, path from the repository
// root) or `<!-- fragment: why -->` (a piece of a program, not run as it is).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeBlock {
  readme: string;
  line: number;
  language: string;
  body: string;
  /** The file the block shows, when marked `example:`. */
  example?: string;
  fragment: boolean;
}

const FENCE = /^```(\S*)\s*$/;
const EXAMPLE = /^<!-- example: (\S+) -->$/;
const FRAGMENT = /^<!-- fragment: .+ -->$/;

export function codeBlocks(root: string, readme: string): CodeBlock[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let marker = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fence = FENCE.exec(line);
    if (!fence) {
      if (line.trim() !== '') marker = line.trim();
      continue;
    }
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && lines[index] !== '```'; index++) {
      body.push(lines[index] ?? '');
    }
    const example = EXAMPLE.exec(marker)?.[1];
    blocks.push({
      readme,
      line: start + 1,
      language: fence[1] ?? '',
      body: body.join('\n'),
      ...(example ? { example } : {}),
      fragment: FRAGMENT.test(marker),
    });
    marker = '';
  }
  return blocks;
}

const PROGRAM_LANGUAGES = new Set(['js', 'mjs', 'cjs', 'javascript', 'ts', 'typescript']);

/** A block users are meant to run: code, or an install line. It must be marked. */
export function mustBeMarked(block: CodeBlock): boolean {
  return PROGRAM_LANGUAGES.has(block.language) || /^npm (install|i) /m.test(block.body);
}

/** The packages of `npm install ...` lines, with the version each is pinned to (or none). */
export function installedPackages(script: string): { name: string; version?: string }[] {
  return script
    .split('\n')
    .filter((line) => /^npm install /.test(line))
    .flatMap((line) => line.split(/\s+/).slice(2))
    .filter((word) => !word.startsWith('-'))
    .map((spec) => {
      const at = spec.lastIndexOf('@');
      return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name: spec };
    });
}
