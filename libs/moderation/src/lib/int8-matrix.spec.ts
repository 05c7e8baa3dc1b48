import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabt from 'wabt';
import { Int8Matrix, INT8_DOT_WASM } from './int8-matrix';

function randomVector(dims: number, seed: number): Int8Array {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  return Int8Array.from({ length: dims }, () => (next() % 256) - 128);
}

const plainDot = (a: Int8Array, b: Int8Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe('Int8Matrix', () => {
  it('embeds int8-dot.wat as compiled by wabt', async () => {
    const source = readFileSync(join(__dirname, 'int8-dot.wat'), 'utf8');
    const module = (await wabt()).parseWat('int8-dot.wat', source);
    expect(Buffer.from(module.toBinary({}).buffer).toString('base64')).toBe(INT8_DOT_WASM);
  });

  it.each([16, 20, 256, 1024])(
    'computes every row’s dot product with the query at %i dimensions, across growth',
    (dims) => {
      const matrix = new Int8Matrix(dims);
      const rows = Array.from({ length: 1100 }, (_, i) => randomVector(dims, i + 1));
      rows.forEach((row, i) => expect(matrix.add(row)).toBe(i));
      const query = randomVector(dims, 9999);
      const dots = matrix.dots(query);
      expect(dots).toHaveLength(1100);
      rows.forEach((row, i) => expect(dots[i]).toBe(plainDot(query, row)));
    },
  );

  it('reuses removed rows and computes dot products with chosen rows', () => {
    const matrix = new Int8Matrix(20);
    const rows = Array.from({ length: 5000 }, (_, i) => randomVector(20, i + 1));
    rows.forEach((row) => matrix.add(row));
    matrix.remove(17);
    matrix.remove(4321);
    expect(matrix.size).toBe(4998);
    const replacement = randomVector(20, 424242);
    expect(matrix.add(replacement)).toBe(4321);
    rows[4321] = replacement;
    const query = randomVector(20, 9999);
    // More than one call's worth of rows (4,096), in any order, repeats allowed.
    const chosen = Array.from({ length: 4500 }, (_, k) => (k * 7919) % 5000).filter(
      (r) => r !== 17,
    );
    chosen.push(4321, 0, 4321);
    const dots = matrix.dotsAt(query, chosen);
    expect(dots).toHaveLength(chosen.length);
    chosen.forEach((r, k) => expect(dots[k]).toBe(plainDot(query, rows[r])));
  });

  it('clears a row to zeros without giving up its number', () => {
    const m = new Int8Matrix(3);
    const a = m.add(Int8Array.from([1, 2, 3]));
    const b = m.add(Int8Array.from([4, 5, 6]));
    m.clear(a);
    expect([...m.dots(Int8Array.from([1, 1, 1]))]).toStrictEqual([0, 15]);
    expect(m.add(Int8Array.from([7, 8, 9]))).toBe(b + 1);
  });

  it('holds the extremes without overflow', () => {
    const matrix = new Int8Matrix(1024);
    matrix.add(new Int8Array(1024).fill(-128));
    matrix.add(new Int8Array(1024).fill(127));
    expect([...matrix.dots(new Int8Array(1024).fill(-128))]).toStrictEqual([
      1024 * 128 * 128,
      -1024 * 127 * 128,
    ]);
  });

  it('refuses vectors of other dimensions', () => {
    const matrix = new Int8Matrix(8);
    expect(() => matrix.add(new Int8Array(9))).toThrow('expected 8 dimensions, got 9');
    expect(() => matrix.dots(new Int8Array(7))).toThrow('expected 8 dimensions, got 7');
  });
});
