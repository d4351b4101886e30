// Adding files to the conversation: read one by one (named while they are read); a file that
// cannot be read is named with the reason and changes nothing.

import { useCallback, useState } from 'react';
import { FileReadError, readAttachment } from '../files';
import { useChat } from '../stores';
import { activeOf } from '../stores/select';

export function useFileAdder() {
  const [reading, setReading] = useState<string[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const add = useCallback(async (files: File[]) => {
    setErrors([]);
    for (const file of files) {
      setReading((r) => [...r, file.name]);
      try {
        const current = activeOf(useChat.getState());
        await useChat.getState().attach([await readAttachment(file, current?.files)]);
      } catch (e) {
        setErrors((errs) => [...errs, e instanceof FileReadError ? e.message : `“${file.name}” could not be added: ${(e as Error).message}.`]);
      } finally {
        setReading((r) => r.filter((n) => n !== file.name));
      }
    }
  }, []);
  const dismissErrors = useCallback(() => setErrors([]), []);
  return { reading, errors, add, dismissErrors };
}
