/**
 * Where the fixed start-up cost goes: the CPU time of loading the heaviest dependencies, one after the
 * other, then the rest of the server's module graph. Run as its own process by startup.ts; prints JSON.
 */
export {};

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const before = cpu();
const out: Array<[string, number]> = [['node + tsx, before any module', before]];
for (const [name, load] of [
  ['exceljs', () => import('exceljs')],
  ['zod + shared schemas', () => import('../../shared/schemas')],
  ['express', () => import('express')],
  ['socket.io', () => import('socket.io')],
  ['the rest of server/index.ts', () => import('../../server/index')],
] as const) {
  const c0 = cpu();
  await load();
  out.push([name, cpu() - c0]);
}
console.log(JSON.stringify(out));
