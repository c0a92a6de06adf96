/**
 * Static checks of the production build's packaging: the Dockerfile's two
 * stages, the npm scripts that run the compiled output, tsx kept out of
 * production, and the build context (.dockerignore). The build itself runs in
 * test/integration/production-build.test.ts; no Docker engine is needed here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The Dockerfile's instructions (comments and blank lines dropped), split into stages at each FROM. */
function stages(): { from: string; instructions: string[] }[] {
  const lines = read('Dockerfile')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: { from: string; instructions: string[] }[] = [];
  for (const line of lines) {
    if (/^FROM /i.test(line)) out.push({ from: line, instructions: [] });
    else out.at(-1)?.instructions.push(line);
  }
  return out;
}

const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** The source file that tsc compiles to a dist/ path (rootDir "." keeps the tree): dist/src/api/main.js -> src/api/main.ts. */
const sourceOf = (distFile: string) => distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts');

function buildConfig(): ts.ParsedCommandLine {
  const file = path.join(ROOT, 'tsconfig.build.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, file);
}

describe('production image (Dockerfile)', () => {
  const [build, runtime, ...extra] = stages();

  it('given the Dockerfile, when reading its stages, then a build stage installs every dependency and runs npm run build:web and npm run build, and the runtime stage installs production dependencies only', () => {
    expect(extra).toEqual([]);
    expect(build!.from).toMatch(/^FROM node:20-bookworm-slim AS build$/);
    expect(runtime!.from).toBe('FROM node:20-bookworm-slim');
    const buildRuns = build!.instructions.filter((l) => l.startsWith('RUN ')).join('\n');
    expect(buildRuns).toMatch(/npm install --no-audit --no-fund(\n|$| &&)/);
    expect(buildRuns).toContain('npm run build:web');
    expect(buildRuns).toMatch(/npm run build($|\s)/m);
    const runtimeRuns = runtime!.instructions.filter((l) => l.startsWith('RUN '));
    expect(runtimeRuns).toEqual([expect.stringContaining('npm install --omit=dev')]);
  });

  it('given the runtime stage, when listing what it copies, then it is the package files, dist/ and web/dist from the build stage: no TypeScript sources and no tsx', () => {
    const copies = runtime!.instructions.filter((l) => l.startsWith('COPY '));
    expect(copies).toEqual(['COPY package.json package-lock.json ./', 'COPY --from=build /build/dist ./dist/', 'COPY --from=build /build/web/dist ./web/dist/']);
    expect(runtime!.instructions.join('\n')).not.toMatch(/\btsx\b|\.ts\b/);
    expect(runtime!.instructions).toContain('ENV NODE_ENV=production');
  });

  it('given the runtime stage, when the container starts, then it runs the compiled API with node as the unprivileged node user', () => {
    const cmds = runtime!.instructions.filter((l) => l.startsWith('CMD '));
    expect(cmds).toHaveLength(1);
    const cmd = JSON.parse(cmds[0]!.slice('CMD '.length)) as string[];
    expect(cmd).toEqual(['node', 'dist/src/api/main.js']);
    const user = runtime!.instructions.lastIndexOf('USER node');
    expect(user).toBeGreaterThanOrEqual(0);
    expect(user).toBeLessThan(runtime!.instructions.indexOf(cmds[0]!));
  });

  it('given the build context, when reading .dockerignore, then local and generated folders and what the image does not need are left out, and nothing the build stage copies is', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'web/dist', 'data', '.git', 'coverage', '.env', 'test', 'bench']));
    const copiedFromContext = build!.instructions
      .filter((l) => l.startsWith('COPY ') && !l.startsWith('COPY --from'))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .map((p) => p.replace(/\/$/, ''));
    expect(copiedFromContext).toEqual(expect.arrayContaining(['src', 'workflows', 'activities', 'worker', 'scripts', 'web', 'tsconfig.build.json']));
    for (const p of copiedFromContext) expect({ p, ignored: ignored.includes(p) }).toEqual({ p, ignored: false });
  });
});

describe('npm scripts and dependencies of the production build', () => {
  it('given package.json, when starting the API or the worker, then npm start and start:worker run node on the compiled output, which the image CMD runs too', () => {
    expect(pkg.scripts.start).toBe('node dist/src/api/main.js');
    expect(pkg.scripts['start:worker']).toBe('node dist/worker/main.js');
    // One way to start each process: the old tsx entry point is gone.
    expect(pkg.scripts['start:api']).toBeUndefined();
    expect(pkg.scripts.build).toBe('tsx scripts/build.ts');
    const [, runtime] = stages();
    const cmd = runtime!.instructions.find((l) => l.startsWith('CMD '))!;
    expect((JSON.parse(cmd.slice('CMD '.length)) as string[]).join(' ')).toBe(pkg.scripts.start);
  });

  it('given the compiled entry points, when mapping them back to their sources, then tsconfig.build.json compiles each of them and nothing from test/ or bench/', () => {
    const { fileNames, options } = buildConfig();
    const compiled = fileNames.map((f) => path.relative(ROOT, f));
    const entryPoints = ['dist/src/api/main.js', 'dist/worker/main.js', 'dist/scripts/seed.js', 'dist/scripts/create-api-key.js'];
    for (const entry of entryPoints) expect(compiled).toContain(sourceOf(entry));
    expect(compiled.filter((f) => /^(test|bench|web)\//.test(f))).toEqual([]);
    expect(options.noEmit).toBe(false);
    expect(path.relative(ROOT, options.outDir!)).toBe('dist');
    expect(path.relative(ROOT, options.rootDir!)).toBe('');
    for (const entry of entryPoints) expect(existsSync(path.join(ROOT, sourceOf(entry)))).toBe(true);
  });

  it('given the dependencies, when installing for production (--omit=dev), then tsx is not among them (it is a devDependency for dev, tests and the build)', () => {
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }> };
    expect(lock.packages['']!.dependencies?.tsx).toBeUndefined();
    expect(lock.packages['']!.devDependencies?.tsx).toBe(pkg.devDependencies.tsx);
    // npm marks a package dev when only devDependencies need it: --omit=dev leaves it out.
    expect(lock.packages['node_modules/tsx']!.dev).toBe(true);
  });
});
