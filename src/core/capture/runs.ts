/**
 * Run-length lists of page classes: a capture keeps runs, never one object per page. A run is two u32s (count,
 * code) in one growable Uint32Array, so even a page-by-page alternation costs 8 bytes per page; a uniform VMA of any
 * size costs 8 bytes.
 */

export class RunList {
  private data = new Uint32Array(16);
  private n = 0;
  /** total pages covered */
  pages = 0;

  get length(): number {
    return this.n;
  }

  count(i: number): number {
    return this.data[2 * i];
  }

  code(i: number): number {
    return this.data[2 * i + 1];
  }

  setCode(i: number, code: number): void {
    this.data[2 * i + 1] = code;
  }

  /** Appends `count` pages of `code`, merged into the last run when it has the same code. */
  push(code: number, count: number): void {
    if (count <= 0) return;
    this.pages += count;
    if (this.n > 0 && this.data[2 * this.n - 1] === code && this.data[2 * this.n - 2] + count <= 0xffffffff) {
      this.data[2 * this.n - 2] += count;
      return;
    }
    if (2 * this.n + 2 > this.data.length) {
      const d = new Uint32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[2 * this.n] = count;
    this.data[2 * this.n + 1] = code;
    this.n++;
  }

  /** Merges neighbouring runs that have the same code (after codes were changed with setCode). */
  normalize(): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      const c = this.data[2 * r];
      const k = this.data[2 * r + 1];
      if (w > 0 && this.data[2 * w - 1] === k) this.data[2 * w - 2] += c;
      else { this.data[2 * w] = c; this.data[2 * w + 1] = k; w++; }
    }
    this.n = w;
  }

  /** [offset, count, code] of every run, in order. */
  *entries(): IterableIterator<[number, number, number]> {
    let off = 0;
    for (let i = 0; i < this.n; i++) {
      yield [off, this.data[2 * i], this.data[2 * i + 1]];
      off += this.data[2 * i];
    }
  }

  /** Bytes this list holds (for the memory bound). */
  get bytes(): number {
    return this.data.byteLength;
  }
}
