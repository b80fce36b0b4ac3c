/**
 * Boot: pick the view by path, install Pinia and i18n, mount. The fonts ship with the app (the wall never
 * depends on the machine's fonts); chart text is drawn on canvas, so the glyphs it needs are loaded first.
 */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './styles/base.css';
import { createI18nFor, localeFromUrl } from './i18n';
import { loaderFor } from './views';
import { preloadFonts } from './lib/fonts';

async function boot(): Promise<void> {
  const locale = localeFromUrl(location.search);
  document.documentElement.lang = locale === 'en' ? 'en' : 'zh-CN';
  const [view] = await Promise.all([loaderFor(location.pathname)(), preloadFonts()]);
  const app = createApp(view.default);
  app.use(createPinia());
  app.use(createI18nFor(locale));
  app.mount('#app');
}

void boot();
