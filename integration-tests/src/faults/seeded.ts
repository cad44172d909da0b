/**
 * A small seeded random source (mulberry32), so that every generated header
 * set can be reproduced from the seed a failing run prints.
 */
export class Seeded {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += '0123456789abcdef'[this.int(0, 15)];
    return out;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** Text from an alphabet of the characters parsers trip on. */
  text(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick(AWKWARD_CHARACTERS);
    return out;
  }
}

const AWKWARD_CHARACTERS = [
  ...'abcdef0123456789-_=,;: %.'.split(''),
  '\u0000',
  '\t',
  '\n',
  '\u00e9', // é
  '\u0130', // İ, whose lower case is two code units
  '\u212a', // Kelvin sign, lower-cases to k
  '\u200b', // zero width space
  '\u202e', // right-to-left override
  '\ufeff', // byte order mark
  '\ud83d\ude00', // an emoji (a surrogate pair)
  '\ud800', // a lone surrogate: not encodable as UTF-8
  '\uffff',
  '\u0660', // Arabic-Indic digit zero
  '\uff10', // fullwidth digit zero
];
