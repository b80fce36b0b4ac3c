import { pino, type Logger } from 'pino';
export const createLogger = (level: string): Logger => pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });

/** The demo's logger: pino-pretty lines (time, level, message) on stdout, synchronously; never in production. */
export async function createDemoLogger(level: string): Promise<Logger> {
  const { default: pretty } = await import('pino-pretty');
  return pino({ level, base: undefined }, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true, sync: true }));
}
