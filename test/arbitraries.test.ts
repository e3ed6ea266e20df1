import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  activation, biasLaw, heavyTailedLaw, lawNamed, lightTailedLaw, networkSpec, pointInCube,
  smallHeavyTailedSpec, smallLightTailedSpec, smoothActivation, weightLaw,
} from '../src/arbitraries.ts';
import { ACTIVATIONS, WEIGHT_LAWS, validateLaw, validateSpec } from '../src/spec/networkSpec.ts';
import { unitVariance } from '../src/laws/weightLaws.ts';
import { sampleNetwork } from '../src/network/network.ts';

describe('fast-check arbitraries', () => {
  it('every generated network spec is valid', () => {
    fc.assert(fc.property(networkSpec(), (spec) => {
      expect(validateSpec(spec)).toBe(spec);
    }), { numRuns: 200 });
  });

  it('light-tailed laws have a finite fourth moment, heavy-tailed laws infinite variance', () => {
    fc.assert(fc.property(lightTailedLaw(), (law) => {
      validateLaw('weights', law);
      // student(nu) and pareto(alpha) have finite fourth moment iff the index exceeds 4.
      if (law.name !== 'gaussian') expect(law.alpha!).toBeGreaterThan(4);
      expect(['gaussian', 'student', 'pareto']).toContain(law.name);
      expect(Number.isFinite(unitVariance(law))).toBe(true);
    }), { numRuns: 200 });
    fc.assert(fc.property(heavyTailedLaw(), (law) => {
      validateLaw('weights', law);
      expect(unitVariance(law)).toBe(Infinity);
    }), { numRuns: 200 });
  });

  it('lawNamed, biasLaw and weightLaw produce valid laws of the asked kind', () => {
    for (const name of WEIGHT_LAWS) {
      fc.assert(fc.property(lawNamed(name), (law) => {
        expect(law.name).toBe(name);
        validateLaw('weights', law);
      }), { numRuns: 30 });
    }
    fc.assert(fc.property(biasLaw(), weightLaw(), (b, w) => {
      if (b !== null) validateLaw('bias', b);
      validateLaw('weights', w);
    }), { numRuns: 100 });
    expect(() => fc.assert(fc.property(biasLaw({ allowNone: false }), (b) => b !== null), { numRuns: 100 })).not.toThrow();
  });

  it('activations cover the project list; smooth ones are sigmoid/tanh/erf', () => {
    const seen = new Set(fc.sample(activation(), 300));
    expect([...seen].sort()).toEqual([...ACTIVATIONS].sort());
    for (const a of fc.sample(smoothActivation(), 50)) expect(['sigmoid', 'tanh', 'erf']).toContain(a);
  });

  it('small specs stay small and sample into finite networks', () => {
    fc.assert(fc.property(smallLightTailedSpec(), (spec) => {
      expect(spec.N).toBeGreaterThanOrEqual(2);
      expect(spec.N).toBeLessThanOrEqual(8);
      expect(spec.L).toBeLessThanOrEqual(4);
      expect(spec.scaling).toBe('natural');
      const net = sampleNetwork(spec, 0);
      expect(net.weights).toHaveLength(spec.L);
      for (const w of net.weights) for (const v of w.data) expect(Number.isFinite(v)).toBe(true);
    }), { numRuns: 40 });
    fc.assert(fc.property(smallHeavyTailedSpec(), (spec) => {
      expect(spec.activation).toBe('sigmoid');
      expect(unitVariance(spec.weights)).toBe(Infinity);
    }), { numRuns: 40 });
  });

  it('constraints are honoured and points lie in the cube', () => {
    fc.assert(fc.property(networkSpec({ minWidth: 5, maxWidth: 5, minDepth: 3, maxDepth: 3 }), (s) => s.N === 5 && s.L === 3));
    fc.assert(fc.property(pointInCube(4, -0.5, 0.5), (x) => x.length === 4 && x.every((v) => v >= -0.5 && v <= 0.5)));
  });
});
