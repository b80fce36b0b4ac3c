/**
 * The demo's simulated feed. It talks to the server only through the public HTTP API with its own
 * token, like a city's reporting system would: back-fills 60 days on first start, then reports a
 * few hazards a minute and moves existing ones through the lifecycle.
 */
import { ALL_REGIONS, type Region } from '../../shared/regions';
import type { Hazard, HazardInput } from '../../shared/schemas';
import { addDays, dayOf } from '../../shared/time';
import { CITY_VOLUME } from './catalogue';
import { demoHazard, pick } from './generate';

type Rand = () => number;
const DAY = 86_400_000;

/** A few counties never report in the demo: the map and the briefing must show them as blind spots. */
const SILENT = new Set(['140727', '140929', '141029', '140311']);

export class Simulator {
  private seq = 0;
  private open: Array<Pick<Hazard, 'id' | 'status' | 'level' | 'discoveredAt' | 'deadline'>> = [];
  private timer?: NodeJS.Timeout;
  private readonly cities = ALL_REGIONS.filter((r) => r.level === 'city');

  constructor(private readonly url: string, private readonly token: string, private readonly rand: Rand = Math.random, private readonly tz = 'Asia/Shanghai') {}

  private async call(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  }

  private hazard(city: Region, at: number): HazardInput {
    this.seq += 1;
    const id = `DEMO-${city.code.slice(0, 4)}-${Math.floor(at).toString(36)}-${this.seq.toString(36)}`;
    return demoHazard(this.rand, city, at, id, SILENT, this.tz);
  }

  /** Lifecycle moves for one hazard up to `until`, as (at, to) pairs. */
  private plan(h: HazardInput, until: number): Array<{ at: number; to: string }> {
    const r = this.rand;
    const t0 = Date.parse(h.discoveredAt);
    if (r() < 0.02) return [{ at: t0 + r() * DAY, to: 'rejected' }];
    if (!h.deadline) return [{ at: t0 + r() * 3_600_000, to: 'rectified' }, { at: t0 + (1 + r() * 3) * DAY, to: 'closed' }];
    const deadline = Date.parse(`${h.deadline}T12:00:00+08:00`);
    const span = deadline - t0;
    const late = r() < 0.12; // misses its deadline
    const steps = [{ at: t0 + r() * Math.min(span, 2 * DAY), to: 'rectifying' }];
    const fixed = late ? deadline + (2 + r() * 20) * DAY : t0 + span * (0.3 + r() * 0.65);
    steps.push({ at: fixed, to: 'rectified' });
    if (r() < 0.08) steps.push({ at: fixed + DAY, to: 'rectifying' }, { at: fixed + 4 * DAY, to: 'rectified' });
    steps.push({ at: steps[steps.length - 1]!.at + (1 + r() * 6) * DAY, to: 'closed' });
    return steps.filter((s) => s.at < until);
  }

  /** 60 days of history, through the API, when the store is empty. */
  async backfill(days = 60, now = Date.now()): Promise<number> {
    const hazards: HazardInput[] = [];
    for (let d = days; d >= 1; d--) {
      for (const city of this.cities) {
        const n = Math.round((CITY_VOLUME[city.code] ?? 8) * (0.6 + this.rand() * 0.8));
        for (let i = 0; i < n; i++) hazards.push(this.hazard(city, now - d * DAY + this.rand() * DAY));
      }
    }
    for (let i = 0; i < hazards.length; i += 1000) await this.call('POST', '/api/v1/hazards', { hazards: hazards.slice(i, i + 1000) });
    const moves = hazards.flatMap((h) => this.plan(h, now - 60_000).map((m) => ({ id: h.id, ...m }))).sort((a, b) => a.at - b.at);
    const queue = [...moves];
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        await this.call('POST', `/api/v1/hazards/${m.id}/transitions`, { to: m.to, at: new Date(m.at).toISOString() }).catch(() => undefined);
      }
    };
    // per hazard the moves stay in order: one worker per id bucket would be exact; the moves are sorted by time and
    // an out-of-order move is simply refused (409) by the lifecycle, which the demo tolerates
    await Promise.all([worker(), worker(), worker(), worker()]);
    // a share of the open major hazards is under supervised listing
    const majors = hazards.filter((h) => h.level === 'major' && this.rand() < 0.35);
    for (const h of majors) {
      await this.call('POST', `/api/v1/hazards/${h.id}/listing`, { by: this.rand() < 0.3 ? 'province' : 'city', document: '晋安办督〔2024〕演示号' }).catch(() => undefined);
    }
    return hazards.length;
  }

  /** Loads the open hazards (so a restarted demo keeps moving the ones it has). */
  async loadOpen(): Promise<void> {
    this.open = [];
    for (const status of ['reported', 'rectifying', 'rectified']) {
      const page = await this.call('GET', `/api/v1/hazards?status=${status}&limit=500`);
      for (const h of page.items as Hazard[]) this.open.push(h);
    }
  }

  /** One tick: a report now and then, and a lifecycle move or two. */
  async tick(): Promise<void> {
    const r = this.rand;
    if (r() < 0.45) {
      const city = pick(r, this.cities);
      const h = this.hazard(city, Date.now() - r() * 600_000);
      await this.call('POST', '/api/v1/hazards', h);
      this.open.push({ id: h.id, status: 'reported', level: h.level, discoveredAt: h.discoveredAt, deadline: h.deadline });
    }
    if (this.open.length && r() < 0.6) {
      const i = Math.floor(r() * this.open.length);
      const h = this.open[i]!;
      const next: Record<string, string> = { reported: h.deadline ? 'rectifying' : 'rectified', rectifying: 'rectified', rectified: r() < 0.9 ? 'closed' : 'rectifying' };
      const to = next[h.status];
      if (to) {
        const updated = (await this.call('POST', `/api/v1/hazards/${h.id}/transitions`, { to }).catch(() => null)) as Hazard | null;
        if (updated && updated.status !== 'closed') this.open[i] = updated;
        else this.open.splice(i, 1);
      }
    }
    if (this.open.length && r() < 0.08) await this.supervise();
    if (this.open.length > 5000) this.open.splice(0, this.open.length - 5000);
  }

  /** Now and then the province or a city lists a major hazard (挂牌督办), or a general one grows into a major one. */
  private async supervise(): Promise<void> {
    const r = this.rand;
    const h = pick(r, this.open);
    if (h.status !== 'reported' && h.status !== 'rectifying') return;
    if (h.level === 'major') {
      await this.call('POST', `/api/v1/hazards/${h.id}/listing`, { by: r() < 0.3 ? 'province' : 'city', document: '晋安办督〔2024〕演示号' }).catch(() => undefined);
    } else if (r() < 0.3) {
      const deadline = addDays(dayOf(Date.now(), this.tz), 30);
      const updated = await this.call('POST', `/api/v1/hazards/${h.id}/escalations`, { level: 'major', note: '排查发现问题扩大，升级为重大隐患', ...(h.deadline ? {} : { deadline }) }).catch(() => null);
      if (updated) Object.assign(h, { level: 'major' });
    }
  }

  start(everyMs = 2000): void {
    const loop = () => {
      this.tick()
        .catch((e: unknown) => console.error('simulator:', e instanceof Error ? e.message : e))
        .finally(() => {
          this.timer = setTimeout(loop, everyMs * (0.5 + this.rand()));
        });
    };
    this.timer = setTimeout(loop, everyMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

