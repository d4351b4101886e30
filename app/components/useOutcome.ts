import { useState } from 'react';
import { toRedraftError } from '../../workers/protocol';

/** One action's line of outcome in a panel: busy while it runs, then its text or its error's message. */
export function useOutcome() {
  const [outcome, setOutcome] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ text: await action() });
    } catch (e) {
      setOutcome({ text: toRedraftError(e).userMessage, error: true });
    } finally {
      setBusy(false);
    }
  };
  return { outcome, busy, run };
}
