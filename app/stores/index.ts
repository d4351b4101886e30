import { usesAligner } from '../bridges/aligner';
import { runAnswer, stopAnswer } from '../bridges/llm';
import { deleteConversation, listConversations, saveConversation } from '../persistence/db';
import { useAligner } from './aligner';
import { createChatStore } from './chat';
import { useModel } from './model';

export const useChat = createChatStore(
  {
    async answer(req, onEvent) {
      // The corrector runs beside the generator, on the same backend.
      if (usesAligner(req.align)) await useAligner.getState().prepare(useModel.getState().backend?.backend ?? 'wasm', req.align?.alignerToken);
      return runAnswer(req, onEvent);
    },
    stop: stopAnswer,
  },
  { list: listConversations, save: saveConversation, remove: deleteConversation },
);
