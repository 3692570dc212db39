/** Registers of the sketch: 2^12, a standard error of about 1.6%. */
const BITS = 12;

/**
 * How many distinct names were added, estimated in 4 KB (HyperLogLog: Flajolet, Fusy, Gandouet
 * and Meunier, 2007). Each name's hash picks a register by its first bits, and the register keeps
 * the longest run of zeros seen in the rest of the bits.
 */
export class DistinctSketch {
  private readonly registers = new Uint8Array(1 << BITS);

  add(name: string): void {
    const h = hash32(name);
    const rest = (h << BITS) >>> 0;
    const rank = rest === 0 ? 32 - BITS + 1 : Math.clz32(rest) + 1;
    const r = h >>> (32 - BITS);
    if (rank > this.registers[r]) this.registers[r] = rank;
  }

  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const x of this.registers) {
      sum += 2 ** -x;
      if (x === 0) zeros++;
    }
    const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    // Few names: count the empty registers instead (linear counting), which is better there.
    if (raw <= 2.5 * m && zeros) return m * Math.log(m / zeros);
    return raw;
  }
}

/** A 32-bit hash of a string: FNV-1a over its UTF-16 units, then mixed so every bit counts. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
