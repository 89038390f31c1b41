#!/usr/bin/env node
// Runs the TypeScript sources through tsx: one code path for development and installs.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
