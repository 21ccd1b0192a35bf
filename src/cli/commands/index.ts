import type { Command } from '../io.js';

/** Every `dac` command, in the order `dac --help` lists them. Add a line per command. */
export const commands: readonly Command[] = [
];
