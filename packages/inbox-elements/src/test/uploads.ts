import { httpUploadSender, type UploadSender } from '@confab/core';

// What the reply editor's and the compose dialog's file tests share (issue 16).

export interface ReferenceServer {
  url: string;
  agentToken: string;
}

/** The test run's reference server (web-test-runner.config.js): uploads go there for real. */
export async function referenceServer(): Promise<ReferenceServer> {
  const info = (await (await fetch('/__confab/server.json')).json()) as ReferenceServer & { url: string | null };
  if (!info.url) throw new Error('The reference server did not start for this test run.');
  return info;
}

/** Uploads to the reference server with the test agent's token. */
export function referenceUpload(server: ReferenceServer): UploadSender {
  return httpUploadSender({ url: `${server.url}/api/files`, token: () => server.agentToken });
}

/** The smallest PNG the server's sniffing takes: the signature, then anything. */
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/** Files as a clipboard or a drag carries them. */
export function transferOf(...files: File[]): DataTransfer {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer;
}

/** Picks files as the file dialog would: the element's hidden input gets them, then its change event. */
export function pick(element: HTMLElement, ...files: File[]): void {
  const input = element.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
  input.files = transferOf(...files).files;
  input.dispatchEvent(new Event('change'));
}
