// Runtime configuration of the demo page. The journey's static server replaces this file with values
// from its environment; served as is (vite dev / preview), the defaults in src/config.ts apply.
window.__WIDELINE_DEMO__ = {};
