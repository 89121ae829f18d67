// A minimal store around the reducer, and a Preact hook to read it.

import { useEffect, useState } from 'preact/hooks';
import { reduce, type Action, type ClientState } from './reducer';

export interface Store {
  get(): ClientState;
  dispatch(a: Action): void;
  subscribe(fn: (s: ClientState) => void): () => void;
}

export function createStore(initial: ClientState): Store {
  let state = initial;
  const subs = new Set<(s: ClientState) => void>();
  return {
    get: () => state,
    dispatch(a) {
      const next = reduce(state, a);
      if (next === state) return;
      state = next;
      subs.forEach((fn) => fn(state));
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

export function useStore(store: Store): ClientState {
  const [s, set] = useState(store.get());
  useEffect(() => {
    set(store.get());
    return store.subscribe(set);
  }, [store]);
  return s;
}
