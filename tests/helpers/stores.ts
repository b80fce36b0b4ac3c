/**
 * Every store implementation, opened fresh for a test through the same path the server takes (openStore with
 * the configuration), plus a fixed scenario — fixed ids, times and actor — so that two stores fed the same
 * calls must hold byte-identical chains.
 */
import { rmSync } from 'node:fs';
import { openStore, type Store } from '../../server/store';
import { normalise } from '../../server/hazards/normalise';
import type { NewHazard } from '../../server/hazards/hazards.repository';
import { HazardInputSchema, type Actor } from '../../shared/schemas';
import { freshDatabase } from './postgres';
import { tempDir } from './server';

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];
export const TZ = 'Asia/Shanghai';

export type TestStore = Store & { kind: StoreKind; env: Record<string, string>; dispose(): Promise<void> };

/** The environment of a new, empty store of this kind, for startApp({ env }); `dispose` removes it. */
export async function freshStoreEnv(kind: StoreKind): Promise<{ env: Record<string, string>; dispose(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = tempDir('hz-store-');
    return { env: { DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await freshDatabase();
  return { env: { DATABASE_URL: db.url }, dispose: () => db.drop() };
}

/** A new, empty store of this kind, opened as the server opens it (openStore with the configuration). */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  const { env, dispose } = await freshStoreEnv(kind);
  const store = await openStore({ DATA_DIR: env.DATA_DIR ?? 'unused', DATABASE_URL: env.DATABASE_URL, TZ_REGION: TZ });
  return { ...store, kind, env, dispose };
}

export const ACTOR: Actor = { kind: 'token', tokenId: 'tok-test', name: '测试管理员', role: 'admin', region: '140000' };
export const T0 = Date.parse('2024-12-01T02:00:00Z');
/** recordedAt of the n-th write of a scenario: fixed, so two stores seal the same hashes */
export const at = (n: number) => new Date(T0 + n * 60_000).toISOString();

type Over = { regionCode?: string; sector?: string; level?: 'major' | 'general'; deadline?: string; source?: string; title?: string };

/** A valid hazard with a fixed id and content (the 'C-' ids sort as their numbers for n < 100). */
export function fixedHazard(n: number, over: Over = {}) {
  return HazardInputSchema.parse({
    id: `C-${String(n).padStart(2, '0')}`,
    regionCode: '141102',
    sector: 'coal',
    level: 'general',
    title: `固定隐患 ${n}「引号"与\\反斜杠」`,
    source: 'inspection',
    discoveredAt: new Date(Date.parse('2024-11-01T01:00:00Z') + n * 7 * 3_600_000).toISOString().replace('Z', '+00:00'),
    deadline: '2024-12-10',
    ...over,
  });
}

/** What the service would hand the store for these inputs (its own normalise: content hash and day). */
export function prepared(inputs: ReturnType<typeof fixedHazard>[]): NewHazard[] {
  return inputs.map((i) => normalise(i, TZ));
}
