// Regenerates the SEAL 4.1 vectors used by ntt_test.cpp (test_matches_seal_4_1) and sampling_test.cpp
// (test_uniform_matches_real_seal_ciphertext). Not run by the build; run by hand:
//   npm install node-seal@6.0.3 && node make_seal_vectors.js > vectors.json
// The seeded ciphertext uses a fresh random seed each run, so the committed numbers come from one recorded run;
// re-running gives a different seed/c1 pair that must match just as well.
const SEAL = require('node-seal');

// Last `count` little-endian uint64 words of a serialized object: the coefficient data is stored last.
function lastWords(bytes, count) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8 * count, 8 * count);
  return Array.from({length: count}, (_, i) => dv.getBigUint64(8 * i, true));
}
function setLastWords(bytes, words) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8 * words.length, 8 * words.length);
  words.forEach((w, i) => dv.setBigUint64(8 * i, BigInt(w), true));
}

(async () => {
  const seal = await SEAL();
  const none = seal.ComprModeType.none;
  const out = {};

  // NTT form: BFV plaintexts transformed by Evaluator::transform_to_ntt (it lifts [ (t+1)/2, t ) to q - t + c).
  const N = 4096;
  const bfv = seal.EncryptionParameters(seal.SchemeType.bfv);
  bfv.setPolyModulusDegree(N);
  const bfvPrimes = seal.CoeffModulus.BFVDefault(N, seal.SecurityLevel.tc128);
  bfv.setCoeffModulus(bfvPrimes);
  const t = seal.PlainModulus.Batching(N, 20);
  bfv.setPlainModulus(t);
  const bfvCtx = seal.Context(bfv, true, seal.SecurityLevel.tc128);
  const evaluator = seal.Evaluator(bfvCtx);
  const batch = seal.BatchEncoder(bfvCtx);
  const inputs = {x: Array(N).fill(0n), mixed: Array(N).fill(0n)};
  inputs.x[1] = 1n;
  let state = 12345n;
  for (let i = 0; i < N; i++) {  // the same LCG as ntt_test.cpp
    state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    inputs.mixed[i] = (state >> 33n) % BigInt(t.value);
  }
  out.ntt = {primes: Array.from(bfvPrimes.toArray()).map(String), t: String(t.value), outputs: {}};
  for (const [name, coeffs] of Object.entries(inputs)) {
    // There is no polynomial constructor in node-seal: serialize a zero plaintext and patch its coefficients.
    const bytes = batch.encode(new Int32Array(N)).saveArray(none);
    setLastWords(bytes, coeffs);
    const plain = seal.PlainText();
    plain.loadArray(bfvCtx, bytes);
    const ntt = evaluator.plainTransformToNtt(plain, bfvCtx.firstParmsId);
    out.ntt.outputs[name] = lastWords(ntt.saveArray(none), ntt.coeffCount).map(String);
  }

  // Seeded CKKS ciphertext: the serialization ends with the 64-byte seed; loading expands c1 from it.
  const M = 8192;
  const ckks = seal.EncryptionParameters(seal.SchemeType.ckks);
  ckks.setPolyModulusDegree(M);
  const ckksPrimes = seal.CoeffModulus.Create(M, Int32Array.from([60, 40, 40, 60]));
  ckks.setCoeffModulus(ckksPrimes);
  const ckksCtx = seal.Context(ckks, true, seal.SecurityLevel.tc128);
  const keygen = seal.KeyGenerator(ckksCtx);
  const encryptor = seal.Encryptor(ckksCtx, keygen.createPublicKey(), keygen.secretKey());
  const pt = seal.CKKSEncoder(ckksCtx).encode(Float64Array.from([1.5, 2.5, -3.25]), Math.pow(2, 40));
  const seeded = encryptor.encryptSymmetricSerializable(pt).saveArray(none);
  const ct = seal.CipherText();
  ct.loadArray(ckksCtx, seeded);
  out.seeded = {
    primes: Array.from(ckksPrimes.toArray()).map(String),
    seed: lastWords(seeded, 8).map(String),
    c1: lastWords(ct.saveArray(none), M * ct.coeffModulusSize).map(String),
  };
  process.stdout.write(JSON.stringify(out));
})();
