import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How `confab-server create-agent` and `reset-password` reach a running server: at start the
 * server writes `control.json` (mode 0600: only its own OS account reads it) into the data
 * directory with its URL and a random control token; the CLI sends its request there with that
 * token, and the server takes it only from its own machine. The file goes when the server stops.
 * A CLI that finds no file, or no server answering at its URL, changes the store itself.
 */
export interface ControlFile {
  url: string;
  token: string;
  pid: number;
}

export function controlFilePath(dataDir: string): string {
  return join(dataDir, 'control.json');
}

export function writeControlFile(dataDir: string, control: ControlFile): void {
  const path = controlFilePath(dataDir);
  // A file left by a crashed server keeps its mode when rewritten: start from a new one, 0600.
  rmSync(path, { force: true });
  writeFileSync(path, JSON.stringify(control), { mode: 0o600, flag: 'wx' });
}

export function readControlFile(dataDir: string): ControlFile | null {
  try {
    const parsed = JSON.parse(readFileSync(controlFilePath(dataDir), 'utf8')) as Partial<ControlFile>;
    return typeof parsed.url === 'string' && typeof parsed.token === 'string' && typeof parsed.pid === 'number'
      ? (parsed as ControlFile)
      : null;
  } catch {
    return null;
  }
}

/** Removes the file if it is still this server's (a newer server on the same directory keeps its own). */
export function removeControlFile(dataDir: string, token: string): void {
  if (readControlFile(dataDir)?.token === token) rmSync(controlFilePath(dataDir), { force: true });
}
