// The browser client is plain JavaScript with JSDoc types; TypeScript checks
// it in strict mode (signaling/web/tsconfig.json), so a misspelt field or a
// possibly-null element fails this test instead of a user's call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './lib/signal.mjs';

test('tsc --noEmit --checkJs passes over the browser client', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = path.join(repoRoot, 'signaling/web/tsconfig.json');
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit', '--checkJs'], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
