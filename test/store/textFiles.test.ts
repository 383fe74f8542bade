import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DiskTextFiles } from '../../src/store/textFiles';
import { tempDir } from '../helpers/tempDir';

describe('text files written in the background', () => {
  it('reads a text being written from memory, and a text removed while being written leaves no file', async () => {
    const dir = join(tempDir(), 'texts');
    const files = new DiskTextFiles(dir, true);
    const id = 'ab'.repeat(12);
    const writing = files.write(id, { kind: 'log' }, 'the text');
    assert.deepEqual(await files.read(id), { header: { kind: 'log' }, text: 'the text' });
    await writing;
    await files.sync();
    assert.equal((await files.read(id))?.text, 'the text', 'and from its file once written');
    const other = 'cd'.repeat(12);
    const removed = files.write(other, {}, 'gone');
    await files.remove(other);
    assert.equal(await files.read(other), undefined);
    await removed;
    assert.deepEqual(await files.sweep(), [id]);
  });
});
