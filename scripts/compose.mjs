#!/usr/bin/env node
// Writes docker-compose.yml and docker/toxiproxy.json from environments/local-3.yaml, through
// the same topology and broker configuration the runtimes use. Usage: npm run compose
// Every value that reaches a shell or compose's interpolation is quoted there (compose.ts).
import { writeFileSync } from 'node:fs';
import { UsageError } from '../dist/errors.js';
import { composeFiles } from '../dist/runtime/docker/compose.js';
import { managedOnly } from '../dist/schema/environment.js';
import { loadEnvironment } from '../dist/schema/load-environment.js';

try {
  const env = managedOnly(await loadEnvironment('environments/local-3.yaml'), 'npm run compose');
  const { compose, toxiproxy } = composeFiles(env, 'docker/toxiproxy.json');
  writeFileSync('docker-compose.yml', compose);
  writeFileSync('docker/toxiproxy.json', toxiproxy);
  console.log('wrote docker-compose.yml and docker/toxiproxy.json');
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 2;
}
