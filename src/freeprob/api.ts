/** The free-probability API for laws on [0, inf) (transforms, closed forms, multiplicative convolution). */
export * from './complex.ts';
export * from './series.ts';
export * from './closedFormLaws.ts';
export * from './multiplicative.ts';
export * from './spectrum.ts';
export { NAMED_LAWS, namedLaw, type NamedLawOptions } from './namedLaws.ts';
