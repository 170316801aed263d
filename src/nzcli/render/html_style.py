"""The HTML page's style sheet (inline in the page; nothing fetched).

- Wide screens: tables with columns sized for their content (`<col>` widths from
  `nzcli.render.layout`), words never broken (long addresses break after their slashes).
- Narrow screens: each row becomes a card, its cells labelled, short values side by side,
  long ones full width: no horizontal scrolling down to 320 px (WCAG 1.4.10 reflow).
  Tables of six columns or more turn into cards below 60em, the others below 36em.
- Print: A4 landscape, page numbers in the margin, headers repeated, rows kept whole, no
  forced page breaks (so no half-empty pages).
- RAG and stage: each a colour of its own *and* its word; "No update" is not "Not rated".
"""

CSS = """
:root { --ink: #1b1b1b; --muted: #4a4a4a; --rule: #bdbdbd; --head: #eef1f4; --link: #0b57a4; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: var(--ink);
       background: #fff; margin: 0 auto; max-width: 1400px; padding: 0 1rem 2rem;
       line-height: 1.4; overflow-wrap: break-word; }
a { color: var(--link); }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem;
        border: 2px solid var(--ink); z-index: 1; }
.skip:focus { left: 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; line-height: 1.2; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p { margin: .3rem 0; }
.about { color: var(--muted); }
.notice { border: 3px solid #8a5a00; background: #fff4d6; color: #1b1b1b; font-weight: bold;
          font-size: 1.1rem; padding: .6rem .8rem; margin: .6rem 0; }
nav { margin: 1rem 0; }
nav h2 { margin-top: 1rem; }
nav ol { margin: .3rem 0; padding-left: 1.4rem; }
nav ol ol { padding-left: 1.2rem; }
nav li { margin: .15rem 0; }
nav li > ol { list-style: none; padding-left: 0; margin: 0 0 .3rem; font-size: .95rem; }
nav li > ol > li { display: inline; }
nav li > ol > li + li::before { content: " · "; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid var(--rule); padding: .3rem .4rem; vertical-align: top;
         text-align: left; hyphens: manual; }
thead th { background: var(--head); }
tbody th { font-weight: bold; white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
.rag, .stage { font-weight: bold; }
.rag { white-space: nowrap; }
.rag-red { background: #c62828; color: #fff; }
.rag-amber { background: #ef8f00; color: #111; }
.rag-green { background: #2e7d32; color: #fff; }
.rag-not-rated { background: #e6e6e6; color: #333; font-weight: normal; font-style: italic; }
.rag-no-update { background: #fff; color: #333; font-weight: normal; font-style: italic;
                 outline: 1px dashed #757575; outline-offset: -4px; }
.stage-discovery { background: #f3e5f5; }
.stage-design { background: #e0f2f1; }
.stage-delivery { background: #e3f2fd; }
.stage-completed { background: #e8f5e9; }
.stage .scheme { display: block; }
figure { margin: .5rem 0 1rem; }
figcaption { font-weight: bold; margin-bottom: .2rem; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: Arial, Helvetica, sans-serif; font-size: 13px; fill: #1b1b1b; }
.chart + .chart { margin-top: 0; }
@media screen and (max-width: 60em) {
  table.wide, table.wide > tbody, table.wide > tbody > tr, table.wide > tbody > tr > *,
  table.wide > caption { display: block; width: auto; }
  table.wide > colgroup { display: none; }
  table.wide > thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                       clip: rect(0 0 0 0); white-space: nowrap; }
  table.wide > tbody > tr { display: grid; gap: .35rem .8rem; margin: 0 0 .8rem;
                            grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
                            border: 1px solid var(--rule); border-left: 4px solid var(--ink);
                            padding: .5rem .6rem; }
  table.wide > tbody > tr > * { border: 0; padding: 0; white-space: normal; }
  table.wide > tbody > tr > th { grid-column: 1 / -1; font-size: 1rem; }
  table.wide > tbody > tr > .long { grid-column: 1 / -1; }
  table.wide > tbody > tr > td::before { content: attr(data-label); display: block;
                                         font-size: .75rem; font-weight: bold;
                                         font-style: normal; color: var(--muted); }
  table.wide > tbody > tr > td.rag, table.wide > tbody > tr > td.stage { padding: .15rem .35rem; }
  table.wide > tbody > tr > td.rag::before, table.wide > tbody > tr > td.stage::before
    { color: inherit; }
  table.wide .num { text-align: left; }
  table.counts > tbody > tr { grid-template-columns: repeat(auto-fill, minmax(6.5rem, 1fr));
                              gap: .2rem .6rem; }
  table.counts > tbody > tr > td::before { display: inline; content: attr(data-label) ": "; }
}
@media screen and (max-width: 36em) {
  body { padding: 0 .75rem 1.5rem; }
  h1 { font-size: 1.35rem; }
  table.narrow, table.narrow > tbody, table.narrow > tbody > tr, table.narrow > tbody > tr > *,
  table.narrow > caption { display: block; width: auto; }
  table.narrow > colgroup { display: none; }
  table.narrow > thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                         clip: rect(0 0 0 0); white-space: nowrap; }
  table.narrow > tbody > tr { border: 1px solid var(--rule); border-left: 4px solid var(--ink);
                              padding: .5rem .6rem; margin: 0 0 .8rem; }
  table.narrow > tbody > tr > * { border: 0; padding: 0 0 .3rem; white-space: normal; }
  table.narrow > tbody > tr > td::before { content: attr(data-label); display: block;
                                           font-size: .75rem; font-weight: bold;
                                           font-style: normal; color: var(--muted); }
  table.narrow .num { text-align: left; }
}
@media print {
  @page { size: A4 landscape; margin: 11mm 10mm 13mm;
          @bottom-right { content: "Page " counter(page) " of " counter(pages);
                          font-family: Arial, Helvetica, sans-serif; font-size: 8pt;
                          color: #4a4a4a; } }
  body { margin: 0; max-width: none; padding: 0; font-size: 8.5pt; }
  header { padding-top: 0; }
  .skip { display: none; }
  nav ol { columns: 3; }
  h2 { margin-top: 1rem; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  table { font-size: 7pt; margin-bottom: .6rem; }
  thead th { font-size: 6.5pt; }
  th, td { padding: .1rem .2rem; }
  thead { display: table-header-group; }
  tr, figure, .notice { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .rag, .stage, th, .notice, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
