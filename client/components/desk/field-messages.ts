/**
 * The API's validation messages, put in Chinese by what they say (the messages come from the shared
 * schemas, so the table follows them); anything unknown is shown as the API sent it.
 */
type T = (key: string) => string;

const RULES: Array<[RegExp, string]> = [
  [/is required for a major hazard/, 'desk.field.deadlineRequired'],
  // `title is required`, `the measures are required` (the 五落实 plan's fields), a field left out, no option picked
  [/is required|are required|expected string, received undefined|expected nonoptional|Invalid option/, 'desk.field.required'],
  [/is in the future/, 'desk.field.future'],
  [/before the hazard was discovered/, 'desk.field.beforeDiscovery'],
  [/at most \d+ characters|Too big/, 'desk.field.tooLong'],
  [/YYYY-MM-DD/, 'desk.field.invalidDate'],
  [/ISO 8601/, 'desk.field.invalidTime'],
  [/unknown region|report against a county/, 'desk.field.unknownRegion'],
  [/outside this token's scope/, 'desk.field.outOfScope'],
];

export function fieldMessage(message: string, t: T): string {
  for (const [re, key] of RULES) if (re.test(message)) return t(key);
  return message;
}

/** Issues by their first path segment (`plan.measures` → `plan.measures`, `title` → `title`). */
export function byField(issues: ReadonlyArray<{ path: string; message: string }>, t: T): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[i.path] ??= fieldMessage(i.message, t);
  return out;
}
