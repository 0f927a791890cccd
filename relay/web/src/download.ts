import type { Session } from './session.js';

/** Fetches a file through the relay and hands it to the browser as a download. */
export async function download(session: Session, id: number, name: string, mime: string): Promise<void> {
  const bytes = await session.client.api.download(id);
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
