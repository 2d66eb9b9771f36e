/**
 * One budget of event-loop time per turn, shared by every computation that works in slices
 * (`mapInSlices`, the yielding JSON writer): a slice runs until the turn's deadline, then yields. The
 * first slice of a turn sets the deadline; the others of that turn share it. With slices timed each
 * on its own, sixteen requests slicing at once (one address's burst fills the executor's sixteen
 * places) held every turn for 16 x 8 ms, and another address's new connection, which takes a few
 * turns to be read and answered, waited hundreds of milliseconds; sharing the budget keeps a turn near
 * 8 ms whatever the number of requests at work, which only take more turns.
 */
const SLICE_MS = 8;

let turnEnds = 0;
let turnOpen = false;

/** When the slices of this turn of the event loop must yield. */
export function turnDeadline(): number {
  if (!turnOpen) {
    turnOpen = true;
    turnEnds = performance.now() + SLICE_MS;
    // Queued before the slices that yield in this turn, so the next turn opens a new budget first.
    setImmediate(() => {
      turnOpen = false;
    });
  }
  return turnEnds;
}
