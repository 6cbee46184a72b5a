/** A virtual clock: `sleep` advances `now` at once and records the waits, so tests never wait. */
export function fakeTime(start = 0): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
  advance: (ms: number) => void;
} {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    sleeps,
    advance: (ms) => {
      t += ms;
    },
  };
}
