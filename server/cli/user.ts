/**
 * npm run user -- create --username NAME --display-name TEXT --role <admin|reporter|viewer> [--region CODE]
 *                        [--source CODE] [--password-stdin]
 * npm run user -- list | disable NAME | reset-password NAME
 * Without --password-stdin (and on reset-password) a one-time password is printed alone on the last line;
 * the person must change it at first sign-in. Passwords are never logged; only their scrypt hash is stored.
 */
import { parseArgs } from 'node:util';
import { AccountError, USER_ROLES } from '../auth/accounts';
import { loadConfig } from '../config';
import { openStore } from '../store';
import type { Role } from '../../shared/schemas';

const USAGE = 'usage: user create --username NAME --display-name TEXT --role <admin|reporter|viewer> [--region CODE] [--source CODE] [--password-stdin]\n'
  + '       user list | user disable NAME | user reset-password NAME';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

type Store = Awaited<ReturnType<typeof openStore>>;
type Values = Record<string, string | boolean | undefined>;

async function create(store: Store, v: Values): Promise<number> {
  if (typeof v.username !== 'string' || typeof v['display-name'] !== 'string' || typeof v.role !== 'string') {
    console.error(USAGE);
    return 2;
  }
  if (!(USER_ROLES as readonly string[]).includes(v.role)) {
    console.error(`--role must be one of ${USER_ROLES.join(', ')}`);
    return 2;
  }
  const password = v['password-stdin'] ? await readStdin() : undefined;
  const { user, oneTimePassword } = await store.tokens.accounts.create({
    username: v.username, displayName: v['display-name'], role: v.role as Role,
    region: typeof v.region === 'string' ? v.region : undefined, source: typeof v.source === 'string' ? v.source : undefined, password,
  });
  console.log(`created user ${user.username} (${user.displayName}, ${user.role}, region ${user.region})`);
  if (oneTimePassword) {
    console.log('one-time password (shown once; it must be changed at first sign-in):');
    console.log(oneTimePassword);
  }
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: 'string' }, 'display-name': { type: 'string' }, role: { type: 'string' },
      region: { type: 'string' }, source: { type: 'string' }, 'password-stdin': { type: 'boolean' },
    },
  });
  const [cmd, arg] = positionals;
  const store = await openStore(loadConfig());
  try {
    if (cmd === 'create') return await create(store, values);
    if (cmd === 'list') {
      for (const u of await store.tokens.accounts.list()) {
        const state = u.disabledAt ? `disabled ${u.disabledAt}` : u.mustChangePassword ? 'must change password' : 'active';
        console.log([u.username, u.displayName, u.role, u.region, u.source, u.createdAt, state].join('\t'));
      }
      return 0;
    }
    if (cmd === 'disable' && arg) {
      const ok = await store.tokens.accounts.disable(arg);
      console.log(ok ? `disabled ${arg}; their sessions are ended` : `no active user ${arg}`);
      return ok ? 0 : 1;
    }
    if (cmd === 'reset-password' && arg) {
      const pw = await store.tokens.accounts.resetPassword(arg);
      if (!pw) {
        console.log(`no user ${arg}`);
        return 1;
      }
      console.log(`new one-time password for ${arg} (shown once; their sessions are ended; it must be changed at next sign-in):`);
      console.log(pw);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (e) {
    if (e instanceof AccountError) {
      console.error(`user: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    await store.repo.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
