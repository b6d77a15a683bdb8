/**
 * Long computations written as generators that `yield` where they may pause, so that an editor
 * can run them a slice at a time: the thread is given back between slices (typing, hovers and
 * other extensions' work run in between) and the work is done in the same order either way, so
 * the answer does not depend on where the pauses fell.
 */
export type Steps<T> = Generator<void, T, void>;

/**
 * The slice an editor runs analyses in: a keystroke, a hover or another extension waits at most
 * about this long (measured in `npm run bench`).
 */
export const EDITOR_SLICE_MS = 3;

/** Runs the steps to the end without pausing (the command line, tests). */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs the steps, giving the thread back whenever a slice has run `sliceMs` milliseconds: a slice
 * ends at the first pause point past that, so the longest hold is `sliceMs` and one step. The
 * first slice started at `started` (work done before the steps count too).
 */
export async function inSlices<T>(steps: Steps<T>, sliceMs: number, started = performance.now()): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - started >= sliceMs) {
      await giveBack();
      started = performance.now();
    }
  }
}

/** Resolves after the events waiting now have run (a macrotask, unlike a resolved promise). */
function giveBack(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
