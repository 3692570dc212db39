/**
 * Agent Sentinel's spend per session, run or action, as the evaluator's states see it: each state
 * reads the map as it was at its own version, and successive states share one history instead of
 * each copying the map (an event of a new session id copied every earlier session: 10,000 such
 * events took `eval` 69 s). A key keeps the versions at which its amount changed; the state at the
 * tip of the history adds a version, and an earlier state that adds one starts a history of its own
 * from a copy of what it sees. `toJSON` gives the plain object the state held before.
 */
interface History {
  /** Per key: the versions at which its amount changed, ascending, and the amounts. */
  keys: Map<string, { versions: number[]; amounts: number[] }>;
  latest: number;
}

export class SpendMap {
  private constructor(
    private readonly history: History,
    private readonly version: number,
  ) {}

  static empty(): SpendMap {
    return new SpendMap({ keys: new Map(), latest: 0 }, 0);
  }

  /** The amount of `key` in this state (undefined when it has none). */
  get(key: string): number | undefined {
    const h = this.history.keys.get(key);
    if (!h) return undefined;
    // The last change at or before this version.
    let lo = 0;
    let hi = h.versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (h.versions[mid] <= this.version) lo = mid + 1;
      else hi = mid;
    }
    return lo ? h.amounts[lo - 1] : undefined;
  }

  /** The next state's map: `key`'s amount plus `cost`. */
  add(key: string, cost: number): SpendMap {
    const before = this.get(key);
    if (before !== undefined && cost === 0) return this;
    const history = this.history.latest === this.version ? this.history : this.copy();
    const version = history.latest + 1;
    history.latest = version;
    let h = history.keys.get(key);
    if (!h) history.keys.set(key, (h = { versions: [], amounts: [] }));
    h.versions.push(version);
    h.amounts.push((before ?? 0) + cost);
    return new SpendMap(history, version);
  }

  /** A history of its own holding what this state sees, at its version. */
  private copy(): History {
    const keys = new Map<string, { versions: number[]; amounts: number[] }>();
    for (const k of this.history.keys.keys()) {
      const amount = this.get(k);
      if (amount !== undefined) keys.set(k, { versions: [this.version], amounts: [amount] });
    }
    return { keys, latest: this.version };
  }

  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of this.history.keys.keys()) {
      const amount = this.get(k);
      if (amount !== undefined) out[k] = amount;
    }
    return out;
  }
}
