/** Hands bytes fetched with the bearer token to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // The download has started by then; the URL only has to live until the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
