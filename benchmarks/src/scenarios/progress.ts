/** Counts handled messages and resolves `done` once `target` were handled. */
export class Progress {
  messages = 0;
  calls = 0;
  /** Body bytes the handlers read: their trivial work, and proof that they saw the messages. */
  bytes = 0;
  readonly done: Promise<void>;
  private resolveDone: () => void = () => {};

  constructor(readonly target: number) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  add(messages: number, bytes: number): void {
    this.messages += messages;
    this.bytes += bytes;
    this.calls++;
    if (this.messages >= this.target) this.resolveDone();
  }
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
