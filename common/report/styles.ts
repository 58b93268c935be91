/**
 * The page's only stylesheet, inlined: the Reports tab shows the file on its own, and the CSP
 * allows nothing else. System fonts, light and dark palettes, tables that scroll sideways on
 * narrow screens instead of squeezing their columns.
 */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #1d2330; --muted: #5b6476; --border: #d8dce4;
  --accent: #5a2fbf; --ok: #17753a; --ok-bg: #e3f5e9; --bad: #b3261e; --bad-bg: #fbe9e7;
  --warn: #8a5300; --warn-bg: #fff4d6; --info: #35518a; --info-bg: #e7eefb; --code-bg: #eef0f4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14161b; --card: #1d2027; --text: #e6e8ee; --muted: #a3abbb; --border: #353a45;
    --accent: #b69cff; --ok: #7ddc9b; --ok-bg: #173222; --bad: #ffaba3; --bad-bg: #3d1a17;
    --warn: #ffd27a; --warn-bg: #3a2c0c; --info: #a9c1ff; --info-bg: #1b2640; --code-bg: #272b34;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header, main, footer { max-width: 80rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.25rem; }
.eyebrow { margin: 0; color: var(--muted); font-size: .8rem; letter-spacing: .04em; text-transform: uppercase; }
h1 { margin: .1rem 0 .5rem; font-size: 1.6rem; line-height: 1.25; overflow-wrap: anywhere; }
h2 { margin: 0 0 .75rem; font-size: 1.15rem; }
h3 { margin: 1rem 0 .5rem; font-size: 1rem; }
.status { display: inline-block; margin: 0 .5rem .5rem 0; padding: .15rem .6rem; border-radius: 999px; font-weight: 600; }
.status-succeeded { color: var(--ok); background: var(--ok-bg); }
.status-failed { color: var(--bad); background: var(--bad-bg); }
.status-dry-run { color: var(--info); background: var(--info-bg); }
.summary { margin: 0 0 1rem; }
section { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 1rem 1.1rem; margin: 0 0 1rem; }
section.failure { border-color: var(--bad); }
.reason { margin: 0 0 .5rem; padding: .6rem .75rem; border-left: 4px solid var(--bad); background: var(--bad-bg); overflow-wrap: anywhere; white-space: pre-wrap; }
pre { margin: .5rem 0 0; padding: .6rem .75rem; background: var(--code-bg); border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; background: var(--code-bg); padding: 0 .25rem; border-radius: 4px; overflow-wrap: break-word; }
summary { cursor: pointer; color: var(--accent); }
.kv { margin: 0; }
.kv > div { display: grid; grid-template-columns: 11rem 1fr; gap: 1rem; padding: .3rem 0; border-top: 1px solid var(--border); }
.kv > div:first-child { border-top: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; min-width: 0; overflow-wrap: break-word; }
.kv dd > .note:first-child { margin-top: 0; }
.table-wrap { overflow-x: auto; margin: 0 0 .5rem; border: 1px solid var(--border); border-radius: 8px; }
.table-wrap:focus { outline: 2px solid var(--accent); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; min-width: 36rem; }
caption { text-align: left; padding: .5rem .75rem; color: var(--muted); font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .75rem; border-top: 1px solid var(--border); overflow-wrap: break-word; }
thead th { border-top: 0; background: var(--code-bg); font-size: .85rem; white-space: nowrap; }
tbody th { font-weight: 600; }
tr.soon { background: var(--warn-bg); }
tr.soon th { box-shadow: inset 4px 0 0 var(--warn); }
.flag { display: inline-block; margin-left: .35rem; padding: 0 .4rem; border-radius: 4px; font-size: .8rem; font-weight: 600; color: var(--warn); background: var(--warn-bg); border: 1px solid var(--warn); }
.flag-bad { color: var(--bad); background: var(--bad-bg); border-color: var(--bad); }
.expiry { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .75rem; }
.expiry meter { width: min(22rem, 100%); height: 1.1rem; }
.muted, .note { color: var(--muted); }
.note { margin: .5rem 0 0; font-size: .9rem; }
ul { margin: 0; padding-left: 1.2rem; }
li { overflow-wrap: anywhere; }
footer { padding-bottom: 2rem; color: var(--muted); font-size: .85rem; }
/* Narrow screens: key/value pairs and table rows stack; each cell is labelled with its column. */
@media (max-width: 560px) {
  section { padding: .8rem; }
  .kv > div { grid-template-columns: 1fr; gap: 0; }
  .table-wrap { overflow-x: visible; border: 0; }
  table { min-width: 0; }
  table, tbody, tr, th, td, caption { display: block; width: 100%; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  caption { padding: 0 0 .5rem; }
  tr { border: 1px solid var(--border); border-radius: 8px; margin: 0 0 .6rem; overflow: hidden; }
  tbody th { border-top: 0; background: var(--code-bg); }
  td::before { content: attr(data-label); display: block; color: var(--muted); font-size: .8rem; }
}
`;
