/** The registry of `jesd` commands. Add one line per command module. */
import type { Command } from 'commander';
import { register as fixedPoints } from './fixedPoints.ts';
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
import { register as landscape } from './landscape.ts';
import { register as timescales } from './timescales.ts';
import { register as allocation } from './allocation.ts';
import { register as modes } from './modes.ts';
import { register as basin } from './basin.ts';
import { register as trainSweep } from './trainSweep.ts';

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
  landscape,
  timescales,
  allocation,
  modes,
  basin,
  trainSweep,
];
