/**
 * ECharts tooltips are HTML and labels understand rich-text markup ({style|text}), so every value that goes
 * into either passes through one of these. Hazard text never reaches v-html.
 */
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => HTML[c]!);

/** Rich-text markup characters replaced by their full-width look-alikes, so data can never open a style. */
export const escapeRich = (v: unknown): string =>
  String(v ?? '').replace(/[{}|]/g, (c) => (c === '{' ? '｛' : c === '}' ? '｝' : '｜'));
