// Jest runs TypeScript through SWC. NestJS 12 and a few of its dependencies ship only ES modules, which Jest's
// CommonJS runtime cannot require, so every package that declares "type": "module" is transformed too.
const fs = require('node:fs');
const path = require('node:path');

function esmPackageDirs(root) {
  const found = [];
  const visit = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      if (name.startsWith('@')) {
        for (const sub of fs.readdirSync(full)) inspect(path.join(full, sub));
      } else inspect(full);
    }
  };
  const inspect = (pkgDir) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      if (pkg.type === 'module') found.push(pkgDir);
    } catch {
      return;
    }
    visit(path.join(pkgDir, 'node_modules'));
  };
  visit(path.join(root, 'node_modules'));
  return found;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const esm = esmPackageDirs(__dirname).map((dir) => escape(path.relative(__dirname, dir).split(path.sep).join('/')));
// Ignore node_modules except the ES-module packages listed (matched on their full path, nested ones included).
const ignore = `^${escape(__dirname.split(path.sep).join('/'))}/(?!(${esm.join('|')})/)node_modules/`;

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const moduleNameMapper = {
  '^@vigil/([a-z]+)$': '<rootDir>/libs/$1/src',
  // The console imports single pure files of libs/domain (apps/console/vite.config.mts says why).
  '^@vigil/domain/([a-z-]+)$': '<rootDir>/libs/domain/src/$1',
};

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [ignore],
  moduleNameMapper,
};

module.exports = {
  // Integration and end-to-end tests start real apps against real Postgres and Redis.
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      // The benchmark's own pieces (test/bench, plain ES modules) are unit-tested beside it.
      testMatch: [
        '<rootDir>/{apps,libs}/**/*.spec.ts',
        '<rootDir>/test/architecture/**/*.spec.ts',
        '<rootDir>/test/bench/**/*.spec.mjs',
      ],
    },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // The console in Chromium against the whole system; its global setup builds the console first.
    {
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/build-console.ts',
    },
  ],
};
