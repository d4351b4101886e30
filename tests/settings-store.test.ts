// The settings store: a change that cannot be stored (a full disk) holds for the session and is
// said, instead of being thrown where nothing catches it.
import { describe, expect, it, vi } from 'vitest';
import { StorageFullError } from '../workers/errors';

const save = vi.fn();
vi.mock('../app/persistence/db', () => ({ loadSettings: async () => ({}), saveSettings: (s: unknown) => save(s) }));

describe('settings store', () => {
  it('a change on a full disk holds, and the error is kept to be shown; the next good save clears it', async () => {
    const { useSettings } = await import('../app/stores/settings');
    save.mockRejectedValueOnce(new StorageFullError('quota'));
    await expect(useSettings.getState().update({ temperature: 0.2 })).resolves.toBeUndefined();
    expect(useSettings.getState().temperature).toBe(0.2);
    expect(useSettings.getState().saveError).toBeInstanceOf(StorageFullError);
    save.mockResolvedValueOnce(undefined);
    await useSettings.getState().update({ temperature: 0.3 });
    expect(useSettings.getState().saveError).toBeNull();
  });
});
