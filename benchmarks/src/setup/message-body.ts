/** The body of every produced or published message: 100 bytes of JSON. */
export function messageBody(index: number): Buffer {
  const json = JSON.stringify({ order: index, customer: index % 1000, amount: 42 });
  return Buffer.from(json.padEnd(100, ' '));
}
