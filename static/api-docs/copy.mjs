// After `vite build`: the API reference (Swagger UI from the npm package, our page and
// its start script) into dist/api-docs/, which nginx serves at /api/docs/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ui = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const out = join(here, '..', 'dist', 'api-docs');
mkdirSync(out, { recursive: true });
for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css']) copyFileSync(join(ui, f), join(out, f));
for (const f of ['index.html', 'init.js']) copyFileSync(join(here, f), join(out, f));
