/**
 * Serves the web application (web/dist, built by `npm run build:web`) under
 * /app/ on the API's own origin, so the browser talks to the API with the
 * session cookie and no CORS. Hashed assets are cached for a year (a new
 * build has new names); index.html and client-side routes are revalidated on
 * every load, so a deploy is picked up at once. `/` redirects to the app.
 */
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { HttpProblem } from './problem';

export const WEB_APP_BASE = '/app';
/**
 * The project folder: the nearest one above this file with a package.json. That is the repository
 * when run from src/api, and the same folder when compiled to dist/src/api (the image's /app).
 */
function projectRoot(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  return path.resolve(__dirname, '../..');
}
export const DEFAULT_WEB_DIST = path.join(projectRoot(), 'web/dist');

/** The app's CSP: scripts and styles only from this origin, no inline script. ECharts tooltips need inline style attributes. */
export const WEB_APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function webAppRouter(distDir: string = DEFAULT_WEB_DIST): express.Router {
  const router = express.Router();
  const indexFile = path.join(distDir, 'index.html');
  router.get('/', (_req, res) => res.redirect(302, `${WEB_APP_BASE}/`));
  router.use(
    `${WEB_APP_BASE}/assets`,
    express.static(path.join(distDir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
    }),
  );
  // A missing asset is a 404, not the app (a stale index.html would otherwise load HTML as a script).
  router.use(`${WEB_APP_BASE}/assets`, (req, _res, next) => next(new HttpProblem(404, 'Not Found', `no asset ${req.path}`)));
  // Every other /app path is a client-side route: the same index.html.
  router.get([WEB_APP_BASE, `${WEB_APP_BASE}/*path`], (_req, res, next) => {
    fs.readFile(indexFile, (err, html) => {
      if (err) return next(new HttpProblem(503, 'Service Unavailable', 'the web application is not built: run `npm run build:web`', { code: 'WEB_APP_NOT_BUILT' }));
      res.setHeader('cache-control', 'no-cache');
      res.type('html').send(html);
    });
  });
  return router;
}
