/**
 * The sections of `jesd reproduce`, in the order they run and appear in report.md. Adding a claim:
 * write one module in this folder exporting a `ClaimSection` (./section.ts) and add one line here
 * (docs/design.md, "Adding a claim").
 */
import { basinsSection } from './basins.ts';
import { esdSection } from './esd.ts';
import { heavySection } from './heavy.ts';
import { kacRiceSection } from './kacRiceQ.ts';
import { lightSection } from './light.ts';
import { protocolsSection } from './protocols.ts';
import type { ClaimSection } from './section.ts';
import { trainedSection } from './trained.ts';

export const CLAIMS: ClaimSection<unknown>[] = [
  lightSection,
  heavySection,
  esdSection,
  basinsSection,
  protocolsSection,
  kacRiceSection,
  trainedSection,
];
