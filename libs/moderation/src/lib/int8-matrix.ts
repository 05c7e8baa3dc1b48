/**
 * Rows of int8 vectors in WebAssembly memory, and dot products of a query with them through
 * WebAssembly SIMD (int8-dot.wat): every row of 100,000 at 1,024 dimensions in ~10–30 ms, where
 * a JavaScript loop takes 200–1,000 ms. Exact search by meaning scans all rows; the waves' index
 * checks its candidates' rows.
 */

/** int8-dot.wat compiled with wabt (int8-matrix.spec.ts checks they match). */
export const INT8_DOT_WASM =
  'AGFzbQEAAAABGQNgA39/fwF/YAV/f39/fwBgBn9/f39/fwADBAMAAQIFAwEAAQcbAwZtZW1vcnkCAARkb3RzAAEHZG90c19hdAACCu4BA3ECAX8DewJAA0AgAyACTw0BIAAgA2r9AAQAIQUgASADav0ABAAhBiAEIAX9hwEgBv2HAf26Af2uASEEIAQgBf2IASAG/YgB/boB/a4BIQQgA0EQaiEDDAALCyAE/RsAIAT9GwFqIAT9GwIgBP0bA2pqCzgBAX8gBCACQQJ0aiEFAkADQCAEIAVPDQEgBCAAIAEgAxAANgIAIAEgA2ohASAEQQRqIQQMAAsLC0EBAX8gAyAEQQJ0aiEGAkADQCADIAZPDQEgBSAAIAEgAygCACACbGogAhAANgIAIANBBGohAyAFQQRqIQUMAAsLCw==';

/** WebAssembly's 32-bit memory: 65,536 pages of 64 KiB. */
const MAX_PAGES = 65_536;
const PAGE = 65_536;
/** Rows one dots_at call takes (its scratch space holds their numbers and results). */
const AT_MOST = 4096;

let compiled: WebAssembly.Module | null = null;

interface Kernel {
  memory: WebAssembly.Memory;
  dots(q: number, m: number, rows: number, stride: number, out: number): void;
  dots_at(q: number, m: number, stride: number, idx: number, count: number, out: number): void;
}

/**
 * Memory layout: the query (stride bytes), scratch for dots_at (row numbers, then results), the
 * rows (stride bytes each), then a result per row for dots (it moves as the capacity grows). Each
 * row is padded with zeros to a multiple of 16 values (zeros add nothing to a dot product). A
 * removed row's slot is reused by the next add.
 */
export class Int8Matrix {
  readonly stride: number;
  private readonly kernel: Kernel;
  private readonly base: number;
  private capacity = 0;
  private used = 0;
  private readonly free: number[] = [];

  constructor(readonly dims: number) {
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`invalid dimensions: ${dims}`);
    this.stride = Math.ceil(dims / 16) * 16;
    this.base = this.stride + 8 * AT_MOST;
    compiled ??= new WebAssembly.Module(
      Uint8Array.from(atob(INT8_DOT_WASM), (c) => c.charCodeAt(0)),
    );
    this.kernel = new WebAssembly.Instance(compiled).exports as unknown as Kernel;
  }

  /** Rows in use. */
  get size(): number {
    return this.used - this.free.length;
  }

  /** Stores a row; returns its number (a removed row's, when there is one). */
  add(vector: Int8Array): number {
    this.check(vector);
    let row = this.free.pop();
    if (row === undefined) {
      if (this.used === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
      row = this.used++;
    }
    const values = new Int8Array(this.kernel.memory.buffer, this.rowOffset(row), this.stride);
    values.fill(0).set(vector);
    return row;
  }

  /** Overwrites a row with zeros (its dot products are 0 from now on); its number stays taken. */
  clear(row: number): void {
    new Int8Array(this.kernel.memory.buffer, this.rowOffset(row), this.stride).fill(0);
  }

  /** Frees a row for reuse. */
  remove(row: number): void {
    this.free.push(row);
  }

  /**
   * The query's dot product with every row ever added, by row number (removed rows included:
   * skip them). Valid until the next add.
   */
  dots(query: Int8Array): Int32Array {
    this.setQuery(query);
    const out = this.rowOffset(this.capacity);
    this.kernel.dots(0, this.base, this.used, this.stride, out);
    return new Int32Array(this.kernel.memory.buffer, out, this.used);
  }

  /** The query's dot product with each of the given rows, in their order. */
  dotsAt(query: Int8Array, rows: readonly number[]): Int32Array {
    this.setQuery(query);
    const result = new Int32Array(rows.length);
    const memory = this.kernel.memory.buffer;
    for (let from = 0; from < rows.length; from += AT_MOST) {
      const count = Math.min(AT_MOST, rows.length - from);
      const idx = new Int32Array(memory, this.stride, count);
      for (let k = 0; k < count; k++) idx[k] = rows[from + k];
      const out = this.stride + 4 * AT_MOST;
      this.kernel.dots_at(0, this.base, this.stride, this.stride, count, out);
      result.set(new Int32Array(memory, out, count), from);
    }
    return result;
  }

  private check(vector: Int8Array): void {
    if (vector.length !== this.dims)
      throw new Error(`expected ${this.dims} dimensions, got ${vector.length}`);
  }

  private setQuery(query: Int8Array): void {
    this.check(query);
    new Int8Array(this.kernel.memory.buffer, 0, this.stride).fill(0).set(query);
  }

  private rowOffset(row: number): number {
    return this.base + row * this.stride;
  }

  private grow(capacity: number): void {
    const pages = Math.ceil((this.base + capacity * (this.stride + 4)) / PAGE);
    if (pages > MAX_PAGES)
      throw new Error(
        `${capacity} vectors of ${this.dims} dimensions exceed WebAssembly's 4 GiB of memory`,
      );
    const memory = this.kernel.memory;
    const have = memory.buffer.byteLength / PAGE;
    if (pages > have) memory.grow(pages - have);
    this.capacity = capacity;
  }
}
