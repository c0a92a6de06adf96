/** API process: Express over the Temporal client and MongoDB. */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { connectDatabase } from '../db/models';
import { createLogger } from '../logger';
import { temporalConnectionOptions } from '../services/temporal-connection';
import { createApp } from './app';
import { runMain } from '../main';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'api');
  const models = await connectDatabase(config.mongo.uri);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal.address));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const app = createApp({ config, models, client, log });
  const server = app.listen(config.api.port, config.api.host, () => {
    log.info({ url: `http://${config.api.host}:${config.api.port}` }, 'api listening');
  });
  const shutdown = () => {
    log.info('shutting down');
    server.close(async () => {
      await connection.close();
      await models.connection.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

runMain(main);
