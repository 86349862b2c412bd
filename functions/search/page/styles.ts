// The search page's stylesheet: system fonts only, light and dark from the OS setting, one column on phones.
export const styles = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --surface: #ffffff; --text: #1a1d21; --muted: #5a6472; --border: #dde1e7;
  --accent: #2459d6; --accent-text: #ffffff; --accent-soft: #e8efff; --mark: #fde68a; --mark-text: #1a1d21;
  --error: #b42318; --error-soft: #fdecea; --success: #137333; --success-soft: #e6f4ea;
  --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%);
  --radius: 10px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px; line-height: 1.55;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1115; --surface: #171a20; --text: #e7eaee; --muted: #9aa3af; --border: #2b303a;
    --accent: #7aa2ff; --accent-text: #0f1115; --accent-soft: #1d2740; --mark: #705c10; --mark-text: #fff7d6;
    --error: #ff8a80; --error-soft: #3a1d1b; --success: #81c995; --success-soft: #17301f;
    --shadow: none;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
main, .masthead, .footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; }
.skip-link:focus { left: 1rem; top: .5rem; background: var(--surface); padding: .5rem; z-index: 1; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.masthead { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; padding-top: 1.25rem; padding-bottom: 1rem; }
.brand { display: flex; align-items: center; gap: .5rem; font-weight: 650; font-size: 1.15rem; }
.logo { color: var(--accent); }
.tabs { display: flex; gap: .25rem; background: var(--surface); border: 1px solid var(--border); border-radius: 999px; padding: .25rem; }
.tabs [role="tab"] { border: 0; background: none; color: var(--muted); font: inherit; font-weight: 550; padding: .35rem .9rem; border-radius: 999px; cursor: pointer; }
.tabs [role="tab"][aria-selected="true"] { background: var(--accent); color: var(--accent-text); }

.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); padding: 1rem 1.1rem; }
.field-label { display: block; font-size: .8rem; font-weight: 600; color: var(--muted); margin-bottom: .25rem; text-transform: uppercase; letter-spacing: .03em; }
input, select, textarea { font: inherit; color: var(--text); background: var(--bg); border: 1px solid var(--border); border-radius: 8px; padding: .5rem .65rem; width: 100%; }
textarea { resize: vertical; min-height: 10rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; }
button { font: inherit; cursor: pointer; }
button:disabled { opacity: .6; cursor: progress; }
.primary { background: var(--accent); color: var(--accent-text); border: 0; border-radius: 8px; padding: .5rem 1.1rem; font-weight: 600; white-space: nowrap; }

.query-row { display: flex; gap: .5rem; }
.api-key { margin-bottom: 1rem; }
.api-key .hint { margin: 0 .25rem; color: var(--muted); font-size: .85rem; }
.key-button, #api-key-forget { background: var(--surface); color: var(--text); border: 1px solid var(--border); border-radius: 8px; padding: .35rem .8rem; }
.query-row input { font-size: 1.05rem; }
.options { display: grid; grid-template-columns: 2fr 1.3fr 1fr; gap: .75rem; margin-top: .85rem; }
.status { min-height: 1.5rem; margin: .75rem .25rem; color: var(--muted); font-size: .9rem; }
.status.loading::before { content: ""; display: inline-block; width: .8em; height: .8em; margin-right: .5em; border: 2px solid var(--border); border-top-color: var(--accent); border-radius: 50%; animation: spin .8s linear infinite; vertical-align: -.1em; }
.status.error { color: var(--error); }
.status.success { color: var(--success); background: var(--success-soft); padding: .5rem .75rem; border-radius: 8px; }
@keyframes spin { to { transform: rotate(360deg); } }
.error-box { background: var(--error-soft); color: var(--error); border-radius: var(--radius); padding: .75rem 1rem; margin: 0; overflow-wrap: anywhere; }
.empty { color: var(--muted); text-align: center; padding: 2rem 1rem; margin: 0; }
.results[aria-busy="true"] { opacity: .55; transition: opacity .2s; }

.answer { border-left: 4px solid var(--accent); }
.answer-text { margin: 0 0 .75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.cite { display: inline-block; font-size: .8em; font-weight: 700; text-decoration: none; background: var(--accent-soft); border-radius: 5px; padding: 0 .3em; margin: 0 .1em; }
.cite:hover { background: var(--accent); color: var(--accent-text); }
.meta { display: flex; flex-wrap: wrap; gap: .35rem; margin: 0; }
.chip { font-size: .78rem; color: var(--muted); border: 1px solid var(--border); border-radius: 999px; padding: .05rem .55rem; overflow-wrap: anywhere; }
.chip.cache-hit { color: var(--success); border-color: currentColor; }
a.chip { color: var(--accent); }
.sources-heading { margin: 1.5rem .25rem .5rem; color: var(--muted); font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; }
.sources { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
.source { scroll-margin: 1rem; transition: border-color .3s, box-shadow .3s; }
.source.highlighted { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.source:focus { outline: none; }
.source-head { display: flex; align-items: baseline; gap: .6rem; }
.source-number { flex: none; display: inline-grid; place-items: center; width: 1.6rem; height: 1.6rem; border-radius: 50%; background: var(--accent-soft); color: var(--accent); font-weight: 700; font-size: .85rem; }
.source-title { font-weight: 650; flex: 1; overflow-wrap: anywhere; }
.score { color: var(--muted); font-size: .8rem; font-variant-numeric: tabular-nums; white-space: nowrap; }
.source-origin { color: var(--muted); font-size: .8rem; margin: .2rem 0 .5rem 2.2rem; overflow-wrap: anywhere; }
.snippet, .whole { margin: 0 0 0 2.2rem; overflow-wrap: anywhere; }
.whole summary { color: var(--muted); font-size: .85rem; cursor: pointer; margin-top: .4rem; }
.chunk-text { white-space: pre-wrap; font-size: .92rem; }
mark { background: var(--mark); color: var(--mark-text); border-radius: 3px; padding: 0 .1em; }

.drop-zone { border: 2px dashed var(--border); border-radius: var(--radius); padding: 1.25rem; text-align: center; color: var(--muted); margin-bottom: 1rem; }
.drop-zone p { margin: 0; }
.drop-zone.dragging { border-color: var(--accent); background: var(--accent-soft); }
.file-label { color: var(--accent); text-decoration: underline; cursor: pointer; }
.drop-zone:focus-within { outline: 3px solid var(--accent); outline-offset: 2px; }
.add-form .options { grid-template-columns: 2fr 1fr; }
.actions { margin-top: 1rem; display: flex; justify-content: flex-end; }
.notice h2 { margin-bottom: .25rem; }
.notice p { margin: 0; color: var(--muted); }
.footer { color: var(--muted); font-size: .8rem; padding-top: 2rem; padding-bottom: 2rem; text-align: center; }

@media (max-width: 600px) {
  .options, .add-form .options { grid-template-columns: 1fr 1fr; }
  .options label:first-child { grid-column: 1 / -1; }
  .snippet, .whole, .source-origin { margin-left: 0; }
  .masthead { padding-top: .75rem; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before { animation: none !important; transition: none !important; }
}
`;
