/** API process: Express over the Temporal client and MongoDB. */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createApiMetrics, startMetricsServer } from '../observability/metrics';
import { startTracing } from '../observability/tracing';
import { temporalConnectionOptions } from '../services/temporal-connection';
import { runMain } from '../main';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'api');
  // Before express and mongoose load: the instrumentations patch them as they load.
  const tracing = await startTracing(config, 'qualityloop-api');
  const [{ connectDatabase }, { createApp }] = await Promise.all([import('../db/models'), import('./app')]);
  const models = await connectDatabase(config.mongo.uri);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal.address));
  // While tracing, starts and updates carry the trace context to the workflow (none otherwise).
  const client = new Client({ connection, namespace: config.temporal.namespace, interceptors: { workflow: tracing.clientInterceptors } });
  // The metrics listener (QL_METRICS_PORT) and the token route (createApp) share one registry.
  const { host: metricsHost, port: metricsPort } = config.observability.metrics;
  const metrics = metricsPort === undefined ? undefined : createApiMetrics({ models, client, config, log });
  const metricsServer = metrics && metricsPort !== undefined ? await startMetricsServer(metrics, metricsHost, metricsPort) : undefined;
  if (metricsServer) log.info({ url: `http://${metricsHost}:${metricsPort}/metrics` }, 'metrics listening');
  const app = createApp({ config, models, client, log, metrics });
  const server = app.listen(config.api.port, config.api.host, () => {
    log.info({ url: `http://${config.api.host}:${config.api.port}` }, 'api listening');
  });
  const shutdown = () => {
    log.info('shutting down');
    metricsServer?.close();
    server.close(async () => {
      await connection.close();
      await models.connection.close();
      await tracing.shutdown();
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

runMain(main);
