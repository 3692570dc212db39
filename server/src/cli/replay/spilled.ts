import { DECISIONS, type Outcome } from '../../core/index';

/**
 * The outcomes a side's table did not number (core/replay/outcome.ts), posted from a worker to the
 * pairing thread as numbers: per outcome its decision, how many policies decide and each policy's
 * number. A batch of 4,096 such outcomes as objects of strings took tens of MB on the pairing
 * thread while 32 batches waited there; as numbers, a few hundred KB. Policy names are numbered
 * once per side (there are as many as the side has policies), and posted when first used.
 */
export interface SpilledBatch {
  codes: Uint32Array;
  /** Policy names first used in this batch, numbered after those of the batches before. */
  names: string[];
}

/** The worker's side: outcomes in, a batch's numbers out. */
export class SpillWriter {
  private readonly ids = new Map<string, number>();
  private codes: number[] = [];
  private names: string[] = [];

  add(o: Outcome): void {
    this.codes.push(DECISIONS.indexOf(o.decision), o.deciding.length);
    for (const name of o.deciding) {
      let id = this.ids.get(name);
      if (id === undefined) {
        this.ids.set(name, (id = this.ids.size));
        this.names.push(name);
      }
      this.codes.push(id);
    }
  }

  /** The batch so far; the next starts empty. */
  take(): SpilledBatch {
    const batch = { codes: Uint32Array.from(this.codes), names: this.names };
    this.codes = [];
    this.names = [];
    return batch;
  }
}

/** The pairing thread's side: one reader per side, fed each batch in order. */
export class SpillReader {
  private readonly names: string[] = [];
  private codes: Uint32Array = new Uint32Array(0);
  private at = 0;

  batch(b: SpilledBatch): void {
    this.names.push(...b.names);
    this.codes = b.codes;
    this.at = 0;
  }

  /** The next outcome of the batch. */
  next(): Outcome {
    const c = this.codes;
    const decision = DECISIONS[c[this.at++]];
    const deciding: string[] = [];
    for (let n = c[this.at++]; n > 0; n--) deciding.push(this.names[c[this.at++]]);
    return { decision, deciding };
  }
}
