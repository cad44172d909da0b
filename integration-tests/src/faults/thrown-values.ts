// Every kind of value a handler or a hook can throw or reject with.

/** An object whose every property read and conversion throws. */
function unreadable(): object {
  const fail = () => {
    throw new Error('hostile getter');
  };
  return Object.defineProperties(
    {},
    {
      message: { get: fail },
      name: { get: fail },
      stack: { get: fail },
      toString: { get: fail },
      [Symbol.toPrimitive]: { get: fail },
    },
  );
}

/** A Proxy whose every trap throws. */
function hostileProxy(): object {
  const trap = () => {
    throw new Error('hostile trap');
  };
  return new Proxy(
    {},
    { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap },
  );
}

/** Fresh values each call, so that identity checks cannot pass by accident. */
export function thrownValues(): Array<[string, unknown]> {
  return [
    ['an Error', new Error('handler failed')],
    ['a string', 'plain string'],
    ['undefined', undefined],
    ['null', null],
    ['an object whose getters and toString throw', unreadable()],
    ['a Proxy whose traps throw', hostileProxy()],
  ];
}

export type Style = 'throws' | 'rejects';

/** A function that throws `value`, or returns a promise rejected with it. */
export function failWith(style: Style, value: unknown): unknown {
  if (style === 'throws') throw value;
  return Promise.reject(value);
}
