import { withoutAligner } from '../../workers/align/types';
import { toRedraftError } from '../../workers/errors';
import { usesAligner } from '../bridges/aligner';
import { runAnswer, stopAnswer } from '../bridges/llm';
import { deleteAllConversations, deleteConversation, listConversations, saveConversation, saveConversations } from '../persistence/db';
import { useAligner } from './aligner';
import { createChatStore } from './chat';
import { useModel } from './model';

export const useChat = createChatStore(
  {
    async answer(req, onEvent) {
      if (req.align && usesAligner(req.align)) {
        try {
          // The corrector runs beside the generator, on the same backend.
          await useAligner.getState().prepare(useModel.getState().backend?.backend ?? 'wasm', req.align.alignerToken);
        } catch (e) {
          // Chat goes on, and the answer says plainly that the aligner did not check it.
          const align = withoutAligner(req.align);
          const stats = await runAnswer({ ...req, align }, onEvent);
          const instead = align.check === 'off' ? 'its sentences were not checked' : `checked by ${align.check}, corrected by ${align.correction}`;
          return { ...stats, alignmentUnavailable: `Alignment unavailable (${toRedraftError(e).message}): this answer was written without the aligner, so ${instead}.` };
        }
      }
      return runAnswer(req, onEvent);
    },
    stop: stopAnswer,
  },
  {
    list: listConversations,
    save: (c) => saveConversation(c).then(announce),
    saveAll: (cs) => saveConversations(cs).then(announce),
    remove: (id) => deleteConversation(id).then(announce),
    removeAll: () => deleteAllConversations().then(announce),
  },
);

// Other tabs of the app share the database: each write is announced, and a tab that hears of
// one reads the conversations again (IndexedDB transactions keep each record whole).
function announce(): void {
  channel?.postMessage('conversations-changed');
}
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('redraft-conversations');
if (channel) channel.onmessage = () => void useChat.getState().refresh();
