import { kacRiceNetwork } from './src/counting/kacRice.ts';
import { newtonAllFixedPoints } from './src/fixedpoints/newtonAll.ts';
import { sampleNetwork } from './src/network/network.ts';
const spec:any = { N:10, L:4, activation:'sigmoid', weights:{name:'cauchy', scale:1}, bias:{name:'gaussian', scale:1}, scaling:'raw', seed:1 };
const rows=[]; let sk=0, sm=0, sk2=0;
for (let n=0;n<300;n++){ const net=sampleNetwork(spec,n); const k=kacRiceNetwork(net); const m=newtonAllFixedPoints(net,{starts:100});
 sk+=k.stable; sm+=m.stable; const k2=kacRiceNetwork(net,{auxiliaryBiases:16,searchStarts:8}); sk2+=k2.stable;
 rows.push({n, k:k.stable, k2:k2.stable, m:m.stable, mall:m.all, kern:k.kernels, kern2:k2.kernels, conv:m.convergedShare}); }
console.log('means', sk/300, sk2/300, sm/300);
rows.sort((a,b)=>(a.k-a.k2)-(b.k-b.k2));
for (const r of rows.slice(0,10)) console.log(JSON.stringify(r));
