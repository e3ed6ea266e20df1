import { kacRice } from '/work/wt-kacrice/src/counting/kacRice.ts';
process.env.JESD_QUIET_BACKEND='1';
const [N,L,w,sc,S,M,st,P,eps,img] = process.argv.slice(2);
const spec:any = { N:+N, L:+L, activation:'sigmoid', weights:{name:w, scale:1}, bias:{name:'gaussian', scale:1}, scaling:sc, seed:1 };
const t=performance.now();
const r = kacRice(spec, { samples:+S, auxiliaryBiases:+M, searchStarts:+st, samplesPerNetwork:+P, defensiveWeight:+eps, imageWeight:+(img??0.3) });
const sec=(performance.now()-t)/1000;
console.log(process.argv.slice(2).join(' '), JSON.stringify({all:r.all.mean.toFixed(4), se:r.all.stderr.toFixed(4), stable:r.stable.mean.toFixed(4), ses:r.stable.stderr.toFixed(4), ess:r.ess.toFixed(0), k:r.meanKernels}), sec.toFixed(2)+'s', 'se^2*t stable', (r.stable.stderr**2*sec*1e4).toFixed(2));
