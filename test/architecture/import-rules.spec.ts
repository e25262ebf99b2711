import { checkImports, DOMAIN_SRC, importSpecifiers, MODERATION_SRC, readSources, SourceFile } from './import-rules';

const m = (rel: string, text: string): SourceFile => ({ file: `${MODERATION_SRC}/${rel}`, text });
const d = (rel: string, text: string): SourceFile => ({ file: `${DOMAIN_SRC}/${rel}`, text });

// A small tree of two stages, enough for the rules to tell a folder's door from a file inside it.
const tree = [
  m('triage/index.ts', `export * from './triage-report.use-case';`),
  m('triage/triage-report.use-case.ts', ''),
  m('shared/index.ts', `export * from './cursor';`),
  m('shared/cursor.ts', ''),
];

describe('the import rules of DESIGN.md §8', () => {
  it('hold in the repository: stage folders meet only through their index, libs/domain imports nothing of ours', () => {
    const sources = readSources(['apps', 'libs', 'test']);
    expect(sources.filter((s) => s.file.startsWith(`${MODERATION_SRC}/review/`)).length).toBeGreaterThan(0);
    expect(checkImports(sources)).toEqual([]);
  });

  it('lets a stage import its own files and another stage through its index', () => {
    const files = [
      ...tree,
      m('review/claim-case.use-case.ts', `import { x } from './case-queries';\nimport { lockCase } from '../shared';`),
      m('review/case-queries.ts', `import { y } from '../shared/index';`),
      m('moderation.module.ts', `import { TriageReport } from './triage';`),
    ];
    expect(checkImports(files)).toEqual([]);
  });

  it('refuses a stage importing a file inside another stage, in every import form', () => {
    const forms = [
      `import { encodeCursor } from '../shared/cursor';`,
      `export { encodeCursor } from '../shared/cursor';`,
      `import type { Page } from '../shared/cursor';`,
      `const lazy = () => import('../shared/cursor');`,
      `const c = require('../shared/cursor');`,
    ];
    for (const form of forms) {
      const violations = checkImports([...tree, m('review/case-queries.ts', form)]);
      expect(violations).toEqual([
        {
          file: `${MODERATION_SRC}/review/case-queries.ts`,
          specifier: '../shared/cursor',
          rule: expect.stringContaining('through its index'),
        },
      ]);
    }
  });

  it('refuses the module file and the apps reaching past a folder or library door', () => {
    const violations = checkImports([
      ...tree,
      m('moderation.module.ts', `import { TriageReport } from './triage/triage-report.use-case';`),
      { file: 'apps/api/src/x.controller.ts', text: `import { SubmitReport } from '@vigil/moderation/intake';` },
      { file: 'apps/worker/src/y.ts', text: `import { T } from '../../../libs/moderation/src/triage';` },
    ]);
    expect(violations.map((v) => v.file)).toEqual([
      `${MODERATION_SRC}/moderation.module.ts`,
      'apps/api/src/x.controller.ts',
      'apps/worker/src/y.ts',
    ]);
  });

  it('refuses libs/domain importing our libs, a framework, a driver, I/O or a file outside itself', () => {
    const bad = [
      `import { AuditService } from '@vigil/audit';`,
      `import { Injectable } from '@nestjs/common';`,
      `import { DataSource } from 'typeorm';`,
      `import { Pool } from 'pg';`,
      `import { readFileSync } from 'node:fs';`,
      `import { x } from '../../moderation/src';`,
    ];
    for (const text of bad) expect(checkImports([d('scoring.ts', text)])).toHaveLength(1);
    const fine = `import { normalise } from './text-normalisation';\nimport { detect } from 'tinyld';`;
    expect(checkImports([d('scoring.ts', fine), d('text-normalisation.ts', '')])).toEqual([]);
  });

  it('reads every specifier form, type-only ones included', () => {
    const text = `import a from 'a';\nimport type { B } from 'b';\nexport * from './c';\nconst d = import('d');`;
    expect(importSpecifiers(text).sort()).toEqual(['./c', 'a', 'b', 'd']);
  });
});
