#pragma once
// Galois elements and their action on NTT-form polynomials, as SEAL 4.1's GaloisTool.
//
// The slot rotation by k steps (to the left for k > 0) is the automorphism X -> X^(3^k mod 2N); a rotation to the
// right by |k| is X -> X^(3^(N/2 - |k|) mod 2N); complex conjugation of all slots is X -> X^(2N - 1).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cf::ckks {

/// SEAL's get_elt_from_step: 3^step mod 2N for 0 < step < N/2, 3^(N/2 - |step|) mod 2N for -N/2 < step < 0, and the
/// conjugation element 2N - 1 for step 0.
/// @throws std::invalid_argument naming the step if |step| >= N/2.
uint32_t galois_elt_from_step(int step, size_t poly_degree);

/// 2N - 1, the element of complex conjugation.
uint32_t conjugation_galois_elt(size_t poly_degree) noexcept;

/// SEAL's get_elts_all (the default set of KeyGenerator::create_galois_keys()): 2N - 1, then for i = 0..log2(N)-2
/// the pair 3^(2^i) and 3^(-2^i) mod 2N.
std::vector<uint32_t> all_power_of_two_galois_elts(size_t poly_degree);

/// Non-adjacent form of value (SEAL's util::naf): signed powers of two, least significant first, summing to value.
std::vector<int> non_adjacent_form(int value);

/// SEAL's GaloisTool::generate_table_ntt: table[i] = bitrev(((galois_elt * bitrev(N + i, log_n + 1)) >> 1) & (N - 1),
/// log_n), so that result[i] = input[table[i]] applies X -> X^galois_elt to an NTT-form polynomial.
/// @throws std::invalid_argument naming the value if galois_elt is even or >= 2N.
std::vector<uint32_t> galois_permutation_table(uint32_t galois_elt, int log_n);

}  // namespace cf::ckks
