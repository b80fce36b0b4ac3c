/** Things that happen with time rather than with a request: the turn of the day, token revocations. */
import type { Logger } from 'pino';
import type { TokenStore } from './auth/tokens';
import type { HazardService } from './hazards/hazards.service';
import type { AppSocket, IO } from './realtime/realtime';

const DAY_CHECK_MS = 10_000;
const REVOCATION_CHECK_MS = 2_000;
const REVOCATION_LOOKBACK_MS = 30_000;

/** Checks every few seconds whether the day has turned in TZ_REGION; overdue counts change then, with deltas. */
export class DayClock {
  private timer: NodeJS.Timeout;
  constructor(service: HazardService, log: Logger) {
    this.timer = setInterval(() => {
      service.checkDay().catch((err: unknown) => log.error({ err }, 'day check failed'));
    }, DAY_CHECK_MS);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

export const tokenRoom = (tokenId: string) => `token:${tokenId}`;

/**
 * Disconnects the sockets of revoked tokens within seconds (HTTP requests see the revocation at once). Every
 * node asks the shared token table itself and disconnects its own sockets, so a revocation made anywhere (the
 * CLI, another node) reaches every node even while Redis is away. The look-back is wide (30 s) so that a
 * revoking host whose clock runs a little behind this one is still seen.
 */
export class RevocationWatcher {
  private timer: NodeJS.Timeout;

  constructor(private readonly tokens: TokenStore, private readonly io: IO, log: Logger) {
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : err }, 'revocation check failed'));
    }, REVOCATION_CHECK_MS);
  }

  track(socket: AppSocket): void {
    void socket.join(tokenRoom(socket.data.auth.tokenId));
  }

  private async check(): Promise<void> {
    const revoked = await this.tokens.revokedSince(new Date(Date.now() - REVOCATION_LOOKBACK_MS).toISOString());
    for (const id of revoked) {
      // a revoked token's room empties at the first check that sees it, so later checks tell no one twice;
      // local: every node runs this check itself; through the adapter each socket would be told once per node
      this.io.local.to(tokenRoom(id)).emit('session:revoked', { message: 'this token was revoked' });
      this.io.local.in(tokenRoom(id)).disconnectSockets(true);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
