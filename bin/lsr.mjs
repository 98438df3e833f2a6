#!/usr/bin/env node
// Runs the TypeScript CLI straight from source through tsx, so `npx lsr` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
