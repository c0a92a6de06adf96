/**
 * One shared one-second ticker for every countdown on the page: components
 * subscribe only while their clock counts, so a queue of a thousand rows
 * re-renders only the cells that actually change, and nothing ticks when no
 * clock counts.
 */
import { useSyncExternalStore } from 'react';

let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const idle = () => () => undefined;
const snapshot = () => now;

/** The current time, updated every second while `active`; a frozen value otherwise. */
export function useNow(active: boolean): number {
  return useSyncExternalStore(active ? subscribe : idle, snapshot);
}
