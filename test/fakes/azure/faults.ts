/** A share of calls that fail, drawn from a seeded generator so a failing run can be replayed. */
export interface FaultOptions {
  rate: number;
  seed?: number;
  /** What a faulty call gets; `after-write` applies a write and then answers 500 (a lost response). */
  kinds?: readonly (429 | 500 | 503 | 'after-write')[];
  /** Added to every response, in milliseconds (manual runs and benchmarks; tests keep 0). */
  latencyMs?: number;
  /** Share of asynchronous operations that end `Failed` (the change is rolled back). */
  lroFailRate?: number;
}

export type FaultKind = NonNullable<FaultOptions['kinds']>[number];

export interface FaultState {
  opts: FaultOptions;
  rng: () => number;
  lroRng: () => number;
}
export const faultState = (f: FaultOptions | undefined): FaultState | undefined =>
  f === undefined
    ? undefined
    : { opts: f, rng: mulberry32(f.seed ?? 1), lroRng: mulberry32((f.seed ?? 1) + 7) };

/** Whether this call fails, and how: a seeded draw against the rate. */
export function pickFault(f: FaultState | undefined, write: boolean): FaultKind | undefined {
  if (f === undefined || f.opts.rate <= 0 || f.rng() >= f.opts.rate) return undefined;
  const kinds = (f.opts.kinds ?? [429, 500, 503, 'after-write']).filter(
    (k) => write || k !== 'after-write',
  );
  return kinds[Math.floor(f.rng() * kinds.length)];
}

/** A small seeded generator (mulberry32) so fault sequences repeat. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
