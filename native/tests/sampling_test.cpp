// sample_poly_uniform must expand a seed exactly as SEAL 4.1 does (checked against an independent model, with a
// modulus chosen so that about 1 in 9 words is rejected and redrawn); ternary and centered-binomial sampling must have
// the right distribution and put the same small integer into every RNS limb.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cipherformer/util/blake2.h"
#include "cipherformer/util/modulus.h"
#include "cipherformer/util/prng.h"
#include "cipherformer/util/sampling.h"
#include "test_support.h"

using cf::util::Blake2xbPrng;
using cf::util::Modulus;
using cf::util::PrngSeed;

namespace {

void test_uniform_matches_seal_model() {
  // q0 is just above 2^64 / 9, so SEAL's bound rejects ~11% of words; q1 is a 40-bit and q2 a 61-bit NTT prime.
  const std::vector<Modulus> moduli = {Modulus(2049638230412172403ULL), Modulus(1099511623297ULL),
                                       Modulus(2305843009213689601ULL)};
  const size_t n = 64;
  std::vector<uint64_t> dest(n * moduli.size());
  Blake2xbPrng prng(PrngSeed{1, 2, 3, 4, 5, 6, 7, 8});
  cf::util::sample_poly_uniform(prng, moduli, n, dest.data());
  const uint64_t limb0[64] = {
      938570073235242260ULL,  1398622193009580047ULL, 503119820309959131ULL,  1380365892450990388ULL,
      891811594321523229ULL,  430585852660616769ULL,  118844859638705872ULL,  1613241813586245668ULL,
      88292420148911039ULL,   1902659752482546019ULL, 483574992162828682ULL,  1365828225349554496ULL,
      1934949548558658153ULL, 1438106085639346341ULL, 1916164145928325724ULL, 628964540150795945ULL,
      1671223731500950985ULL, 191122626611047292ULL,  75100539736908277ULL,   1119022416558514641ULL,
      1131286869511630886ULL, 1732221127546319165ULL, 1536433378880062820ULL, 197079498026893088ULL,
      290753383657395124ULL,  1147190237815460488ULL, 168693974979421790ULL,  1578625843437802626ULL,
      1626070700369915521ULL, 1696591134863038550ULL, 419432353050085571ULL,  1913570655134992973ULL,
      1938556304413566793ULL, 627798782015868265ULL,  1164216317188219589ULL, 1907704648852670733ULL,
      195071186413467203ULL,  584159545411294608ULL,  803885227517108300ULL,  1486715058511596822ULL,
      2048247780491643935ULL, 1484209935562377207ULL, 15064683726637517ULL,   399655624606002617ULL,
      676215863618240383ULL,  1795837703276069012ULL, 1731569015810538250ULL, 1367972477914976672ULL,
      1022886116442996633ULL, 1590307828935746512ULL, 1910579781542286526ULL, 1448599941312847036ULL,
      402751945692877090ULL,  1130341108766594984ULL, 44171107105065552ULL,   1623496253799282866ULL,
      1722837660780287665ULL, 737019424371531301ULL,  935196986503125135ULL,  46131945927784650ULL,
      349523473787931034ULL,  221330374242170906ULL,  1748565434537476275ULL, 1143958940234428378ULL};
  bool ok = true;
  for (size_t i = 0; i < n; ++i) ok = ok && dest[i] == limb0[i];
  CHECK_MSG(ok, "limb 0 (with redraws) differs from SEAL's expansion");
  CHECK(dest[n + 0] == 88822063355ULL && dest[n + 1] == 878278069201ULL && dest[2 * n - 1] == 227363681057ULL);
  CHECK(dest[2 * n] == 1105106755223610702ULL && dest[3 * n - 1] == 843523922255945981ULL);
  // Exactly 10 redraws were consumed after the initial fill, so the stream continues here.
  CHECK(prng.next_u64() == 11439119760791552936ULL);
}

void test_uniform_matches_real_seal_ciphertext() {
  // A seeded ("compressed") CKKS ciphertext made by SEAL 4.1 (node-seal 6.0.3): N = 8192,
  // CoeffModulus::Create(8192, {60, 40, 40, 60}), Encryptor::encrypt_symmetric, saved with its seed; loading it in
  // SEAL expands c1 = sample_poly_uniform(Blake2xbPRNG(seed)) over the 3 data-level primes. We expand the same seed
  // and compare every coefficient (fingerprint: BLAKE2b-256 of the 24576 little-endian words).
  const std::vector<Modulus> moduli = {Modulus(1152921504606748673ULL), Modulus(1099510890497ULL),
                                       Modulus(1099511480321ULL)};
  const PrngSeed seed = {7713191977436156402ULL, 11659719218076858785ULL, 11659209192212917787ULL,
                         11580864974252887668ULL, 12884047049529050213ULL, 3498168537329840711ULL,
                         8302822458750528025ULL,  1283068300502079586ULL};
  const size_t n = 8192;
  std::vector<uint64_t> c1(n * moduli.size());
  Blake2xbPrng prng(seed);
  cf::util::sample_poly_uniform(prng, moduli, n, c1.data());
  CHECK(c1[0] == 1147125779738952819ULL && c1[1] == 28567943269075527ULL);
  CHECK(c1[n] == 801246326340ULL && c1[n + 1] == 596915449286ULL);
  CHECK(c1[2 * n] == 832861242507ULL && c1[2 * n + 1] == 889353464854ULL);
  CHECK(c1.back() == 193493273207ULL);
  std::vector<unsigned char> bytes(c1.size() * 8);
  for (size_t i = 0; i < c1.size(); ++i) {
    for (size_t b = 0; b < 8; ++b) bytes[8 * i + b] = static_cast<unsigned char>(c1[i] >> (8 * b));
  }
  unsigned char d[32];
  cf::util::blake2b(d, sizeof d, bytes.data(), bytes.size(), nullptr, 0);
  static const unsigned char expected[32] = {0x70, 0x17, 0x70, 0x78, 0x3e, 0xe9, 0x0a, 0x8f, 0x0f, 0x6a, 0x72,
                                             0x89, 0x44, 0x79, 0x7b, 0xf2, 0x5c, 0x99, 0x51, 0xe0, 0x07, 0x40,
                                             0x73, 0x0c, 0x77, 0x5d, 0x75, 0xaf, 0x84, 0xf2, 0xcb, 0x5d};
  CHECK_MSG(std::equal(d, d + 32, expected), "expanded c1 differs from SEAL's");
}

struct Moments {
  double mean = 0;
  double variance = 0;
  int64_t min = 0;
  int64_t max = 0;
};

/// Decodes limb-0 residues back to small signed integers, checking every other limb holds the same integer.
Moments decode_and_check(const std::vector<uint64_t> &dest, const std::vector<Modulus> &moduli, size_t n,
                         bool &consistent) {
  consistent = true;
  double sum = 0;
  double sum_sq = 0;
  Moments m;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t q0 = moduli[0].value();
    const int64_t e = dest[i] > q0 / 2 ? -static_cast<int64_t>(q0 - dest[i]) : static_cast<int64_t>(dest[i]);
    for (size_t j = 1; j < moduli.size(); ++j) {
      const uint64_t qj = moduli[j].value();
      const uint64_t expected = e < 0 ? qj - static_cast<uint64_t>(-e) : static_cast<uint64_t>(e);
      consistent = consistent && dest[j * n + i] == expected;
    }
    sum += static_cast<double>(e);
    sum_sq += static_cast<double>(e) * static_cast<double>(e);
    m.min = std::min(m.min, e);
    m.max = std::max(m.max, e);
  }
  m.mean = sum / static_cast<double>(n);
  m.variance = sum_sq / static_cast<double>(n) - m.mean * m.mean;
  return m;
}

void test_ternary_and_cbd() {
  const std::vector<Modulus> moduli = {Modulus(1152921504606748673ULL), Modulus(1099511678977ULL),
                                       Modulus(65537)};
  const size_t n = size_t{1} << 16;
  std::vector<uint64_t> dest(n * moduli.size());
  Blake2xbPrng prng(cf::util::os_random_seed());

  cf::util::sample_poly_ternary(prng, moduli, n, dest.data());
  bool consistent = false;
  Moments t = decode_and_check(dest, moduli, n, consistent);
  CHECK_MSG(consistent, "ternary sample differs between limbs");
  CHECK(t.min == -1 && t.max == 1);
  // Uniform on {-1,0,1}: mean 0, variance 2/3. Std error of the mean ~ 0.0032, of the variance ~ 0.0018.
  CHECK_MSG(std::fabs(t.mean) < 0.02, "ternary mean %f", t.mean);
  CHECK_MSG(std::fabs(t.variance - 2.0 / 3.0) < 0.015, "ternary variance %f", t.variance);
  size_t zeros = 0;
  for (size_t i = 0; i < n; ++i) zeros += dest[i] == 0;
  CHECK_MSG(std::fabs(static_cast<double>(zeros) / static_cast<double>(n) - 1.0 / 3.0) < 0.01, "ternary P(0)");

  cf::util::sample_poly_cbd(prng, moduli, n, dest.data());
  Moments c = decode_and_check(dest, moduli, n, consistent);
  CHECK_MSG(consistent, "cbd sample differs between limbs");
  CHECK(c.min >= -21 && c.max <= 21 && c.min < -8 && c.max > 8);
  // Centered binomial of 21 + 21 coins: mean 0, variance 10.5 (std dev 3.24, SEAL's stand-in for 3.2).
  CHECK_MSG(std::fabs(c.mean) < 0.08, "cbd mean %f", c.mean);
  CHECK_MSG(std::fabs(c.variance - 10.5) < 0.35, "cbd variance %f", c.variance);
}

void test_uniform_distribution_and_limbs() {
  // Every limb is reduced and roughly uniform (mean q/2 within 1%).
  const std::vector<Modulus> moduli = {Modulus(1152921504606748673ULL), Modulus(65537)};
  const size_t n = 1 << 14;
  std::vector<uint64_t> dest(n * moduli.size());
  Blake2xbPrng prng(cf::util::os_random_seed());
  cf::util::sample_poly_uniform(prng, moduli, n, dest.data());
  for (size_t j = 0; j < moduli.size(); ++j) {
    double sum = 0;
    bool reduced = true;
    for (size_t i = 0; i < n; ++i) {
      reduced = reduced && dest[j * n + i] < moduli[j].value();
      sum += static_cast<double>(dest[j * n + i]);
    }
    CHECK(reduced);
    const double mean = sum / static_cast<double>(n) / static_cast<double>(moduli[j].value());
    CHECK_MSG(std::fabs(mean - 0.5) < 0.01, "uniform limb %zu mean %f", j, mean);
  }
}

}  // namespace

int main() {
  test_uniform_matches_seal_model();
  test_uniform_matches_real_seal_ciphertext();
  test_ternary_and_cbd();
  test_uniform_distribution_and_limbs();
  return cf::test::test_exit_code();
}
