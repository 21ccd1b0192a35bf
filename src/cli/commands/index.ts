import type { Command } from '../io.js';
import { validateCommand } from './validate.js';
import { testCommand } from './test.js';

/** Every `dac` command, in the order `dac --help` lists them. Add a line per command. */
export const commands: readonly Command[] = [
  validateCommand,
  testCommand,
];
