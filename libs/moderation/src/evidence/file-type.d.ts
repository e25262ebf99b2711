// The part of `file-type` used here. The package publishes its types under `exports` only, which this project's
// `moduleResolution: node` cannot follow (Node itself resolves the package as usual).
declare module 'file-type' {
  export interface FileTypeResult {
    ext: string;
    mime: string;
  }
  export function fileTypeFromBuffer(buffer: Uint8Array | ArrayBuffer): Promise<FileTypeResult | undefined>;
}
