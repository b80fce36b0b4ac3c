/**
 * An evidence file is durable before its upload is acknowledged: the system calls of the real file store, seen
 * by strace, are write → fsync(file) → rename → fsync(directory), and a shard directory it had to create is
 * synced in its parent. Without the directory's fsync a crash can lose the rename (the new name) even though
 * the bytes reached the disk. Skipped, with a message, where strace is not installed (failed under HZ_REQUIRE_ALL=1).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Of } from '../../server/attachments/blobs';
import { PNG_1PX } from '../helpers/people';
import { REQUIRE_ALL } from '../helpers/postgres';
import { tempDir } from '../helpers/server';

const ROOT = resolve(import.meta.dirname, '../..');
const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
const missing = strace.status === 0 ? null : 'strace is not installed';
if (missing && REQUIRE_ALL) throw new Error(`${missing}; HZ_REQUIRE_ALL=1 requires it`);
if (missing) console.log(`SKIPPED evidence durability test: ${missing}`);

/** Stores `files` one after another through the real blob store of a SQLite deployment, under strace. */
function traced(dataDir: string, files: Buffer[]): string[] {
  const out = join(dataDir, 'strace.txt');
  const script = `
    import { blobStore } from './server/attachments/blobs.ts';
    const store = blobStore({ dialect: 'sqlite' }, process.env.DIR);
    for (const hex of process.env.FILES.split(',')) console.log(await store.put(Buffer.from(hex, 'hex')));
  `;
  const r = spawnSync('strace', [
    '-f', '-y', '-qq', '-o', out, '-e', 'trace=mkdir,mkdirat,rename,renameat,renameat2,fsync,fdatasync',
    process.execPath, '--import', 'tsx', '--input-type=module', '-e', script,
  ], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DIR: dataDir, FILES: files.map((f) => f.toString('hex')).join(',') } });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual(files.map(sha256Of));
  // only what touched the attachments (the runtime's own calls are not ours to judge)
  return readFileSync(out, 'utf8').split('\n').filter((l) => l.includes(join(dataDir, 'attachments')));
}

const at = (lines: string[], what: RegExp): number => {
  const i = lines.findIndex((l) => what.test(l));
  expect(i, `no ${what} in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
  return i;
};
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.skipIf(missing !== null)('evidence files on disk', () => {
  it('fsyncs the file, renames it, then fsyncs its directory; a new directory is synced in its parent', () => {
    const dataDir = tempDir();
    const other = Buffer.concat([PNG_1PX, Buffer.from('another file')]);
    const lines = traced(dataDir, [PNG_1PX, other]);
    const dir = join(dataDir, 'attachments');
    for (const bytes of [PNG_1PX, other]) {
      const sha = sha256Of(bytes);
      const shard = join(dir, sha.slice(0, 2));
      const final = join(shard, sha);
      const fileSync = at(lines, new RegExp(`fsync\\(\\d+<${esc(final)}\\.[0-9a-f]+\\.tmp>\\)`));
      const renamed = at(lines, new RegExp(`rename\\w*\\(.*"${esc(final)}\\.[0-9a-f]+\\.tmp".*"${esc(final)}"`));
      const dirSync = lines.findIndex((l, i) => i > renamed && new RegExp(`fsync\\(\\d+<${esc(shard)}>\\)`).test(l));
      expect(fileSync).toBeLessThan(renamed);
      expect(dirSync, `no fsync of ${shard} after the rename:\n${lines.join('\n')}`).toBeGreaterThan(renamed);
      // the shard directory was new: its entry in attachments/ is synced before the file goes in
      const made = at(lines, new RegExp(`mkdir\\w*\\(.*"${esc(shard)}"`));
      const parentSync = lines.findIndex((l, i) => i > made && new RegExp(`fsync\\(\\d+<${esc(dir)}>\\)`).test(l));
      expect(parentSync).toBeGreaterThan(made);
      expect(parentSync).toBeLessThan(renamed);
    }
  });
});
