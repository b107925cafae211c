// Vite build of the ZOE Solar dashboard: static/src -> static/dist, served by nginx.
// Every text asset is also written precompressed (gzip -9 and brotli at quality 11), so
// nginx serves the .gz/.br file as it is (gzip_static, brotli_static) and compresses nothing
// per request.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const TEXT = /\.(js|mjs|css|html|svg|json|map|txt)$/;
const MIN_BYTES = 1024;            // nginx's gzip_min_length: smaller files go as they are

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

/** Writes file.gz and file.br next to each text asset of the build. */
function precompress() {
  let outDir = 'dist';
  return {
    name: 'zoe-precompress',
    apply: 'build',
    configResolved(c) { outDir = c.build.outDir; },
    closeBundle() {
      for (const p of files(outDir)) {
        if (!TEXT.test(p)) continue;
        const raw = readFileSync(p);
        if (raw.length < MIN_BYTES) continue;
        writeFileSync(`${p}.gz`, gzipSync(raw, { level: 9 }));
        writeFileSync(`${p}.br`, brotliCompressSync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        }));
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  publicDir: false,            // static/placeholder and tracker.js are not ours to copy
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
