// useApi(load, deps): runs load(signal) when deps change; {loading, data, error, reload}.
import { useEffect, useState, useCallback, useRef } from 'react';

/**
 * @template T
 * @param {(signal: AbortSignal) => Promise<T>} load
 * @param {unknown[]} deps
 * @returns {{loading: boolean, data: T | undefined, error: any, reload: () => void}}
 */
export function useApi(load, deps) {
  const [state, setState] = useState({ loading: true, data: undefined, error: null });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ loading: true, data: s.data, error: null }));
    loadRef.current(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setState({ loading: false, data, error: null }); },
      (error) => { if (!ctl.signal.aborted && error?.name !== 'AbortError') setState({ loading: false, data: undefined, error }); },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
