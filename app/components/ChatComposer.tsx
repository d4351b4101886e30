// The message box wired to the chat: a message sent while the model loads waits in the box and
// goes when the model is ready (and no file is being read).

import { useEffect, useState } from 'react';
import { answerSettings } from '../answer-settings';
import { useChat } from '../stores';
import { useModel } from '../stores/model';
import { isBusy } from '../stores/select';
import { Composer } from './Composer';

export function ChatComposer({ readingFiles }: { readingFiles: boolean }) {
  const draft = useChat((s) => s.draft);
  const busy = useChat(isBusy);
  const ready = useModel((s) => !!s.loaded);
  const [queued, setQueued] = useState(false);
  // Sent as soon as the model is ready, no file is being read and no answer is being written.
  useEffect(() => {
    if (!queued || readingFiles) return;
    let live = true;
    const sendWhenReady = () => {
      if (!live || !useModel.getState().loaded || useChat.getState().streamingId) return;
      live = false;
      setQueued(false);
      void useChat.getState().send(answerSettings());
    };
    const offs = [useModel.subscribe(sendWhenReady), useChat.subscribe(sendWhenReady)];
    queueMicrotask(sendWhenReady);
    return () => {
      live = false;
      offs.forEach((off) => off());
    };
  }, [queued, readingFiles]);
  return (
    <Composer
      draft={draft}
      busy={busy}
      disabled={readingFiles}
      queued={queued}
      placeholder={readingFiles ? 'Reading your files…' : !ready ? 'Message Redraft (it sends when the model is ready)' : 'Message Redraft (Enter to send, Shift+Enter for a new line)'}
      onDraft={useChat.getState().setDraft}
      onSend={() => (ready ? void useChat.getState().send(answerSettings()) : setQueued(true))}
      onCancelQueued={() => setQueued(false)}
      onStop={() => void useChat.getState().stop()}
    />
  );
}
