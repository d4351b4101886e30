import { useEffect, useState } from 'react';
import type { RuleFinding } from '../../workers/protocol';
import { alignerBridge } from '../bridges/aligner';

const LABEL: Record<RuleFinding['kind'], string> = {
  email: 'an e-mail address',
  phone: 'a phone number',
  card: 'a payment card number',
  phrase: 'a phrase from your rules',
  pattern: 'a pattern from your rules',
};

/** Runs the aligner worker's personal-data checks on a finished answer and says what it found. */
export function PersonalDataNote({ text }: { text: string }) {
  const [kinds, setKinds] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    alignerBridge
      .call((api) => api.checkRules(text, []))
      .then((found) => live && setKinds([...new Set(found.map((f) => LABEL[f.kind]))]))
      .catch(() => live && setKinds([]));
    return () => {
      live = false;
    };
  }, [text]);
  if (!kinds.length) return null;
  return (
    <p className="badge personal-data" role="note">
      This answer contains {kinds.join(', ')}. Check before you share it.
    </p>
  );
}
