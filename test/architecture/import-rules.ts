// The shape DESIGN.md §8 gives the code, as rules over import specifiers: a stage folder of libs/moderation is
// entered only through its index.ts, and libs/domain stays pure (nothing of ours, no framework, no I/O).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  text: string;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

export const MODERATION_SRC = 'libs/moderation/src';
export const DOMAIN_SRC = 'libs/domain/src';

// Packages libs/domain may not use: our own libs, frameworks, drivers and Node's I/O modules.
const DOMAIN_FORBIDDEN = [
  /^@vigil\//,
  /^@nestjs\//,
  /^typeorm$/,
  /^pg(-.+)?$/,
  /^ioredis$/,
  /^bullmq$/,
  /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|worker_threads|dgram|dns|tls)$/,
];

/** Every module specifier a file names: static imports, re-exports, `import()`, `require()`. */
export function importSpecifiers(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** The stage folder a file of libs/moderation/src lies in, or null for files at src/ itself. */
function stageOf(file: string): string | null {
  if (!file.startsWith(`${MODERATION_SRC}/`)) return null;
  const parts = file.slice(MODERATION_SRC.length + 1).split('/');
  return parts.length > 1 ? parts[0] : null;
}

export function checkImports(files: readonly SourceFile[]): Violation[] {
  const folders = foldersOf(files);
  const violations: Violation[] = [];
  for (const { file, text } of files) {
    for (const specifier of importSpecifiers(text)) {
      const rule = moderationRule(file, specifier, folders) ?? domainRule(file, specifier);
      if (rule) violations.push({ file, specifier, rule });
    }
  }
  return violations;
}

/** Every folder that holds one of the files, at any depth: tells `../triage` (a folder) from `./cursor` (a file). */
function foldersOf(files: readonly SourceFile[]): Set<string> {
  const folders = new Set<string>();
  for (const { file } of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return folders;
}

function moderationRule(file: string, specifier: string, folders: ReadonlySet<string>): string | null {
  if (/^@vigil\/moderation\/./.test(specifier)) return 'import @vigil/moderation, not a file inside it';
  if (!specifier.startsWith('.')) return null;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  if (!target.startsWith(`${MODERATION_SRC}/`)) return null;
  if (!file.startsWith(`${MODERATION_SRC}/`)) return 'import @vigil/moderation, not a file inside it';
  const fromStage = stageOf(file);
  const rest = target.slice(MODERATION_SRC.length + 1).split('/');
  const toStage = rest.length > 1 || folders.has(target) ? rest[0] : null;
  if (toStage === null || toStage === fromStage) return null;
  const inside = rest.slice(1);
  const throughIndex = inside.length === 0 || (inside.length === 1 && inside[0] === 'index');
  return throughIndex ? null : `enter ${toStage}/ through its index ('../${toStage}'), not a file inside it`;
}

function domainRule(file: string, specifier: string): string | null {
  if (!file.startsWith(`${DOMAIN_SRC}/`)) return null;
  if (specifier.startsWith('.')) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    return target.startsWith(`${DOMAIN_SRC}/`) ? null : 'libs/domain imports nothing outside itself';
  }
  if (!DOMAIN_FORBIDDEN.some((re) => re.test(specifier))) return null;
  return 'libs/domain is pure: no libs of ours, no framework, no I/O';
}

export function repoRoot(): string {
  return path.resolve(__dirname, '../..');
}

/** The TypeScript files under the given folders of the repository. */
export function readSources(folders: readonly string[]): SourceFile[] {
  const root = repoRoot();
  const out: SourceFile[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (/\.(ts|tsx|mts)$/.test(entry.name)) {
        out.push({ file: child, text: fs.readFileSync(path.join(root, child), 'utf8') });
      }
    }
  };
  folders.forEach(walk);
  return out;
}
