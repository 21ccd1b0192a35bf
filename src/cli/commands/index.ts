import type { Command } from '../io.js';
import { validateCommand } from './validate.js';
import { testCommand } from './test.js';
import { huntCommand } from './hunt.js';
import { packageCommand } from './package.js';
import { deployCommand } from './deploy.js';
import { diffCommand } from './diff.js';
import { compileCommand } from './compile.js';

/** Every `dac` command, in the order `dac --help` lists them. Add a line per command. */
export const commands: readonly Command[] = [
  validateCommand,
  compileCommand,
  testCommand,
  huntCommand,
  packageCommand,
  deployCommand,
  diffCommand,
];
