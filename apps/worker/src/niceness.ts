import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of every thread of this process to `nice` (never raises it: that would need
 * privileges). On Linux niceness belongs to each thread, and V8's and libuv's threads exist before any code runs, so
 * each thread listed in /proc/self/task is set; threads started later inherit it from the one that starts them.
 * Elsewhere the process's priority is set. Returns how many threads were lowered.
 */
export function lowerPriority(nice: number): number {
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [0];
  }
  let lowered = 0;
  for (const thread of threads) {
    try {
      if (getPriority(thread) >= nice) continue;
      setPriority(thread, nice);
      lowered++;
    } catch {
      // A thread that ended while we went through the list.
    }
  }
  return lowered;
}
