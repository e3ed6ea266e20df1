/** The registry of `jesd` commands. Add one line per command module. */
import type { Command } from 'commander';
import { register as fixedPoints } from './fixed-points.ts';
import { register as spectrum } from './spectrum.ts';
import { register as sweep } from './sweep.ts';
import { register as reproduce } from './reproduce.ts';
import { register as law } from './law.ts';
import { register as solve } from './solve.ts';
import { register as compare } from './compare.ts';
import { register as count } from './count.ts';
import { register as merge } from './merge.ts';
import { register as train } from './train.ts';
import { register as restore } from './restore.ts';
import { register as trainSweep } from './train-sweep.ts';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  fixedPoints,
  spectrum,
  sweep,
  merge,
  reproduce,
  compare,
  law,
  solve,
  count,
  train,
  restore,
  trainSweep,
];
