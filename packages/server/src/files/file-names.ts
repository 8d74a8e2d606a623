/** Longest name kept, in UTF-16 code units (the extension is kept when a name is cut). */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * A name safe to store, show and offer as a download: the last path segment only, no control or
 * bidirectional-override characters (a name that reads `gpj.exe` backwards), none of the characters
 * file systems reserve, no leading dots (hidden files) and at most MAX_FILE_NAME_LENGTH long.
 * `file` when nothing is left.
 */
export function sanitiseFileName(given: string): string {
  const lastSegment = given.split(/[/\\]/).pop() ?? '';
  let name = lastSegment
    // C0 and C1 controls, bidi embeddings, overrides and isolates, and the BOM.
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .trim();
  if (name.length > MAX_FILE_NAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, MAX_FILE_NAME_LENGTH - extension.length) + extension;
  }
  return name === '' ? 'file' : name;
}
