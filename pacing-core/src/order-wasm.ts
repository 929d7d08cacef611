/**
 * The WebAssembly ordering kernel (compiled from `assembly/order.ts`): its memory, its layout and typed access to
 * its functions. One kernel per thread, created on first use; the columns are copied into its memory per call
 * (a memcpy, far cheaper than the ordering itself).
 */
import type { NumberColumns } from './columns.js';
import { KERNEL_WASM_BASE64 } from './kernel-wasm.js';

/** The subset of the WebAssembly API used here (typed locally: the Node typings do not declare it as a value). */
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

/** Exports of the kernel (see `assembly/order.ts`). */
interface KernelExports {
  layout(...addresses: number[]): void;
  markBusy(n: number, contacts: number, g: number): number;
  filter(n: number, hasCap: number, now: number, campaignCap: number, forAgent: number, contacts: number, zn: number): void;
  dedupPack(mr: number, mn: number, g: number, dMin: number, dPMax: number, dScale: number, dSecMul: number, pMax: number,
    nMin: number, nPMax: number, nScale: number, nSecMul: number, cMin: number, topOnly: number): number;
  selectTop(m: number, k: number, secBits: number): number;
  radix(m: number): number;
  fixUp(inB: number, m: number, dSec: number, nSec: number, count: number): void;
}

const PAGE = 65536;
/** The first page is left to the compiler's static data. */
const BASE = PAGE;

/** Result slots written by the kernel (f64), in the order of `assembly/order.ts`. */
export const K_MR = 0, K_MN = 1, K_DUE = 2, K_DMIN = 3, K_DMAX = 4, K_NMIN = 5, K_NMAX = 6, K_PMIN = 7, K_PMAX = 8,
  K_CMIN = 9, K_CMAX = 10, K_SIB = 11, K_BUSY = 12;

/** A kernel instance with room for `rows` rows and `contacts` contacts, grown on demand. */
export class OrderKernel {
  readonly fn: KernelExports;
  private readonly memory: { buffer: ArrayBuffer; grow(pages: number): number };
  private rows = -1;
  private contacts = -1;
  private gen = 0;
  private addr: Record<string, number> = {};
  /** Views, recreated whenever the memory grows. `zoneBits` must be restored to the default after each call. */
  private stateBits = new Uint16Array(0);
  zoneBits = new Uint16Array(0);
  hist = new Uint32Array(0);
  res = new Float64Array(0);
  out = new Int32Array(0);

  private constructor(api: WasmApi, private readonly stateTable: Uint16Array, private readonly zoneDefault: number) {
    this.memory = new api.Memory({ initial: 2 });
    const bytes = Uint8Array.from(atob(KERNEL_WASM_BASE64), (ch) => ch.charCodeAt(0));
    const instance = new api.Instance(new api.Module(bytes), {
      env: { memory: this.memory, abort: () => { throw new Error('order kernel aborted'); } },
    });
    this.fn = instance.exports as unknown as KernelExports;
  }

  /**
   * The kernel, or null where WebAssembly is not available.
   * @param stateTable filter bits per state code (256 entries)
   * @param zoneDefault filter bits of a zone index outside the call's zone table
   */
  static create(stateTable: Uint16Array, zoneDefault: number): OrderKernel | null {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    return api === undefined ? null : new OrderKernel(api, stateTable, zoneDefault);
  }

  /** Make room for `n` rows and `contacts` contacts, copy the columns in, and return the generation to stamp with. */
  load(c: NumberColumns, contacts: number): number {
    const n = c.state.length;
    if (n > this.rows || contacts > this.contacts) this.relayout(Math.max(n, this.rows), Math.max(contacts, this.contacts));
    const buf = this.memory.buffer, a = this.addr;
    new Uint8Array(buf, a.state, n).set(c.state);
    new Uint8Array(buf, a.supp, n).set(c.suppressed);
    new Float64Array(buf, a.next, n).set(c.nextAttemptAt);
    new Float64Array(buf, a.created, n).set(c.createdAt);
    new Int16Array(buf, a.prio, n).set(c.priority);
    new Uint16Array(buf, a.dial, n).set(c.dialCount);
    new Uint16Array(buf, a.att, n).set(c.attempts ?? c.dialCount);
    if (c.maxAttempts !== undefined) new Uint16Array(buf, a.cap, n).set(c.maxAttempts);
    new Int32Array(buf, a.own, n).set(c.ownerAgent);
    new Int32Array(buf, a.contact, n).set(c.contact);
    new Uint16Array(buf, a.zone, n).set(c.zone);
    this.gen++;
    if (this.gen > 0x7ffffff0) {
      this.clearStamps();
      this.gen = 1;
    }
    return this.gen;
  }

  private relayout(rows: number, contacts: number): void {
    const n = Math.ceil(rows * 1.25) + 64, cts = Math.ceil(contacts * 1.25) + 64;
    let off = BASE;
    const a: Record<string, number> = {};
    const take = (name: string, bytes: number): void => {
      a[name] = off;
      off += Math.ceil(bytes / 8) * 8;
    };
    take('stateBits', 512); take('zoneBits', 2 * 65536); take('hist', 4 * 2048); take('hist3', 4 * 3 * 2048); take('res', 8 * 16);
    take('next', 8 * n); take('created', 8 * n); take('own', 4 * n); take('contact', 4 * n); take('prio', 2 * n);
    take('dial', 2 * n); take('att', 2 * n); take('cap', 2 * n); take('zone', 2 * n); take('state', n); take('supp', n);
    take('busy', 4 * (cts + 1)); take('slot', 4 * cts); take('slotGen', 4 * cts); take('valsR', 4 * n); take('valsN', 4 * n);
    take('packA', 8 * n); take('packB', 8 * n); take('primA', 8 * n); take('primB', 8 * n); take('out', 4 * n);
    const need = Math.ceil(off / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
    this.addr = a;
    this.rows = n;
    this.contacts = cts;
    this.fn.layout(a.state, a.next, a.created, a.prio, a.dial, a.att, a.cap, a.own, a.contact, a.zone, a.supp, a.busy,
      a.slot, a.slotGen, a.valsR, a.valsN, a.packA, a.packB, a.primA, a.primB, a.out, a.hist, a.hist3, a.stateBits,
      a.zoneBits, a.res);
    const buf = this.memory.buffer;
    this.stateBits = new Uint16Array(buf, a.stateBits, 256);
    this.stateBits.set(this.stateTable);
    this.zoneBits = new Uint16Array(buf, a.zoneBits, 65536);
    this.zoneBits.fill(this.zoneDefault);
    this.hist = new Uint32Array(buf, a.hist, 2048);
    this.res = new Float64Array(buf, a.res, 16);
    this.out = new Int32Array(buf, a.out, n);
    this.clearStamps();
    this.gen = 0;
  }

  private clearStamps(): void {
    const buf = this.memory.buffer, a = this.addr;
    new Int32Array(buf, a.busy, this.contacts + 1).fill(0);
    new Int32Array(buf, a.slotGen, this.contacts).fill(0);
  }
}
