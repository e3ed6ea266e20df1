// Population-dynamics sweep of the heavy-tailed Jacobian spectrum (theory/05-heavy-tailed.md (5.43)-(5.48b)).
#pragma once
#include <cstddef>
#include <cstdint>

namespace jesd {

// Flattened population of src/jacobian/heavyPopulation.ts: layer l's block of a per-member array
// starts at l * P, of a per-edge array at l * P * K (children: layers 0..L, parents: 0..L-1).
struct PopulationArrays {
  size_t L, P, K;
  double ws, rs;  // weightScale2, remainderSq
  const double* d;
  const int32_t* children;
  const double* childW2;
  const int32_t* parents;
  const double* parentD2;
  const double* parentF;
  double *tDownRe, *tDownIm, *sUpRe, *sUpIm;  // state, (L + 1) * P each
  double *uRe, *uIm;                          // scratch, (L + 1) * P each
};

// One sweep at z = zRe + i zIm (damping damp; fresh: overwrite instead of mixing); g receives
// (Re, Im) of the input-side G (5.48) and of the output-side G (5.48b) after the sweep.
void population_sweep(const PopulationArrays& a, double zRe, double zIm, double damp, bool fresh, double* g);

struct RadiusOptions {
  double zRe, zIm;
  int sweeps;   // at most this many sweeps
  bool fresh;   // the state is not a warm start: the first sweep overwrites it
  double damp;
  double tol;   // <= 0: no early stop
};

// The sweeps at each z of a path (z_0, z_1, ...) for each of R independent populations
// (replicas), each z warm-started from the state the previous one left; replica r runs the whole
// path on thread r mod threads. out[6 (j R + r) ..] = (Re G_in, Im G_in, Re G_out, Im G_out,
// sweeps done, mean |G_in|^2) at z_j. Replicas share nothing, so out does not depend on the thread
// count.
void population_radius(const PopulationArrays* pops, size_t R, const RadiusOptions* path, size_t nz, double* out, int threads);

}  // namespace jesd
