// Builds the SDK with esbuild:
//   dist/inappd.mjs   ESM (import { init } from '@inappd/web')
//   dist/inappd.js    script tag (window.inappd)
//   dist/types/       declarations (tsc)
//   ../../console/static/vendor/inappd.mjs
//                     the ESM build again, committed: the web console
//                     (served by inappd, no build step of its own) imports
//                     its renderer and SigV4 signer from it. test/websdk
//                     checks that the committed file matches a fresh build.
// and prints the size budget check: min+gzip of the script build, which
// holds everything (SDK and renderer), must be at most 12 KB.
//
//   node scripts/build.mjs            build + types + size
//   node scripts/build.mjs --tests    bundle test/*.test.ts into .test-build/ (node --test runs them)
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET = 12 * 1024;

const css = (
  await esbuild.transform(readFileSync(join(root, 'src/render/styles.css'), 'utf8'), { loader: 'css', minify: true })
).code.trim();
const common = {
  bundle: true,
  minify: true,
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  define: { __CSS__: JSON.stringify(css) },
  legalComments: 'none',
  logLevel: 'warning',
};

if (process.argv.includes('--tests')) {
  const out = join(root, '.test-build');
  rmSync(out, { recursive: true, force: true });
  const tests = readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts'));
  await esbuild.build({
    ...common,
    minify: false,
    entryPoints: tests.map((f) => join(root, 'test', f)),
    outdir: out,
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['node:*'],
  });
  process.exit(0);
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
await esbuild.build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(root, 'dist/inappd.mjs'), format: 'esm' });
// INAPPD_CONSOLE_VENDOR puts the console's copy elsewhere: the test that
// compares the committed copy with a fresh build must not overwrite it.
const vendor = process.env.INAPPD_CONSOLE_VENDOR || join(root, '../../console/static/vendor/inappd.mjs');
mkdirSync(dirname(vendor), { recursive: true });
copyFileSync(join(root, 'dist/inappd.mjs'), vendor);
await esbuild.build({
  ...common,
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(root, 'dist/inappd.js'),
  format: 'iife',
  globalName: 'inappd',
});

if (!process.argv.includes('--no-types')) {
  const tsc = join(root, 'node_modules/.bin/tsc');
  execFileSync(tsc, ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
}

let over = false;
for (const f of ['inappd.mjs', 'inappd.js']) {
  const b = readFileSync(join(root, 'dist', f));
  const gz = gzipSync(b, { level: 9 }).length;
  over ||= gz > BUDGET;
  console.log(`size: dist/${f} ${b.length} B min, ${gz} B min+gzip (budget ${BUDGET} B)`);
}
if (over) {
  console.error('size: over budget');
  process.exit(1);
}
