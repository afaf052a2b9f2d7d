// Writes SEAL 4.1 (node-seal) CKKS test vectors for native/tests/ckks_seal_interop_test.cpp.
// Usage: node interop/ckks-native-vectors.js <output-dir>
// Everything is saved uncompressed (ComprModeType.none) so the C++ test can read the SEAL binary layout directly.
'use strict';
const fs = require('fs');
const path = require('path');

(async () => {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node ckks-native-vectors.js <output-dir>');
  const SEAL = require('node-seal');
  const seal = await SEAL();
  const n = 8192;
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(n);
  parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from([50, 40, 40, 50])));
  const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
  const primes = Array.from(context.keyContextData.parms.coeffModulus).map((v) => v.toString());
  const write = (name, data) => fs.writeFileSync(path.join(out, name), data);
  write('primes.txt', n + '\n' + primes.join('\n') + '\n');

  const keygen = seal.KeyGenerator(context);
  const relinKeys = keygen.createRelinKeys();
  // Steps 1, -1, 3, 4 and conjugation (0); step 5 then rotates through its non-adjacent form 4 + 1.
  const galoisKeys = keygen.createGaloisKeys(Int32Array.from([1, -1, 3, 4, 0]));
  const encoder = seal.CKKSEncoder(context);
  const encryptor = seal.Encryptor(context, keygen.createPublicKey());
  const evaluator = seal.Evaluator(context);

  const slots = encoder.slotCount;
  const x = new Float64Array(slots);
  const y = new Float64Array(slots);
  for (let i = 0; i < slots; i++) {
    x[i] = Math.sin(i * 0.37);
    y[i] = 0.5 * Math.cos(i * 0.11);
  }
  write('x.txt', Array.from(x).map((v) => v.toPrecision(17)).join('\n') + '\n');
  write('y.txt', Array.from(y).map((v) => v.toPrecision(17)).join('\n') + '\n');
  const none = seal.ComprModeType.none;
  const save = (name, obj) => write(name, Buffer.from(obj.saveArray(none)));
  const scale = Math.pow(2, 40);

  const px = encoder.encode(x, scale);
  const py = encoder.encode(y, scale);
  const cx = encryptor.encrypt(px);
  const cy = encryptor.encrypt(py);
  save('px.bin', px);
  save('py.bin', py);
  save('cx.bin', cx);
  save('cy.bin', cy);
  save('sk.bin', keygen.secretKey());
  save('rk.bin', relinKeys);
  save('gk.bin', galoisKeys);

  const result = (name, fn) => {
    const c = seal.CipherText();
    fn(c);
    save(name, c);
    return c;
  };
  result('add.bin', (c) => evaluator.add(cx, cy, c));
  result('sub.bin', (c) => evaluator.sub(cx, cy, c));
  result('negate.bin', (c) => evaluator.negate(cx, c));
  result('add_plain.bin', (c) => evaluator.addPlain(cx, py, c));
  const product = result('multiply.bin', (c) => evaluator.multiply(cx, cy, c));
  const relin = result('relinearize.bin', (c) => evaluator.relinearize(product, relinKeys, c));
  const rescaled = result('rescale.bin', (c) => evaluator.rescaleToNext(relin, c));
  result('square.bin', (c) => evaluator.square(cx, c));
  result('multiply_plain.bin', (c) => evaluator.multiplyPlain(cx, py, c));
  result('mod_switch.bin', (c) => evaluator.cipherModSwitchToNext(cx, c));
  for (const s of [1, -1, 3, 5]) result('rotate' + s + '.bin', (c) => evaluator.rotateVector(cx, s, galoisKeys, c));
  result('conjugate.bin', (c) => evaluator.complexConjugate(cx, galoisKeys, c));
  result('rotate3_level1.bin', (c) => evaluator.rotateVector(rescaled, 3, galoisKeys, c));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
