/**
 * npm run token -- create --role <admin|reporter|viewer|display> [--region CODE] [--name TEXT]
 * npm run token -- list | revoke ID
 * The new token is printed alone on the last line of stdout; only its hash is stored.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { openStore } from '../store';
import { ROLES, type Role } from '../../shared/schemas';

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, region: { type: 'string' }, name: { type: 'string' } },
  });
  const [cmd, arg] = positionals;
  const store = await openStore(loadConfig());
  try {
    if (cmd === 'create') {
      if (!values.role || !ROLES.includes(values.role as Role)) {
        console.error(`--role must be one of ${ROLES.join(', ')}`);
        return 2;
      }
      const { token, info } = await store.tokens.create({ role: values.role as Role, region: values.region, name: values.name });
      console.log(`created token ${info.id} (${info.role}, region ${info.region}, name ${info.name}); it is shown once:`);
      console.log(token);
      return 0;
    }
    if (cmd === 'list') {
      for (const t of await store.tokens.list()) {
        console.log([t.id, t.role, t.region, t.name, t.createdAt, t.revokedAt ? `revoked ${t.revokedAt}` : 'active'].join('\t'));
      }
      return 0;
    }
    if (cmd === 'revoke' && arg) {
      const ok = await store.tokens.revoke(arg);
      console.log(ok ? `revoked ${arg}` : `no active token ${arg}`);
      return ok ? 0 : 1;
    }
    console.error('usage: token create --role ROLE [--region CODE] [--name TEXT] | token list | token revoke ID');
    return 2;
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
