import { readFileSync } from 'node:fs';
import path from 'node:path';
import { documentedRoutes } from '../../src/api/app';
import { permissionsMarkdown } from '../../src/api/permissions-doc';

describe('docs/permissions.md', () => {
  it('given the permission matrix and the routes in the code, when the doc is generated, then docs/permissions.md is identical (run npm run docs:permissions)', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../docs/permissions.md'), 'utf8');
    expect(committed).toBe(permissionsMarkdown(documentedRoutes()));
  });

  it('given every route, when documented, then each one names a permission or is public', () => {
    const routes = documentedRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const doc = permissionsMarkdown(routes);
    for (const r of routes) expect(doc).toContain(`\`${r.method.toUpperCase()} ${r.path}\``);
  });
});
