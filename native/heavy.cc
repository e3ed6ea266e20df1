// One sweep of the population dynamics of the heavy-tailed Jacobian spectrum (theory/05-heavy-tailed.md
// (5.43)-(5.48b)); the TypeScript twin is populationSweepTs in src/jacobian/heavyPopulation.ts, with
// the same operations per edge. The sums over the K edges of a member run in VL interleaved
// partial sums (SIMD lanes, gathered loads) that are added at the end, so results agree with the
// twin to rounding, not bit for bit.
#include "heavy.h"
#include "simd.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace jesd {

static inline vd gather(const double* base, const int32_t* idx) {
  vd r;
  for (int i = 0; i < VL; i++) r[i] = base[idx[i]];
  return r;
}

void population_sweep(const PopulationArrays& a, double zRe, double zIm, double damp, bool fresh, double* g) {
  const size_t L = a.L, P = a.P, K = a.K;
  const double ws = a.ws, rs = a.rs;
  double* const tR = a.tDownRe;
  double* const tI = a.tDownIm;
  double* const sR = a.sUpRe;
  double* const sI = a.sUpIm;
  double* const uR = a.uRe;
  double* const uI = a.uIm;
  // (1) U on layers 0..L-1 (5.44): U_0 = 1/(z - S_up), U_l = S_d / (1 - S_d S_up)
  for (size_t l = 0; l < L; l++) {
    double *ur = uR + l * P, *ui = uI + l * P;
    const double *sr = sR + l * P, *si = sI + l * P;
    if (l == 0) {
      for (size_t p = 0; p < P; p++) {
        const double ar = zRe - sr[p], ai = zIm - si[p], n = ar * ar + ai * ai;
        ur[p] = ar / n;
        ui[p] = -ai / n;
      }
    } else {
      const double *tr = tR + l * P, *ti = tI + l * P, *dl = a.d + l * P;
      for (size_t p = 0; p < P; p++) {
        const double d2 = dl[p] * dl[p];
        const double ar = d2 * tr[p], ai = d2 * ti[p];
        const double br = 1 - (ar * sr[p] - ai * si[p]), bi = -(ar * si[p] + ai * sr[p]);
        const double n = br * br + bi * bi;
        ur[p] = (ar * br + ai * bi) / n;
        ui[p] = (ai * br - ar * bi) / n;
      }
    }
  }
  // (2) T_down on layers 1..L (5.43): sum_k w_k^2 U_child + remainder * E[U]
  for (size_t l = 1; l <= L; l++) {
    const double *ur = uR + (l - 1) * P, *ui = uI + (l - 1) * P;
    double mr = 0, mi = 0;
    for (size_t p = 0; p < P; p++) {
      mr += ur[p];
      mi += ui[p];
    }
    mr /= double(P);
    mi /= double(P);
    const int32_t* ch = a.children + l * P * K;
    const double* cw = a.childW2 + l * P * K;
    double *tr = tR + l * P, *ti = tI + l * P;
    for (size_t p = 0; p < P; p++) {
      vd vr = splat(0), vi = splat(0);
      size_t k = 0;
      for (; k + VL <= K; k += VL) {
        const vd w2 = loadu(cw + p * K + k);
        vr += w2 * gather(ur, ch + p * K + k);
        vi += w2 * gather(ui, ch + p * K + k);
      }
      double ar = hsum(vr), ai = hsum(vi);
      for (; k < K; k++) {
        const int32_t j = ch[p * K + k];
        const double w2 = cw[p * K + k];
        ar += w2 * ur[j];
        ai += w2 * ui[j];
      }
      ar += rs * mr;
      ai += rs * mi;
      const double nr = ws * ar, ni = ws * ai;
      if (fresh) {
        tr[p] = nr;
        ti[p] = ni;
      } else {
        tr[p] = damp * nr + (1 - damp) * tr[p];
        ti[p] = damp * ni + (1 - damp) * ti[p];
      }
    }
  }
  // (3) S_up on layers L-1..0 (5.45): sum over parents of (w d)^2 V_edge + remainder * E[d^2 V]
  for (size_t l = L; l >= 1; l--) {
    const double *tr = tR + l * P, *ti = tI + l * P, *sr = sR + l * P, *si = sI + l * P, *dl = a.d + l * P;
    const bool top = l == L;
    double mr = 0, mi = 0;
    for (size_t m = 0; m < P; m++) {
      const double d2 = dl[m] * dl[m], ar = d2 * tr[m], ai = d2 * ti[m];
      if (top) {
        const double br = 1 - ar, bi = -ai, n = br * br + bi * bi;
        mr += d2 * (br / n);
        mi += d2 * (-bi / n);
      } else {
        const double s0 = sr[m], s1 = si[m];
        const double br = 1 - (ar * s0 - ai * s1), bi = -(ar * s1 + ai * s0), n = br * br + bi * bi;
        mr += d2 * ((s0 * br + s1 * bi) / n);
        mi += d2 * ((s1 * br - s0 * bi) / n);
      }
    }
    mr /= double(P);
    mi /= double(P);
    const int32_t* pa = a.parents + (l - 1) * P * K;
    const double* pd2 = a.parentD2 + (l - 1) * P * K;
    const double* pf = a.parentF + (l - 1) * P * K;
    double *outR = sR + (l - 1) * P, *outI = sI + (l - 1) * P;
    for (size_t p = 0; p < P; p++) {
      vd vr = splat(0), vi = splat(0);
      const size_t o = p * K;
      const vd one = splat(1);
      size_t k0 = 0;
      if (top) {
        for (; k0 + VL <= K; k0 += VL) {
          const size_t idx = o + k0;
          const vd d2 = loadu(pd2 + idx);
          const vd br = one - d2 * gather(tr, pa + idx), bi = d2 * gather(ti, pa + idx);
          const vd f = loadu(pf + idx) / (br * br + bi * bi);
          vr += f * br;
          vi += f * bi;
        }
      } else {
        for (; k0 + VL <= K; k0 += VL) {
          const size_t idx = o + k0;
          const vd d2 = loadu(pd2 + idx);
          const vd xr = d2 * gather(tr, pa + idx), xi = d2 * gather(ti, pa + idx), s0 = gather(sr, pa + idx), s1 = gather(si, pa + idx);
          const vd br = one - (xr * s0 - xi * s1), bi = -(xr * s1 + xi * s0);
          const vd f = loadu(pf + idx) / (br * br + bi * bi);
          vr += f * (s0 * br + s1 * bi);
          vi += f * (s1 * br - s0 * bi);
        }
      }
      double ar = hsum(vr), ai = hsum(vi);
      if (top) {
        for (size_t k = k0; k < K; k++) {
          const size_t idx = o + k;
          const int32_t m = pa[idx];
          const double d2 = pd2[idx];
          const double br = 1 - d2 * tr[m], bi = d2 * ti[m], f = pf[idx] / (br * br + bi * bi);
          ar += f * br;
          ai += f * bi;
        }
      } else {
        for (size_t k = k0; k < K; k++) {
          const size_t idx = o + k;
          const int32_t m = pa[idx];
          const double d2 = pd2[idx];
          const double xr = d2 * tr[m], xi = d2 * ti[m], s0 = sr[m], s1 = si[m];
          const double br = 1 - (xr * s0 - xi * s1), bi = -(xr * s1 + xi * s0), f = pf[idx] / (br * br + bi * bi);
          ar += f * (s0 * br + s1 * bi);
          ai += f * (s1 * br - s0 * bi);
        }
      }
      ar += rs * mr;
      ai += rs * mi;
      const double nr = ws * ar, ni = ws * ai;
      if (fresh) {
        outR[p] = nr;
        outI[p] = ni;
      } else {
        outR[p] = damp * nr + (1 - damp) * outR[p];
        outI[p] = damp * ni + (1 - damp) * outI[p];
      }
    }
  }
  // (4) G(z) = E[1/(z - S_up^{(0)})] (5.48) and E[1/(z (1 - S_down^{(L)}))] (5.48b)
  {
    double gr = 0, gi = 0;
    for (size_t p = 0; p < P; p++) {
      const double ar = zRe - sR[p], ai = zIm - sI[p], n = ar * ar + ai * ai;
      gr += ar / n;
      gi += -ai / n;
    }
    const double *tr = tR + L * P, *ti = tI + L * P, *dL = a.d + L * P;
    double orr = 0, oi = 0;
    for (size_t p = 0; p < P; p++) {
      const double d2 = dL[p] * dL[p];
      const double br = 1 - d2 * tr[p], bi = -d2 * ti[p];
      const double cr = zRe * br - zIm * bi, ci = zRe * bi + zIm * br, n = cr * cr + ci * ci;
      orr += cr / n;
      oi += -ci / n;
    }
    g[0] = gr / double(P);
    g[1] = gi / double(P);
    g[2] = orr / double(P);
    g[3] = oi / double(P);
  }
}

}  // namespace jesd


namespace jesd {

// The sweeps at one z for one population, with the stopping rule and averaging of
// populationStieltjes (src/jacobian/heavyPopulation.ts): with tol > 0, stop once both readings of
// G changed by less than tol relative over 3 consecutive sweeps (after at least 6) and report
// the last sweep; otherwise average the last half of the sweeps.
static void radius_one(const PopulationArrays& a, const RadiusOptions& o, double* out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double gSumRe = 0, gSumIm = 0, gSq = 0, oSumRe = 0, oSumIm = 0;
  double prevRe = nan, prevIm = nan, prevORe = nan, prevOIm = nan;
  int nAvg = 0, calm = 0, done = 0;
  const bool hasTol = o.tol > 0;
  double g[4];
  for (int it = 0; it < o.sweeps; it++) {
    done = it + 1;
    population_sweep(a, o.zRe, o.zIm, o.damp, it == 0 && o.fresh, g);
    if (hasTol || double(it) >= double(o.sweeps) / 2) {
      const double gr = g[0], gi = g[1], orr = g[2], oi = g[3];
      if (hasTol) {
        const double change = std::max(std::hypot(gr - prevRe, gi - prevIm) / std::hypot(gr, gi),
                                       std::hypot(orr - prevORe, oi - prevOIm) / std::hypot(orr, oi));
        calm = change < o.tol ? calm + 1 : 0;
        prevRe = gr, prevIm = gi, prevORe = orr, prevOIm = oi;
        if (calm >= 3 && it >= 5) {
          gSumRe = gr, gSumIm = gi, gSq = gr * gr + gi * gi, oSumRe = orr, oSumIm = oi, nAvg = 1;
          break;
        }
        if (double(it) < double(o.sweeps) / 2) continue;
      }
      gSumRe += gr, gSumIm += gi, gSq += gr * gr + gi * gi, nAvg++;
      oSumRe += orr, oSumIm += oi;
    }
  }
  out[0] = gSumRe / nAvg;
  out[1] = gSumIm / nAvg;
  out[2] = oSumRe / nAvg;
  out[3] = oSumIm / nAvg;
  out[4] = done;
  out[5] = gSq / nAvg;
}

void population_radius(const PopulationArrays* pops, size_t R, const RadiusOptions* path, size_t nz, double* out, int threads) {
  const size_t t = std::min<size_t>(R, size_t(std::max(threads, 1)));
  // each thread runs its replicas through the whole path of z values: no barrier between z values
  auto run = [&](size_t first) {
    for (size_t r = first; r < R; r += t)
      for (size_t j = 0; j < nz; j++) radius_one(pops[r], path[j], out + 6 * (j * R + r));
  };
  std::vector<std::thread> pool;
  for (size_t i = 1; i < t; i++) pool.emplace_back(run, i);
  run(0);
  for (auto& th : pool) th.join();
}

}  // namespace jesd
