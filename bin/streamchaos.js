#!/usr/bin/env node
import { runCli } from '../dist/cli/main.js';
// A command is over when main resolves: exit then, even if a client library left a timer or
// a reconnect loop behind (stdout and stderr are synchronous for files and pipes on Linux).
runCli(process.argv.slice(2));
