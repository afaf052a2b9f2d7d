#!/usr/bin/env node
'use strict';
/*
 * seal-oracle.js — node-seal 6.0.3 (Microsoft SEAL 4.1 compiled to WebAssembly) as an independent oracle for
 * Cipherformer's Java tests. Only CKKS.
 *
 * Usage:   node interop/seal-oracle.js < job.json > result.json
 *          node interop/seal-oracle.js job.json [result.json]
 * Exit status 0 with {"ok": true, ...} on success; on any failure a message on stderr, {"ok": false,
 * "error": "..."} on stdout, and exit status 1 (2 for a malformed job).
 *
 * Job:
 *   {
 *     "params": { "n": 4096, "bitSizes": [40, 20, 40] }      // CoeffModulus.Create(n, bitSizes)
 *             | { "n": 4096, "parms": base64 }              // SEAL-serialized EncryptionParameters
 *             | { "n": 4096, "bfvDefault": true },               // CoeffModulus.BFVDefault(n, tc128)
 *     "security": "tc128" | "none",                              // default tc128
 *     "expandModChain": bool,                                    // default true; false: key + first level only
 *     "ops": [ op, ... ]                                          // run in order over a store of named objects
 *   }
 * Result:
 *   { "ok": true,
 *     "context": { "n", "coeffModulus": [hex], "maxBitCount", "parametersSet", "keyParmsId", "firstParmsId",
 *                  "levels": [ { "chainIndex", "parmsId": [4 x 16-digit hex], "coeffModulus": [hex] } ... ] },
 *     "results": [ one object per op ] }
 * The levels list starts at the key level and follows nextContextData down to the last level. parms_id words are
 * printed as 16-digit lowercase hex (word 0 first).
 *
 * Ops (every "as" names the object in the store; "compr" is "none" | "zlib" | "zstd" or a list of them, default
 * "none"; results carry "data": {compr: base64} with SEAL's own saveArray() output for each requested mode):
 *   {"op": "parms", "compr"}                               save the EncryptionParameters
 *   {"op": "keygen", "as": "sk", "secretKey": "name"?}     new KeyGenerator (with the given loaded secret key, or a
 *                                                           fresh one); stores the secret key; saves it
 *   {"op": "publicKey" | "relinKeys", "as", "seeded": bool, "compr"}
 *   {"op": "galoisKeys", "as", "steps": [int...]?, "seeded": bool, "compr"}   steps omitted = SEAL's default set
 *   {"op": "encode", "as", "values": [num...], "scale": num, "chainIndex": int?}   CKKSEncoder at first level, then
 *                                                           mod-switched down to chainIndex if given
 *   {"op": "encrypt", "as", "values", "scale", "mode": "public" | "symmetric", "seeded": bool, "compr",
 *    "chainIndex": int?}                                   seeded only with symmetric; chainIndex only unseeded
 *   {"op": "save", "name", "compr"}                         save any stored (non-seeded) object
 *   {"op": "load", "type": "parms" | "plaintext" | "ciphertext" | "secretKey" | "publicKey" | "relinKeys" |
 *    "galoisKeys", "data": base64, "as", "compr"?}         SEAL's loadArray (validates like SEAL); re-saves if
 *                                                           "compr" is given
 *   {"op": "decrypt", "name", "secretKey": "sk", "count": int?}   -> "values": first count decoded slots
 *   {"op": "decode", "name", "count": int?}                 plaintext -> "values"
 *   {"op": "info", "name"}                                  -> parmsId, chainIndex, size, scale, isNttForm
 *   {"op": "eval", "fn", "args": [names], "as", "relinKeys": name?, "galoisKeys": name?, "steps": int?}
 *      fn: add sub negate add_plain sub_plain multiply square multiply_plain relinearize rescale_to_next
 *          mod_switch_to_next rotate_vector complex_conjugate; mod_switch_to_next_plain (args: [plaintext]) gives
 *          a plaintext. The result is stored and saved uncompressed.
 */

const fs = require('fs');

class JobError extends Error {}

function fail(message, code) {
  process.stderr.write('seal-oracle: ' + message + '\n');
  process.stdout.write(JSON.stringify({ ok: false, error: message }) + '\n');
  process.exit(code);
}

function readJob() {
  const args = process.argv.slice(2);
  const text = args.length > 0 ? fs.readFileSync(args[0], 'utf8') : fs.readFileSync(0, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JobError('job is not valid JSON: ' + e.message);
  }
}

function hex64(x) {
  return BigInt.asUintN(64, BigInt(x)).toString(16).padStart(16, '0');
}

function parmsIdHex(parmsId) {
  return Array.from(parmsId.values).map(hex64);
}

function errorMessage(seal, e) {
  if (typeof e === 'number' && seal) {
    try {
      return seal.Exception.safe(e).message;
    } catch (ignored) {
      return 'SEAL exception ' + e;
    }
  }
  return e && e.message ? e.message : String(e);
}

async function main() {
  let job;
  try {
    job = readJob();
  } catch (e) {
    fail(e.message, 2);
  }
  let SEAL;
  try {
    SEAL = require('node-seal');
  } catch (e) {
    fail('node-seal is not installed; run scripts/setup.sh (npm ci in interop/): ' + e.message, 1);
  }
  const seal = await SEAL();
  try {
    const out = run(seal, job);
    process.stdout.write(JSON.stringify(out) + '\n');
  } catch (e) {
    fail(errorMessage(seal, e), e instanceof JobError ? 2 : 1);
  }
}

function need(cond, message) {
  if (!cond) {
    throw new JobError(message);
  }
}

function comprList(seal, c) {
  const names = c === undefined ? ['none'] : Array.isArray(c) ? c : [c];
  return names.map((name) => {
    const mode = { none: seal.ComprModeType.none, zlib: seal.ComprModeType.zlib, zstd: seal.ComprModeType.zstd }[name];
    need(mode !== undefined, 'unknown compression mode "' + name + '" (none, zlib, zstd)');
    return [name, mode];
  });
}

function saveAll(seal, obj, compr) {
  const data = {};
  for (const [name, mode] of comprList(seal, compr)) {
    data[name] = Buffer.from(obj.saveArray(mode)).toString('base64');
  }
  return data;
}

function makeContext(seal, job) {
  const p = job.params;
  need(p && Number.isInteger(p.n), 'job.params.n (ring degree) is required');
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(p.n);
  let modulus;
  if (p.bitSizes) {
    modulus = seal.CoeffModulus.Create(p.n, Int32Array.from(p.bitSizes));
  } else if (p.bfvDefault) {
    modulus = seal.CoeffModulus.BFVDefault(p.n, seal.SecurityLevel.tc128);
  } else if (p.parms) {
    // SEAL-serialized EncryptionParameters (e.g. written by the Java side): SEAL's own loader checks them.
    parms.loadArray(Uint8Array.from(Buffer.from(p.parms, 'base64')));
    need(parms.polyModulusDegree === p.n, 'loaded parameters have N = ' + parms.polyModulusDegree + ', job says ' + p.n);
  } else {
    throw new JobError('job.params needs bitSizes, parms or bfvDefault');
  }
  if (modulus) {
    parms.setCoeffModulus(modulus);
  }
  const security = job.security === undefined ? 'tc128' : job.security;
  const sec = { tc128: seal.SecurityLevel.tc128, none: seal.SecurityLevel.none }[security];
  need(sec !== undefined, 'unknown security "' + security + '"');
  const expand = job.expandModChain === undefined ? true : Boolean(job.expandModChain);
  const context = seal.Context(parms, expand, sec);
  const info = {
    n: p.n,
    coeffModulus: Array.from(parms.coeffModulus).map((x) => x.toString(16)),
    parmsId: parmsIdHex(parms.parmsId),
    maxBitCount: p.n <= 32768 ? seal.CoeffModulus.MaxBitCount(p.n, seal.SecurityLevel.tc128) : 0,
    parametersSet: context.parametersSet(),
    levels: [],
  };
  if (!context.parametersSet()) {
    info.error = context.toHuman();
    return { seal, context: null, parms, info };
  }
  info.keyParmsId = parmsIdHex(context.keyParmsId);
  info.firstParmsId = parmsIdHex(context.firstParmsId);
  // nextContextData of the last level is a wrapper around a null pointer, not null: stop at chain index 0.
  let cd = context.keyContextData;
  for (;;) {
    info.levels.push({
      chainIndex: cd.chainIndex,
      parmsId: parmsIdHex(cd.parmsId),
      coeffModulus: Array.from(cd.parms.coeffModulus).map((x) => x.toString(16)),
    });
    if (cd.chainIndex === 0 || (!expand && info.levels.length === 2)) {
      break;
    }
    cd = cd.nextContextData;
  }
  return { seal, context, parms, info };
}

function contextDataAt(env, chainIndex) {
  need(Number.isInteger(chainIndex) && chainIndex >= 0, 'chainIndex must be a non-negative integer');
  let cd = env.context.firstContextData;
  need(chainIndex <= cd.chainIndex, 'no data level with chain index ' + chainIndex);
  while (cd.chainIndex > chainIndex) {
    cd = cd.nextContextData;
  }
  return cd;
}

function run(seal, job) {
  const env = makeContext(seal, job);
  const results = [];
  if (!env.context) {
    need(!job.ops || job.ops.length === 0, 'parameters are not valid for SEAL: ' + env.info.error);
    return { ok: true, context: env.info, results };
  }
  const context = env.context;
  const store = new Map();
  const keygens = new Map();
  // Built on first use: at N = 32768 each costs seconds, and parameter-only jobs need neither.
  let encoderInstance = null;
  let evaluatorInstance = null;
  const lazy = {
    get encoder() {
      return encoderInstance || (encoderInstance = seal.CKKSEncoder(context));
    },
    get evaluator() {
      return evaluatorInstance || (evaluatorInstance = seal.Evaluator(context));
    },
  };
  const get = (name, kind) => {
    need(store.has(name), 'no object named "' + name + '"');
    const o = store.get(name);
    need(!kind || o.kind === kind, '"' + name + '" is a ' + o.kind + ', not a ' + kind);
    return o.obj;
  };
  const put = (name, kind, obj) => {
    need(typeof name === 'string' && name.length > 0, 'op needs "as": a name for its result');
    store.set(name, { kind, obj });
  };
  const keygenFor = (skName) => {
    need(keygens.has(skName), 'no key generator for secret key "' + skName + '" (run keygen first)');
    return keygens.get(skName);
  };
  const encodeAt = (values, scale, chainIndex) => {
    need(Array.isArray(values), 'values must be an array of numbers');
    need(typeof scale === 'number' && scale > 0, 'scale must be a positive number');
    const plain = lazy.encoder.encode(Float64Array.from(values), scale);
    if (chainIndex !== undefined) {
      lazy.evaluator.plainModSwitchTo(plain, contextDataAt(env, chainIndex).parmsId, plain);
    }
    return plain;
  };

  for (const [index, op] of (job.ops || []).entries()) {
    const r = { op: op.op };
    try {
      switch (op.op) {
        case 'parms': {
          r.data = saveAll(seal, env.parms, op.compr);
          break;
        }
        case 'keygen': {
          let kg;
          if (op.secretKey) {
            kg = seal.KeyGenerator(context, get(op.secretKey, 'secretKey'));
          } else {
            kg = seal.KeyGenerator(context);
          }
          const sk = kg.secretKey();
          put(op.as, 'secretKey', sk);
          keygens.set(op.as, kg);
          r.data = saveAll(seal, sk, op.compr);
          break;
        }
        case 'publicKey':
        case 'relinKeys':
        case 'galoisKeys': {
          const kg = keygenFor(op.secretKey || 'sk');
          const steps = op.steps ? Int32Array.from(op.steps) : undefined;
          if (op.seeded) {
            const s =
              op.op === 'publicKey'
                ? kg.createPublicKeySerializable()
                : op.op === 'relinKeys'
                ? kg.createRelinKeysSerializable()
                : kg.createGaloisKeysSerializable(steps);
            r.data = saveAll(seal, s, op.compr);
            // Keep a usable (expanded) copy: load what SEAL saved.
            const loaded =
              op.op === 'publicKey' ? seal.PublicKey() : op.op === 'relinKeys' ? seal.RelinKeys() : seal.GaloisKeys();
            loaded.loadArray(context, s.saveArray(seal.ComprModeType.none));
            put(op.as, op.op, loaded);
          } else {
            const k =
              op.op === 'publicKey'
                ? kg.createPublicKey()
                : op.op === 'relinKeys'
                ? kg.createRelinKeys()
                : kg.createGaloisKeys(steps);
            put(op.as, op.op, k);
            r.data = saveAll(seal, k, op.compr);
          }
          break;
        }
        case 'encode': {
          const plain = encodeAt(op.values, op.scale, op.chainIndex);
          put(op.as, 'plaintext', plain);
          r.data = saveAll(seal, plain, op.compr);
          break;
        }
        case 'encrypt': {
          const mode = op.mode || 'public';
          need(mode === 'public' || mode === 'symmetric', 'encrypt mode must be public or symmetric');
          need(!(op.seeded && mode === 'public'), 'SEAL seeds only symmetric encryptions');
          need(!(op.seeded && op.chainIndex !== undefined), 'a seeded encryption cannot be mod-switched');
          const skName = op.secretKey || 'sk';
          const sk = get(skName, 'secretKey');
          const pk = mode === 'public' ? get(op.publicKey || 'pk', 'publicKey') : null;
          const encryptor = pk ? seal.Encryptor(context, pk, sk) : seal.Encryptor(context, keygenFor(skName).createPublicKey(), sk);
          const plain = encodeAt(op.values, op.scale, op.seeded ? undefined : op.chainIndex);
          if (op.seeded) {
            const s = encryptor.encryptSymmetricSerializable(plain);
            r.data = saveAll(seal, s, op.compr);
            const loaded = seal.CipherText();
            loaded.loadArray(context, s.saveArray(seal.ComprModeType.none));
            put(op.as, 'ciphertext', loaded);
          } else {
            const ct = mode === 'public' ? encryptor.encrypt(plain) : encryptor.encryptSymmetric(plain);
            put(op.as, 'ciphertext', ct);
            r.data = saveAll(seal, ct, op.compr);
          }
          break;
        }
        case 'save': {
          need(store.has(op.name), 'no object named "' + op.name + '"');
          r.data = saveAll(seal, store.get(op.name).obj, op.compr);
          break;
        }
        case 'load': {
          need(typeof op.data === 'string', 'load needs "data" (base64)');
          const bytes = Uint8Array.from(Buffer.from(op.data, 'base64'));
          const makers = {
            parms: () => seal.EncryptionParameters(seal.SchemeType.ckks),
            plaintext: () => seal.PlainText(),
            ciphertext: () => seal.CipherText(),
            secretKey: () => seal.SecretKey(),
            publicKey: () => seal.PublicKey(),
            relinKeys: () => seal.RelinKeys(),
            galoisKeys: () => seal.GaloisKeys(),
          };
          need(makers[op.type], 'unknown load type "' + op.type + '"');
          const obj = makers[op.type]();
          if (op.type === 'parms') {
            obj.loadArray(bytes);
            r.parmsId = parmsIdHex(obj.parmsId);
          } else {
            obj.loadArray(context, bytes);
          }
          if (op.as) {
            put(op.as, op.type, obj);
          }
          if (op.compr) {
            r.data = saveAll(seal, obj, op.compr);
          }
          break;
        }
        case 'decrypt': {
          const ct = get(op.name, 'ciphertext');
          const decryptor = seal.Decryptor(context, get(op.secretKey || 'sk', 'secretKey'));
          const plain = decryptor.decrypt(ct);
          const values = Array.from(lazy.encoder.decode(plain));
          r.values = op.count === undefined ? values : values.slice(0, op.count);
          break;
        }
        case 'decode': {
          const values = Array.from(lazy.encoder.decode(get(op.name, 'plaintext')));
          r.values = op.count === undefined ? values : values.slice(0, op.count);
          break;
        }
        case 'info': {
          const o = get(op.name);
          r.parmsId = parmsIdHex(o.parmsId);
          r.chainIndex = context.getContextData(o.parmsId).chainIndex;
          r.scale = o.scale;
          if (o.size !== undefined) {
            r.size = o.size;
            r.isNttForm = o.isNttForm;
          }
          break;
        }
        case 'eval': {
          const args = op.args || [];
          const ct = (i) => get(args[i], 'ciphertext');
          const pt = (i) => get(args[i], 'plaintext');
          const rk = () => get(op.relinKeys || 'rk', 'relinKeys');
          const gk = () => get(op.galoisKeys || 'gk', 'galoisKeys');
          const fns = {
            add: () => lazy.evaluator.add(ct(0), ct(1)),
            sub: () => lazy.evaluator.sub(ct(0), ct(1)),
            negate: () => lazy.evaluator.negate(ct(0)),
            add_plain: () => lazy.evaluator.addPlain(ct(0), pt(1)),
            sub_plain: () => lazy.evaluator.subPlain(ct(0), pt(1)),
            multiply: () => lazy.evaluator.multiply(ct(0), ct(1)),
            square: () => lazy.evaluator.square(ct(0)),
            multiply_plain: () => lazy.evaluator.multiplyPlain(ct(0), pt(1)),
            relinearize: () => lazy.evaluator.relinearize(ct(0), rk()),
            rescale_to_next: () => lazy.evaluator.rescaleToNext(ct(0)),
            mod_switch_to_next: () => lazy.evaluator.cipherModSwitchToNext(ct(0)),
            rotate_vector: () => {
              need(Number.isInteger(op.steps), 'rotate_vector needs integer "steps"');
              return lazy.evaluator.rotateVector(ct(0), op.steps, gk());
            },
            complex_conjugate: () => lazy.evaluator.complexConjugate(ct(0), gk()),
            mod_switch_to_next_plain: () => lazy.evaluator.plainModSwitchToNext(pt(0)),
          };
          need(fns[op.fn], 'unknown evaluator function "' + op.fn + '"');
          const result = fns[op.fn]();
          put(op.as, op.fn === 'mod_switch_to_next_plain' ? 'plaintext' : 'ciphertext', result);
          r.data = saveAll(seal, result, 'none');
          break;
        }
        default:
          throw new JobError('unknown op "' + op.op + '"');
      }
    } catch (e) {
      const msg = 'op ' + index + ' (' + op.op + (op.fn ? ' ' + op.fn : '') + ') failed: ' + errorMessage(seal, e);
      if (e instanceof JobError) {
        throw new JobError(msg);
      }
      throw new Error(msg);
    }
    results.push(r);
  }
  return { ok: true, context: env.info, results };
}

main().catch((e) => fail(e && e.message ? e.message : String(e), 1));
