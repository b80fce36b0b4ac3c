import { createI18n } from 'vue-i18n';
import { zh } from './zh';
import { en } from './en';
import { briefingEn, briefingZh } from './briefing';
import { hazardsEn, hazardsZh } from './hazards';
import { deskEn, deskZh } from './desk';

export type Locale = 'zh' | 'en';

export const localeFromUrl = (search: string): Locale =>
  new URLSearchParams(search).get('lang') === 'en' ? 'en' : 'zh';

export function createI18nFor(locale: Locale) {
  return createI18n({
    legacy: false,
    globalInjection: true,
    locale,
    fallbackLocale: 'zh',
    messages: { zh: { ...zh, ...briefingZh, ...hazardsZh, ...deskZh }, en: { ...en, ...briefingEn, ...hazardsEn, ...deskEn } },
  });
}
