/**
 * Synthetic MNIST-like digits, generated identically here and on the server (digits.py): a
 * seven-segment digit at a random offset and stroke width, random ink, background noise, all
 * from one xorshift32 stream with double-precision additions and multiplications only, so both
 * sides produce the very same float32 pixels.
 *
 *   const { X, y } = dataset(seed, batches);   // X[b]: Float32Array 64*784, y[b]: one-hot 64*10
 */

export const SIZE = 28;
export const BATCH = 64;
const DIGITS = ['abcdef', 'bc', 'abged', 'abgcd', 'fgbc', 'afgcd', 'afgedc', 'abc', 'abcdefg',
  'abcdfg'];

/** xorshift32; uniform() = (next >>> 8) / 2**24, exact in float32 and float64. */
export class Rng {
  constructor(seed) {
    this.s = ((Math.imul(seed, 0x9E3779B1) >>> 0) + 0x7F4A7C15) >>> 0 || 1;
  }

  next() {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }

  uniform() {
    return (this.next() >>> 8) / 16777216;
  }
}

/** Uint8Array 28*28 mask of a digit's segments (box 12x20 at (8+dx, 4+dy), stroke t). */
export function segments(digit, dx, dy, t) {
  const [x0, x1, y0, y1] = [8 + dx, 20 + dx, 4 + dy, 24 + dy];
  const ym = Math.floor((y0 + y1) / 2);
  const g0 = ym - Math.floor(t / 2);
  const boxes = { a: [y0, y0 + t, x0, x1], d: [y1 - t, y1, x0, x1], g: [g0, g0 + t, x0, x1],
    f: [y0, ym, x0, x0 + t], e: [ym, y1, x0, x0 + t], b: [y0, ym, x1 - t, x1],
    c: [ym, y1, x1 - t, x1] };
  const mask = new Uint8Array(SIZE * SIZE);
  for (const s of DIGITS[digit]) {
    const [r0, r1, c0, c1] = boxes[s];
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) mask[r * SIZE + c] = 1;
  }
  return mask;
}

/** One sample into `pixels` (a Float32Array view of 784); returns its label. */
export function sample(rng, pixels) {
  const label = rng.next() % 10;
  const dx = (rng.next() % 5) - 2;
  const dy = (rng.next() % 5) - 2;
  const t = 2 + (rng.next() % 2);
  const ink = 0.6 + 0.4 * rng.uniform();
  const mask = segments(label, dx, dy, t);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const u = rng.uniform();
    pixels[i] = mask[i] ? ink * (0.8 + 0.2 * u) : 0.15 * u;
  }
  return label;
}

/** `batches` batches of a worker's local data. */
export function dataset(seed, batches) {
  const rng = new Rng(seed);
  const X = [];
  const y = [];
  for (let b = 0; b < batches; b++) {
    const xb = new Float32Array(BATCH * SIZE * SIZE);
    const yb = new Float32Array(BATCH * 10);
    for (let n = 0; n < BATCH; n++) {
      const label = sample(rng, xb.subarray(n * SIZE * SIZE, (n + 1) * SIZE * SIZE));
      yb[n * 10 + label] = 1;
    }
    X.push(xb);
    y.push(yb);
  }
  return { X, y };
}
