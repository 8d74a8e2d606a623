let segmenter: Intl.Segmenter | undefined;

/**
 * The grapheme clusters of `text` (what a reader sees as one character: an emoji with its skin
 * tone, a letter with its accents). Without Intl.Segmenter, code points: never half a surrogate pair.
 */
export function graphemesOf(text: string): Iterable<string> {
  if (typeof Intl.Segmenter !== 'function') return text;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const segments = segmenter.segment(text);
  return {
    *[Symbol.iterator]() {
      for (const { segment } of segments) yield segment;
    },
  };
}

/** The longest run of non-space characters a message shows without a place to wrap. */
export const LONGEST_UNBROKEN_RUN = 64;

/** A run longer than the longest one, measured in UTF-16 units (a quick test before segmenting). */
const LONG_RUN = new RegExp(`\\S{${LONGEST_UNBROKEN_RUN + 1}}`);

/**
 * `text` in pieces such that no piece holds a run of more than LONGEST_UNBROKEN_RUN non-space
 * graphemes across a piece boundary; a renderer puts a break opportunity (`<wbr>`) between pieces.
 * Why: Chromium needs seconds to wrap tens of thousands of characters with no break opportunity
 * (measured: 5–9 s for 64 K characters, about 0.1 s with a `<wbr>` every 64). Cuts fall between
 * graphemes, and the pieces joined are `text` unchanged.
 */
export function unbrokenRunPieces(text: string): string[] {
  if (!LONG_RUN.test(text)) return [text];
  const pieces: string[] = [];
  let start = 0;
  let end = 0;
  let run = 0;
  for (const grapheme of graphemesOf(text)) {
    if (/^\s/.test(grapheme)) run = 0;
    else if (++run > LONGEST_UNBROKEN_RUN) {
      pieces.push(text.slice(start, end));
      start = end;
      run = 1;
    }
    end += grapheme.length;
  }
  pieces.push(text.slice(start));
  return pieces;
}
