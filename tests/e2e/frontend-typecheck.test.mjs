// The desktop window's frontend is plain JavaScript with JSDoc types;
// TypeScript checks it in strict mode (frontend/tsconfig.json), so a
// misspelt contract field or a possibly-null element fails here instead of
// in a user's window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('tsc --noEmit --checkJs passes over the desktop frontend', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'frontend/tsconfig.json')], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
