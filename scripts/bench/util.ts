/** Small helpers the benchmark parts share: flags, the machine, percentiles, memory, formatting. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** One line of the results table. `pass` is null for figures that have no target. */
export type ResultRow = { name: string; figure: string; target: string; pass: boolean | null };

/** What one part hands back: its rows, a method paragraph, and notes (gaps, explanations). */
export type PartResult = { title: string; rows: ResultRow[]; method: string; notes: string[] };

export type Flags = {
  rows: number; batch: number; concurrency: number;
  sockets: number; citySockets: number; watcherProcs: number; rate: number; seconds: number;
  startupHazards: number; transitions: number; startupDir: string; startupRuns: number;
  only: Set<string> | null; out: string;
};

const DEFAULTS: Flags = {
  rows: 50_000, batch: 500, concurrency: 4,
  sockets: 200, citySockets: 50, watcherProcs: 4, rate: 20, seconds: 30,
  startupHazards: 1_000_000, transitions: 300_000, startupDir: '/tmp/hz-bench-1m', startupRuns: 3,
  only: null, out: 'docs/PERFORMANCE.md',
};

export const USAGE = `npm run bench -- [flags]
  --rows N              hazards per ingest run (raw, service, HTTP)          [${DEFAULTS.rows}]
  --batch N             rows per transaction / HTTP batch                    [${DEFAULTS.batch}]
  --concurrency N       HTTP requests in flight                              [${DEFAULTS.concurrency}]
  --sockets N           subscribed sockets for the latency run               [${DEFAULTS.sockets}]
  --city-sockets N      of those, how many also subscribe to a city          [${DEFAULTS.citySockets}]
  --watcher-procs N     client processes the sockets are spread over         [${DEFAULTS.watcherProcs}]
  --rate N              single reports per second in the latency run         [${DEFAULTS.rate}]
  --seconds N           length of the latency run                            [${DEFAULTS.seconds}]
  --startup-hazards N   stored hazards for the start-up run                  [${DEFAULTS.startupHazards}]
  --transitions N       workflow changes stored beside them                  [${DEFAULTS.transitions}]
  --startup-dir DIR     where the start-up store is kept and reused          [${DEFAULTS.startupDir}]
  --startup-runs N      timed start-ups (the slowest is held to the target)  [${DEFAULTS.startupRuns}]
  --only a,b            run only these parts: raw, service, http, post, latency, fanout, startup, import, crossnode, heavy, list, wall
  --out FILE            the report                                           [${DEFAULTS.out}]`;

const KEYS: Record<string, keyof Flags> = {
  rows: 'rows', batch: 'batch', concurrency: 'concurrency', sockets: 'sockets', 'city-sockets': 'citySockets', 'watcher-procs': 'watcherProcs',
  rate: 'rate', seconds: 'seconds', 'startup-hazards': 'startupHazards', transitions: 'transitions',
  'startup-dir': 'startupDir', 'startup-runs': 'startupRuns', only: 'only', out: 'out',
};

export function parseFlags(argv: string[]): Flags {
  const flags: Flags = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    const key = m && KEYS[m[1]!];
    if (!m || !key) throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    if (key === 'only') flags.only = new Set(value.split(','));
    else if (key === 'startupDir' || key === 'out') flags[key] = value;
    else {
      const n = Number(value.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 0) throw new Error(`--${m[1]} must be a whole number, got ${value}`);
      flags[key] = n;
    }
  }
  return flags;
}

export type Machine = { cpu: string; cores: number; memory: string; node: string; os: string; date: string };

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep what os.cpus() says
  }
  let os = `${osType()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty} (${osType()} ${release()})`;
  } catch {
    // no os-release
  }
  return {
    cpu, cores: cpus().length, memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`, node: process.version, os,
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
  };
}

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Resident and peak resident memory of a process, from /proc (bytes). */
export function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const ms = (n: number) => `${n.toFixed(0)} ms`;

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, t));

/** CPU time (user + system) a process has used so far, in ms, from /proc (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The 1-minute load average: this machine is shared, so every part records what else was running. */
export const load = () => loadavg()[0]!.toFixed(1);

/** Microseconds some task has waited for a CPU and for IO since boot (Linux pressure stall information). */
function stallTotals(): { cpu: number; io: number } | null {
  try {
    const some = (f: string) => Number(/^some .* total=(\d+)/m.exec(readFileSync(`/proc/pressure/${f}`, 'utf8'))?.[1] ?? NaN);
    return { cpu: some('cpu'), io: some('io') };
  } catch {
    return null;
  }
}

/**
 * Describes what else the machine was doing during a part: the load average when it began and, where
 * Linux reports pressure stalls, the share of the part's time in which some task waited for a CPU or IO.
 */
export function envMeter(): () => string {
  const l = load();
  const s0 = stallTotals();
  const t0 = performance.now();
  return () => {
    const s1 = stallTotals();
    const us = (performance.now() - t0) * 1000;
    const stalls = s0 && s1
      ? `; while it ran, some task was waiting for a CPU ${((100 * (s1.cpu - s0.cpu)) / us).toFixed(0)} % of the time and for IO ` +
        `${((100 * (s1.io - s0.io)) / us).toFixed(0)} % (/proc/pressure)`
      : '';
    return `Load average at its start: ${l}${stalls}.`;
  };
}
