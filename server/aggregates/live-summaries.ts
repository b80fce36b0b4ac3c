/**
 * The in-memory aggregates of every region, kept current by applying the change sequence in order,
 * one change at a time in O(1). Versions are positions in that sequence, so every node that applies
 * the same stream reports the same versions.
 */
import { Aggregates, COUNT_KEYS, emptyCounts, touchesOf, type Touch } from '../../shared/aggregation';
import { chainOf, getRegion } from '../../shared/regions';
import type { Counts, Summary, SummaryChanges } from '../../shared/schemas';
import type { Change } from '../hazards/changes';
import type { RebuildState } from '../hazards/hazards.repository';

export class LiveSummaries {
  readonly agg = new Aggregates();
  /** the day overdue is counted against: the newest `day` change applied */
  today = '';
  appliedSeq = 0;
  private versions = new Map<string, number>();
  private asOfs = new Map<string, string>();
  private dirty = new Map<string, Map<string, Touch>>();

  constructor(private readonly demo = false) {}

  /** Loads grouped counts from the store: no per-hazard work. Then `setAsOf` with the times of `versionSeqs()`. */
  rebuild(state: RebuildState): void {
    this.agg.clear();
    this.versions.clear();
    this.asOfs.clear();
    this.dirty.clear();
    this.today = state.day ?? '';
    this.appliedSeq = state.headSeq;
    for (const g of state.groups) {
      const one = emptyCounts();
      if (g.status !== 'rejected') {
        const open = g.status === 'reported' || g.status === 'rectifying';
        one.total = 1;
        one.major = g.level === 'major' ? 1 : 0;
        one.open = open ? 1 : 0;
        one.majorOpen = open && g.level === 'major' ? 1 : 0;
        one.overdue = open && g.overdue ? 1 : 0;
        one.rectified = g.status === 'rectified' ? 1 : 0;
        one.majorRectified = g.status === 'rectified' && g.level === 'major' ? 1 : 0;
        one.closed = g.status === 'closed' ? 1 : 0;
        one.majorClosed = g.status === 'closed' && g.level === 'major' ? 1 : 0;
        one.listed = open && g.listed ? 1 : 0;
      }
      const delta: Partial<Counts> = {};
      for (const k of COUNT_KEYS) delta[k] = one[k] * g.n;
      this.agg.addCounter(g.regionCode, g.sector, delta);
      this.bump(g.regionCode, g.maxSeq);
    }
    for (const d of state.dayChanges) for (const r of d.regions) this.bump(r, d.seq);
  }

  /** The changes whose times are the regions' asOf after a rebuild. */
  versionSeqs(): number[] {
    return [...new Set(this.versions.values())];
  }

  setAsOf(recordedAt: Map<number, string>): void {
    for (const [region, v] of this.versions) this.asOfs.set(region, recordedAt.get(v) ?? new Date(0).toISOString());
  }

  private bump(regionCode: string, seq: number): void {
    for (const r of chainOf(regionCode)) if ((this.versions.get(r) ?? 0) < seq) this.versions.set(r, seq);
  }

  private touch(t: Touch, change: Change, touched: Set<string>): void {
    this.versions.set(t.region, change.seq);
    this.asOfs.set(t.region, change.recordedAt);
    let d = this.dirty.get(t.region);
    if (!d) this.dirty.set(t.region, (d = new Map()));
    d.set(`${t.child ?? ''}|${t.sector}`, t);
    touched.add(t.region);
  }

  /**
   * Applies the next change of the sequence and returns the regions it touched (whose versions moved). Returns
   * null (and changes nothing) for a change already applied; throws on a gap, which the caller fills from the store.
   */
  apply(change: Change): string[] | null {
    if (change.seq <= this.appliedSeq) return null;
    if (change.seq !== this.appliedSeq + 1) throw new SequenceGapError(this.appliedSeq, change.seq);
    const { before, after } = change.payload;
    const touched = new Set<string>();
    if (change.kind === 'day') {
      this.today = change.payload.day!;
      for (const g of change.payload.overdue ?? []) {
        this.agg.addCounter(g.regionCode, g.sector, { overdue: g.n });
        for (const t of touchesOf(g.regionCode, g.sector)) this.touch(t, change, touched);
      }
    } else {
      if (before) this.agg.apply(before, this.today, -1);
      if (after) this.agg.apply(after, this.today, 1);
      for (const f of [before, after]) if (f) for (const t of touchesOf(f.regionCode, f.sector)) this.touch(t, change, touched);
    }
    this.appliedSeq = change.seq;
    return [...touched];
  }

  version(region: string): number {
    return this.versions.get(region) ?? 0;
  }

  summary(region: string): Summary {
    return {
      region,
      name: getRegion(region)?.fullName ?? region,
      version: this.version(region),
      asOf: this.asOfs.get(region) ?? new Date(0).toISOString(),
      today: this.today,
      ...(this.demo ? { demo: true } : {}),
      ...this.agg.summaryBody(region),
    };
  }

  dirtyRegions(): string[] {
    return [...this.dirty.keys()];
  }

  isDirty(region: string): boolean {
    return this.dirty.has(region);
  }

  /**
   * Takes one region's changed parts since the last take; for a region nobody watches nothing is
   * built (its version still moves). Null when the region has nothing waiting.
   */
  take(region: string, watched: boolean): { version: number; asOf: string; changes: SummaryChanges } | null {
    const touches = this.dirty.get(region);
    if (!touches) return null;
    this.dirty.delete(region);
    if (!watched) return null;
    return { version: this.version(region), asOf: this.asOfs.get(region)!, changes: this.agg.changesFor(region, touches.values()) };
  }
}

export class SequenceGapError extends Error {
  constructor(readonly applied: number, readonly got: number) {
    super(`change ${got} arrived after ${applied}: ${got - applied - 1} missing`);
  }
}
