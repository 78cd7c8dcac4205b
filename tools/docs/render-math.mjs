// Renders the math of elbocheck's HTML site with KaTeX, at build time, in place.
//
//   node tools/docs/render-math.mjs SITE_DIR
//
// `elbocheck docs` writes every formula as LaTeX in a placeholder element (see
// include/elbocheck/report/html_site.hpp):
//     <span class="tex">…</span>               inline
//     <div class="tex tex-display">…</div>     display
// with the LaTeX HTML-escaped and nothing else inside. This script replaces each one with
// KaTeX's HTML (and MathML, for screen readers), then copies KaTeX's stylesheet and fonts to
// SITE_DIR/katex/ so that the pages need neither a script nor the network when they are read.
//
// A formula KaTeX cannot parse still gets KaTeX's visible error element (so the page shows
// where), is reported on stderr, and makes the script exit 1. Rendered elements no longer
// match the placeholder pattern, so running the script twice changes nothing.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import katex from 'katex';

const require = createRequire(import.meta.url);

function usage(message) {
  process.stderr.write(`render-math: ${message}\nusage: node render-math.mjs SITE_DIR\n`);
  process.exit(2);
}

const site = process.argv[2];
if (process.argv.length !== 3) usage('expected exactly one argument');
if (!fs.existsSync(site) || !fs.statSync(site).isDirectory()) usage(`no directory '${site}'`);

// The inverse of report/xml_escape.hpp, which wrote the LaTeX into the page.
const entities = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };
const unescape = (s) => s.replace(/&(lt|gt|quot|apos|amp);/g, (e) => entities[e]);

// The exact form html_site.hpp writes; nothing else on a page matches it.
const placeholder = /<(span|div) class="tex( tex-display)?">([^<]*)<\/\1>/g;

let failures = 0;

function render(file, tex, display) {
  const options = { displayMode: display, output: 'htmlAndMathml', strict: 'error' };
  try {
    return katex.renderToString(tex, { ...options, throwOnError: true });
  } catch (error) {
    failures += 1;
    process.stderr.write(`render-math: ${path.basename(file)}: ${error.message}\n  in: ${tex}\n`);
    // Rendered again without throwing, to leave KaTeX's error element on the page.
    return katex.renderToString(tex, { ...options, strict: 'ignore', throwOnError: false });
  }
}

const pages = fs
  .readdirSync(site)
  .filter((name) => name.endsWith('.html'))
  .sort();
let formulas = 0;
for (const name of pages) {
  const file = path.join(site, name);
  const before = fs.readFileSync(file, 'utf8');
  const after = before.replace(placeholder, (whole, tag, display, escaped) => {
    formulas += 1;
    const html = render(file, unescape(escaped), Boolean(display));
    return display ? `<div class="math math-display">${html}</div>` : `<span class="math">${html}</span>`;
  });
  if (after !== before) fs.writeFileSync(file, after);
}

// KaTeX's own stylesheet and every font it may ask for, exactly as the package ships them.
const dist = path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
const target = path.join(site, 'katex');
fs.mkdirSync(path.join(target, 'fonts'), { recursive: true });
fs.copyFileSync(path.join(dist, 'katex.min.css'), path.join(target, 'katex.min.css'));
for (const font of fs.readdirSync(path.join(dist, 'fonts')).sort())
  fs.copyFileSync(path.join(dist, 'fonts', font), path.join(target, 'fonts', font));

const version = require('katex/package.json').version;
process.stdout.write(
  `render-math: ${formulas} formulas on ${pages.length} pages rendered with KaTeX ${version}` +
    (failures ? `; ${failures} failed\n` : '\n'),
);
process.exit(failures ? 1 : 0);
