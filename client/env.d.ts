/// <reference types="vite/client" />

// For plain `tsc -b` (the root project build): vue-tsc resolves the real .vue files and ignores this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
