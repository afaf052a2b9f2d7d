#pragma once
// The host-side arrays that DeviceContext uploads: the CPU engine's NTT tables (native/src/util/ntt.cpp) rebuilt from
// the same root psi with the same formulas, Barrett constants, q_last^-1 per level and q_j mod q_p. Header-only and
// CUDA-free so the host emulation of the kernels (native/cuda/emulation) uses exactly the same tables.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cipherformer/ckks/context.h"
#include "cipherformer/cuda/kernel_bodies.h"

namespace cf::cuda {

struct HostTables {
  std::vector<uint64_t> root_operand, root_quotient, inv_root_operand, inv_root_quotient;  // k * n each
  std::vector<uint64_t> scalars;   // (inv_n operand, quotient) per prime, then (inv_n_w operand, quotient) per prime
  std::vector<uint64_t> moduli;    // (value, ratio0, ratio1) per prime: DevModulus
  std::vector<uint64_t> inv_last;  // DevMulOperand at level * k + i: q_level^-1 mod q_i (i < level)
  std::vector<uint64_t> qj_mod_p;  // DevMulOperand at j * k + p: (q_j mod q_p), prepared for q_p
};

inline size_t host_tables_reverse_bits(size_t x, int bits) {
  size_t r = 0;
  for (int i = 0; i < bits; ++i) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

/// Builds the tables of every prime of `context`. @throws std::invalid_argument if a root or n is not invertible
/// (cannot happen for a valid context).
inline HostTables build_host_tables(const ckks::Context &context) {
  const size_t n = context.poly_degree();
  const int log_n = context.log_poly_degree();
  const size_t k = context.level_count();
  const auto &moduli = context.key_moduli();
  HostTables h;
  h.root_operand.resize(k * n);
  h.root_quotient.resize(k * n);
  h.inv_root_operand.resize(k * n);
  h.inv_root_quotient.resize(k * n);
  h.scalars.resize(4 * k);
  h.moduli.resize(3 * k);
  for (size_t p = 0; p < k; ++p) {
    const util::Modulus &q = moduli[p];
    h.moduli[3 * p] = q.value();
    h.moduli[3 * p + 1] = q.const_ratio()[0];
    h.moduli[3 * p + 2] = q.const_ratio()[1];
    const uint64_t psi = context.ntt_tables(p).root();
    uint64_t inv_psi = 0;
    if (!util::try_invert_mod(psi, q, inv_psi)) throw std::invalid_argument("NTT root is not invertible");
    util::MulOperand op;
    // Forward: psi^i at bitrev(i).
    uint64_t power = 1;
    for (size_t i = 0; i < n; ++i) {
      op.set(power, q);
      const size_t at = p * n + host_tables_reverse_bits(i, log_n);
      h.root_operand[at] = op.operand;
      h.root_quotient[at] = op.quotient;
      power = util::multiply_mod(power, psi, q);
    }
    // Inverse: psi^-i at bitrev(i - 1) + 1; slot 0 holds 1 (never read).
    op.set(1, q);
    h.inv_root_operand[p * n] = op.operand;
    h.inv_root_quotient[p * n] = op.quotient;
    power = inv_psi;
    for (size_t i = 1; i < n; ++i) {
      op.set(power, q);
      const size_t at = p * n + host_tables_reverse_bits(i - 1, log_n) + 1;
      h.inv_root_operand[at] = op.operand;
      h.inv_root_quotient[at] = op.quotient;
      power = util::multiply_mod(power, inv_psi, q);
    }
    uint64_t inv_n = 0;
    if (!util::try_invert_mod(n, q, inv_n)) throw std::invalid_argument("n is not invertible");
    op.set(inv_n, q);
    h.scalars[2 * p] = op.operand;
    h.scalars[2 * p + 1] = op.quotient;
    op.set(util::multiply_mod(h.inv_root_operand[p * n + n - 1], inv_n, q), q);
    h.scalars[2 * k + 2 * p] = op.operand;
    h.scalars[2 * k + 2 * p + 1] = op.quotient;
  }
  h.inv_last.assign(2 * k * k, 0);
  for (size_t l = 1; l < k; ++l) {
    const auto &inv = context.level(l).inv_last_mod();
    for (size_t i = 0; i < l; ++i) {
      h.inv_last[2 * (l * k + i)] = inv[i].operand;
      h.inv_last[2 * (l * k + i) + 1] = inv[i].quotient;
    }
  }
  h.qj_mod_p.assign(2 * k * k, 0);
  for (size_t j = 0; j < k; ++j) {
    for (size_t p = 0; p < k; ++p) {
      util::MulOperand op;
      op.set(util::barrett_reduce_64(moduli[j].value(), moduli[p]), moduli[p]);
      h.qj_mod_p[2 * (j * k + p)] = op.operand;
      h.qj_mod_p[2 * (j * k + p) + 1] = op.quotient;
    }
  }
  return h;
}

}  // namespace cf::cuda
