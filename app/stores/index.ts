import { runAnswer, stopAnswer } from '../bridges/llm';
import { deleteConversation, listConversations, saveConversation } from '../persistence/db';
import { createChatStore } from './chat';

export const useChat = createChatStore(
  { answer: runAnswer, stop: stopAnswer },
  { list: listConversations, save: saveConversation, remove: deleteConversation },
);
