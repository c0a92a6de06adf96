/**
 * `npx tsx bench/kpi.ts`: the "KPIs at scale" section of `npm run bench`
 * alone (bench/kpi-scale.ts), on its own FerretDB in a temp dir with the API
 * in-process. No Temporal server: the analytics routes never call it (the
 * API's client stays an unconnected lazy one). Settings: BENCH_KPI_SIZES
 * [10000,100000], BENCH_KPI_REPS [7]. Needs `bash scripts/prepare.sh ferretdb`
 * (npm run bench runs it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { startFerretDb } from '../infra/launch';
import { createApp } from '../src/api/app';
import { configSchema } from '../src/config';
import { connectDatabase } from '../src/db/models';
import { DEMO_USERS, seedDemoData } from '../src/db/seed';
import { createLogger } from '../src/logger';
import { kpiScaleReport, measureKpiScale } from './kpi-scale';
import { section } from './stats';

export const kpiSettingsFromEnv = () => ({
  sizes: (process.env.BENCH_KPI_SIZES ?? '10000,100000').split(',').map(Number),
  reps: Number(process.env.BENCH_KPI_REPS ?? 7),
});

async function main(): Promise<void> {
  const settings = kpiSettingsFromEnv();
  if (settings.sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(settings.reps) || settings.reps < 1) throw new Error('BENCH_KPI_SIZES must be positive integers, BENCH_KPI_REPS a positive integer');
  const progress = (msg: string) => process.stderr.write(`[bench kpi] ${msg}\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qualityloop-bench-kpi-'));
  const ferret = await startFerretDb({ dataDir: path.join(dir, 'ferretdb'), logFile: path.join(dir, 'ferretdb.log') });
  const secrets = { apiKeyPepper: randomBytes(16).toString('hex'), webhookSecret: randomBytes(16).toString('hex') };
  const config = configSchema.parse({
    temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'bench-kpi' },
    mongo: { uri: `${ferret.uri}/bench_kpi` },
    api: { port: 0, host: '127.0.0.1', rateLimit: { perMinute: 1_000_000, burst: 1_000_000 } },
    logLevel: 'silent',
    secrets,
    notifications: { webhookUrls: '' },
  });
  const models = await connectDatabase(config.mongo.uri);
  const server = http.createServer(createApp({ config, models, client: new Client({ namespace: 'default' }), log: createLogger(config, 'api') }));
  try {
    await seedDemoData(models, secrets.apiKeyPepper);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const key = DEMO_USERS.find((u) => u.role === 'supervisor')!.key;
    const steps = await measureKpiScale({ models, api: { url, key }, settings, progress });
    console.log(section('KPIs at scale: 12-month series and Pareto, service and API vs a bare read of the rollups they need (medians)', kpiScaleReport(steps)));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await models.connection.close();
    await ferret.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('[bench kpi] failed:', err);
    process.exitCode = 1;
  });
}
