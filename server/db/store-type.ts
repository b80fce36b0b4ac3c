/**
 * What an opened store is, whatever database holds it. A leaf (type imports only): server/store.ts chooses and
 * opens one, server/db/postgres.ts builds the PostgreSQL one, and neither imports the other's choice.
 */
import type { TokenStore } from '../auth/tokens';
import type { ChainStore } from '../hazards/chain.store';

export type Store = {
  /** the hash chain, the hazards projection and the change feed's reads (hazards/chain.store.ts) */
  repo: ChainStore;
  tokens: TokenStore;
  /** for logs: the kind and place, never a password */
  describe: string;
  /** closes the connection(s) the chain store and the tokens share */
  close(): Promise<void>;
};
