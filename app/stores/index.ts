import { deleteAllConversations, deleteConversation, listConversations, saveConversation, saveConversations } from '../persistence/db';
import { answerService } from './answer-service';
import { BUNDLED_MODEL } from '../../workers/protocol';
import { loadLibrary } from '../library';
import { sourcedTurn } from '../sources';
import { createChatStore, type SourceProvider } from './chat';
import { useModel } from './model';
import { useSettings } from './settings';

/**
 * Chat answers from sources: the conversation's files when it has any (whatever the model), and
 * the offline library when the setting says so for the model in use.
 */
const sources: SourceProvider = {
  async forQuestion(question, conversation) {
    const use = useSettings.getState().library;
    const loaded = useModel.getState().loaded;
    const bundled = loaded ? loaded.id === BUNDLED_MODEL.spec.id : useSettings.getState().model.kind === 'bundled';
    const withLibrary = use === 'all' || (use === 'bundled' && bundled);
    const files = conversation.files ?? [];
    if (!files.length && !withLibrary) return null;
    return sourcedTurn(question, files, withLibrary ? await loadLibrary() : null);
  },
};

export const useChat = createChatStore(
  answerService,
  {
    list: listConversations,
    save: (c) => saveConversation(c).then(announce),
    saveAll: (cs) => saveConversations(cs).then(announce),
    remove: (id) => deleteConversation(id).then(announce),
    removeAll: () => deleteAllConversations().then(announce),
  },
  sources,
);

// Other tabs of the app share the database: each write is announced, and a tab that hears of
// one reads the conversations again (IndexedDB transactions keep each record whole).
function announce(): void {
  channel?.postMessage('conversations-changed');
}
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('redraft-conversations');
if (channel) channel.onmessage = () => void useChat.getState().refresh();
