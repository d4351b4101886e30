import { deleteAllConversations, deleteConversation, listConversations, saveConversation, saveConversations } from '../persistence/db';
import { answerService } from './answer-service';
import { createChatStore } from './chat';

export const useChat = createChatStore(
  answerService,
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
