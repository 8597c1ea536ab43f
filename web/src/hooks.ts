/** Hooks the pages share for calls that are not generations: a busy flag, a loaded list, failures reported. */
import { useEffect, useState } from 'preact/hooks';
import { reportError } from './actions.ts';

/**
 * A call the merchant starts (cancel, schedule, upload, load more): `busy` while it runs; a failure
 * is reported (toast or modal) under `errorTitle`. `run` resolves to the call's result, or to
 * undefined when it failed.
 */
export function useAction(errorTitle: string, initiallyBusy = false) {
  const [busy, setBusy] = useState(initiallyBusy);
  const run = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    try {
      return await call();
    } catch (err) {
      reportError(err, errorTitle);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

/**
 * A list read when the component mounts and again whenever `deps` change (null until then). A
 * failure leaves it empty and is reported under `errorTitle`.
 */
export function useList<T>(load: () => Promise<T[]>, deps: unknown[], errorTitle: string) {
  const [items, setItems] = useState<T[] | null>(null);
  const reload = () =>
    load()
      .then(setItems)
      .catch((err) => {
        setItems([]);
        reportError(err, errorTitle);
      });
  useEffect(() => {
    void reload();
    // The caller names what the list depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { items, setItems, reload };
}
