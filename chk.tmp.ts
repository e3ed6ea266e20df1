import { countByMultistart } from './src/counting/multistart.ts';
import { findFixedPoints } from './src/fixedpoints/search.ts';
import { sampleNetwork } from './src/network/network.ts';
import { meanStderr } from './src/counting/kacRice.ts';
const [N,L,K] = process.argv.slice(2).map(Number);
const spec:any = { N, L, activation:'sigmoid', weights:{name:'cauchy', scale:1}, bias:{name:'gaussian', scale:1}, scaling:'raw', seed:1 };
let t=performance.now();
const ms = countByMultistart(spec,{networks:K, starts:100});
console.log('newton', JSON.stringify({all:ms.all, stable:ms.stable, conv:ms.convergedShare, min:ms.minConvergedShare}), (performance.now()-t)/1000);
t=performance.now();
const q:number[]=[]; const d:number[]=[];
for (let n=0;n<K;n++){ const r=findFixedPoints(sampleNetwork(spec,n),{starts:100}); q.push(r.Q); d.push(r.Q - ms.perNetwork[n]!.stable); }
console.log('search Q', JSON.stringify(meanStderr(q)), 'Q - newtonStable: +', d.filter(x=>x>0).length, '-', d.filter(x=>x<0).length, (performance.now()-t)/1000);
