/** `npm run docs:permissions`: regenerates docs/permissions.md from the code. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { documentedRoutes } from '../src/api/app';
import { permissionsMarkdown } from '../src/api/permissions-doc';

const file = path.resolve(__dirname, '../docs/permissions.md');
writeFileSync(file, permissionsMarkdown(documentedRoutes()));
console.log(`wrote ${file}`);
