// A rollup plugin for the widget's chat app (DESIGN §4: every byte of it counts). Terser leaves the
// text of Lit's css`…`, html`…` and svg`…` templates as written: indentation, newlines and comments.
// This drops them: CSS loses comments and the spaces its syntax does not need; markup loses the
// indentation after each newline (a run of whitespace renders as one space, which is what is kept).
// Only static template text changes; expressions, other strings and code stay as they are.
import MagicString from 'magic-string';
import { walk } from 'estree-walker';

const TAGS = new Set(['css', 'html', 'svg']);

/** CSS without comments and without the whitespace around its punctuation. */
export function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,]) ?/g, '$1')
    .replace(/([\w)-]): /g, '$1:')
    .replace(/;}/g, '}');
}

/** Markup with each newline and the indentation around it as one space. */
export function minifyMarkup(text) {
  return text.replace(/[ \t]*\n\s*/g, ' ');
}

/** @param {{ include: (id: string) => boolean }} options which modules to minify */
export function minifyTemplates({ include }) {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!include(id) || !/\b(?:css|html|svg)\s*`/.test(code)) return null;
      const out = new MagicString(code);
      walk(this.parse(code), {
        enter(node) {
          if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier' || !TAGS.has(node.tag.name))
            return;
          const minify = node.tag.name === 'css' ? minifyCss : minifyMarkup;
          const quasis = node.quasi.quasis;
          for (const [index, quasi] of quasis.entries()) {
            let text = minify(quasi.value.raw);
            // The first and last pieces of a template lose their outer whitespace.
            if (index === 0) text = text.trimStart();
            if (index === quasis.length - 1) text = text.trimEnd();
            if (text === quasi.value.raw) continue;
            if (text) out.overwrite(quasi.start, quasi.end, text);
            else out.remove(quasi.start, quasi.end);
          }
        },
      });
      return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true }) } : null;
    },
  };
}
