/** Things that happen with time rather than with a request: the turn of the day, token revocations. */
import type { Logger } from 'pino';
import type { TokenStore } from './auth/tokens';
import type { HazardService } from './hazards/hazards.service';
import type { AppSocket, IO } from './realtime/realtime';

const DAY_CHECK_MS = 10_000;
const REVOCATION_CHECK_MS = 2_000;

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

/** Disconnects the sockets of revoked tokens within seconds (HTTP requests see the revocation at once). */
export class RevocationWatcher {
  private sockets = new Map<string, Set<AppSocket>>();
  private since = new Date().toISOString();
  private timer: NodeJS.Timeout;

  constructor(private readonly tokens: TokenStore, _io: IO, log: Logger) {
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => log.error({ err }, 'revocation check failed'));
    }, REVOCATION_CHECK_MS);
  }

  track(socket: AppSocket): void {
    const id = socket.data.auth.tokenId;
    const set = this.sockets.get(id) ?? new Set();
    set.add(socket);
    this.sockets.set(id, set);
    socket.on('disconnect', () => {
      set.delete(socket);
      if (!set.size) this.sockets.delete(id);
    });
  }

  private async check(): Promise<void> {
    const now = new Date(Date.now() - REVOCATION_CHECK_MS).toISOString();
    const revoked = await this.tokens.revokedSince(this.since);
    this.since = now;
    for (const id of revoked) {
      for (const s of this.sockets.get(id) ?? []) {
        s.emit('session:revoked', { message: 'this token was revoked' });
        s.disconnect(true);
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
