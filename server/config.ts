/** Configuration from the environment (README.md "Running in production"), parsed once and validated. */
import { z } from 'zod';
import { CAMPAIGN_START } from '../shared/briefing-period';
import { DEFAULT_TZ } from '../shared/time';
import { PRESENT_LEASE_MS } from './realtime/present-redis';

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  /** origins besides the server's own whose pages may use the session cookie (comma-separated), e.g. behind a proxy that rewrites Host */
  ALLOWED_ORIGINS: z.string().optional(),
  /** the store is verified against its history at start and then every this many minutes (0: at start only) */
  INTEGRITY_CHECK_MINUTES: z.coerce.number().min(0).default(60),
  /**
   * how long start-up waits for the first check before it serves anyway, flagged `checking` (/healthz 503, screens
   * 校验中, never 实时) until the check passes: it walks the whole history, ~1 min of CPU at 1,000,000 hazards
   */
  INTEGRITY_START_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(3_000),
  /** every Redis key, stream and channel of this deployment starts with it (several deployments, or tests, may share one Redis) */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, '1–64 characters of A–Z a–z 0–9 : _ . -').default('hz:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TZ_REGION: z.string().default(DEFAULT_TZ),
  /** first day of the 重大事故隐患专项排查整治 campaign: the briefing's 专项整治以来 figures count from it (docs/DOMAIN.md) */
  CAMPAIGN_START: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).default(CAMPAIGN_START),
  /** hazards a non-admin token may send per minute: far above a real city, far below a runaway script */
  INGEST_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
  /** failed authentications from one address per 5 minutes before it gets 429s */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(30),
  /** /healthz answers 503 (a balancer takes the node out) once it has been behind the database's head this long */
  READY_MAX_LAG_MS: z.coerce.number().int().min(100).default(3000),
  /** with REDIS_URL: a presenter whose node goes unheard this long (killed, cut off) is taken off its room (docs/OPERATIONS.md) */
  PRESENT_LEASE_MS: z.coerce.number().int().min(1000).max(300_000).default(PRESENT_LEASE_MS),
  /** serve the built client from here */
  CLIENT_DIR: z.string().default('dist/client'),
  /** express "trust proxy": a hop count (1), addresses or names (loopback, 10.0.0.0/8), or true (trust all: spoofable) */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' || v === 'false' ? undefined : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v)),
});

export type Config = z.infer<typeof ConfigSchema> & { demo: boolean };

export function loadConfig(env: NodeJS.ProcessEnv = process.env, demo = false): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`bad configuration: ${msg}`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: parsed.data.TZ_REGION });
  } catch {
    throw new Error(`bad configuration: TZ_REGION ${parsed.data.TZ_REGION} is not a time zone`);
  }
  return { ...parsed.data, demo };
}
