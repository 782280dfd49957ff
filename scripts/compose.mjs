#!/usr/bin/env node
// Writes docker-compose.yml and docker/toxiproxy.json from environments/local-3.yaml, through
// the same topology and broker configuration the runtimes use. Usage: npm run compose
import { writeFileSync } from 'node:fs';
import { composeFiles } from '../dist/runtime/docker/compose.js';
import { loadEnvironment } from '../dist/schema/load-environment.js';

const env = await loadEnvironment('environments/local-3.yaml');
const { compose, toxiproxy } = composeFiles(env, 'docker/toxiproxy.json');
writeFileSync('docker-compose.yml', compose);
writeFileSync('docker/toxiproxy.json', toxiproxy);
console.log('wrote docker-compose.yml and docker/toxiproxy.json');
