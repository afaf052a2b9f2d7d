#!/usr/bin/env node
'use strict';
/*
 * classify-client.js — a Cipherformer client written without any Java: node-seal 6.0.3 (Microsoft SEAL 4.1 in
 * WebAssembly) makes the keys, encrypts and decrypts; @grpc/grpc-js speaks the cipherformer.v1 API
 * (proto/src/main/proto/cipherformer/v1). It classifies one shipped Fashion-MNIST image through a Cipherformer
 * server: the server only ever sees CKKS ciphertexts and the client's public evaluation keys.
 *
 * Usage:
 *   node interop/classify-client.js --server HOST:PORT [--index I] [--model vit-fmnist]
 *        [--api-key KEY] [--ca-cert FILE [--client-cert FILE --client-key FILE]] [--images FILE --labels FILE]
 *        [--chunk-bytes N]
 *        [--deadline-seconds S] [--quiet]
 *   --server        the server's address (plaintext HTTP/2 unless --ca-cert is given)
 *   --index         which image of the sample file (default 0)
 *   --api-key       sent as `authorization: Bearer KEY` (default: the CIPHERFORMER_API_KEY environment variable, so
 *                   the key need not appear in the process list; none if neither is set)
 *   --ca-cert       PEM file of the CA that signed the server's certificate: connect with TLS
 *   --client-cert/--client-key  PEM certificate chain and (unencrypted PKCS#8) key of this client, for servers that
 *                   require mutual TLS
 *   --images/--labels  IDX files, plain or gzip (default: the repository's data/fashion-mnist/t10k-64-* samples,
 *                   the same ones the Java ShippedInputs reads); /usr/share/datasets/fashion-mnist has the full set
 *   --chunk-bytes   largest key-upload data chunk (default: min(1 MiB, the session's max_chunk_bytes))
 *   --deadline-seconds  deadline of the whole classification (default 3600)
 *   --quiet         no progress lines on stderr
 *
 * Output: one JSON line on stdout,
 *   {"ok": true, "model", "index", "label", "labelName", "class", "className", "logits": [...], "timings": {...},
 *    "bytes": {...}, "refreshRounds", "refreshedCiphertexts"}
 * where label is the image's true label and class the decrypted argmax. On failure: {"ok": false, "error": "..."}
 * on stdout, the message on stderr, exit status 1 (2 for bad command-line arguments).
 *
 * The flow (docs/api.md, the .proto comments):
 *   1. DescribeModel: SEAL EncryptionParameters bytes, the plan's Galois steps, input scale and level, layouts.
 *   2. Keys: secret key; relinearization key and one Galois key per plan step, both seeded (SEAL's compact form: the
 *      uniform polynomial travels as its PRNG seed) and zstd-compressed (node-seal's default). A public key is made
 *      only because node-seal's Encryptor constructor requires one; it never leaves the process.
 *   3. CreateSession, then UploadKeys: header (both byte lengths), data chunks (relin bytes, then Galois bytes),
 *      trailer with the SHA-256 of all data bytes.
 *   4. Pack the image per InputLayout, encode at input_scale on the top data level (CKKSEncoder encodes at the
 *      context's first parms_id, which is that level), encrypt symmetrically, seeded.
 *   5. RunCkks (one bidirectional stream): answer every RefreshRequest with FRESH top-level encryptions of the
 *      decrypted slot values (decrypt -> decode real parts -> encode at input_scale -> encrypt). Decrypted values
 *      never leave this process: the server's ciphertexts are masked, and the reply is a new encryption.
 *   6. Decrypt the result, read the logits of input 0 at slots (0, 0, c), print the class.
 *
 * Memory: SEAL's WebAssembly heap holds the Galois keys twice while they are made (node-seal's Serializable wraps a
 * copy) plus the compressed output: at N = 16384 with about 30 steps the process peaks near 2.5 GB resident.
 * Objects are serialized one at a time and every SEAL object is deleted as soon as it is no longer needed.
 */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const REPO_ROOT = path.resolve(__dirname, '..');
const PROTO_ROOT = path.join(REPO_ROOT, 'proto', 'src', 'main', 'proto');
const PROTO_FILES = ['models.proto', 'sessions.proto', 'inference.proto'].map((f) => 'cipherformer/v1/' + f);
const DEFAULT_IMAGES = path.join(REPO_ROOT, 'data', 'fashion-mnist', 't10k-64-images-idx3-ubyte');
const DEFAULT_LABELS = path.join(REPO_ROOT, 'data', 'fashion-mnist', 't10k-64-labels-idx1-ubyte');
const DEFAULT_CHUNK_BYTES = 1 << 20;
// Refresh requests carry several ciphertexts of ~1.3 MB each (N = 16384, zstd): grpc-js would refuse anything over
// its 4 MiB default.
const MAX_RECEIVE_BYTES = 1 << 30;

class UsageError extends Error {}

const USAGE =
  'usage: node interop/classify-client.js --server HOST:PORT [--index I] [--model NAME] [--api-key KEY] ' +
  '[--ca-cert FILE [--client-cert FILE --client-key FILE]] [--images FILE --labels FILE] [--chunk-bytes N] ' +
  '[--deadline-seconds S] [--quiet]';

function parseArgs(argv) {
  const opts = {
    server: null,
    model: 'vit-fmnist',
    index: 0,
    apiKey: process.env.CIPHERFORMER_API_KEY || null,
    caCert: null,
    clientCert: null,
    clientKey: null,
    images: null,
    labels: null,
    chunkBytes: null,
    deadlineSeconds: 3600,
    quiet: false,
  };
  const value = (i) => {
    if (i >= argv.length) {
      throw new UsageError('option ' + argv[i - 1] + ' needs a value\n' + USAGE);
    }
    return argv[i];
  };
  const integer = (name, text, min) => {
    if (!/^[0-9]+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
      throw new UsageError(name + ' must be an integer >= ' + min + ', got "' + text + '"');
    }
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--server': opts.server = value(++i); break;
      case '--model': opts.model = value(++i); break;
      case '--index': opts.index = integer('--index', value(++i), 0); break;
      case '--api-key': opts.apiKey = value(++i); break;
      case '--ca-cert': opts.caCert = value(++i); break;
      case '--client-cert': opts.clientCert = value(++i); break;
      case '--client-key': opts.clientKey = value(++i); break;
      case '--images': opts.images = value(++i); break;
      case '--labels': opts.labels = value(++i); break;
      case '--chunk-bytes': opts.chunkBytes = integer('--chunk-bytes', value(++i), 1); break;
      case '--deadline-seconds': opts.deadlineSeconds = integer('--deadline-seconds', value(++i), 1); break;
      case '--quiet': opts.quiet = true; break;
      case '--help': case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new UsageError('unknown option "' + argv[i] + '"\n' + USAGE);
    }
  }
  if (!opts.server) {
    throw new UsageError('--server HOST:PORT is required\n' + USAGE);
  }
  if ((opts.clientCert === null) !== (opts.clientKey === null)) {
    throw new UsageError('--client-cert and --client-key go together');
  }
  if (opts.clientCert !== null && opts.caCert === null) {
    throw new UsageError('--client-cert needs --ca-cert (mutual TLS is TLS)');
  }
  if ((opts.images === null) !== (opts.labels === null)) {
    throw new UsageError('--images and --labels go together');
  }
  opts.images = opts.images || DEFAULT_IMAGES;
  opts.labels = opts.labels || DEFAULT_LABELS;
  return opts;
}

/**
 * Reads an IDX file (plain or gzip): big-endian magic 0x0000 TT DD (TT = 0x08 unsigned bytes, DD = dimension
 * count), DD big-endian uint32 sizes, then the data.
 */
function readIdx(file) {
  let bytes = fs.readFileSync(file);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = zlib.gunzipSync(bytes);
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new Error(file + ': not an IDX file of unsigned bytes');
  }
  const dimCount = bytes[3];
  if (dimCount < 1 || bytes.length < 4 + 4 * dimCount) {
    throw new Error(file + ': IDX header with ' + dimCount + ' dimensions is truncated');
  }
  const dims = [];
  let count = 1;
  for (let d = 0; d < dimCount; d++) {
    dims.push(bytes.readUInt32BE(4 + 4 * d));
    count *= dims[d];
  }
  const offset = 4 + 4 * dimCount;
  if (bytes.length !== offset + count) {
    throw new Error(file + ': ' + (bytes.length - offset) + ' data bytes for dimensions [' + dims + ']');
  }
  return { dims, data: bytes.subarray(offset) };
}

/** The image at index and its label, as pixel values 0..255. */
function loadSample(opts, height, width, channels) {
  const im = readIdx(opts.images);
  const lb = readIdx(opts.labels);
  const pixels = height * width * channels;
  const perImage = im.dims.slice(1).reduce((a, b) => a * b, 1);
  if (perImage !== pixels) {
    throw new Error(opts.images + ': images of ' + perImage + ' values, the model takes ' + height + 'x' + width +
      'x' + channels);
  }
  if (im.dims[0] !== lb.dims[0]) {
    throw new Error(opts.labels + ': ' + lb.dims[0] + ' labels for ' + im.dims[0] + ' images');
  }
  if (opts.index >= im.dims[0]) {
    throw new UsageError('--index ' + opts.index + ' is outside the ' + im.dims[0] + ' images of ' + opts.images);
  }
  return {
    pixels: im.data.subarray(opts.index * pixels, (opts.index + 1) * pixels),
    label: lb.data[opts.index],
  };
}

/**
 * Packs one image as input 0 (models.proto, InputLayout / ImageInput): slot(b, t, f) = b * tokens * d_model +
 * t * d_model + f; patch t (row-major over the patch grid) goes to token row t + 1 (row 0 is the class token, left
 * 0); pixel (r, c) of channel ch of the patch goes to feature (r * patch + c) * channels + ch, with value
 * ((pixel / 255) - pixel_mean) / pixel_std. Unused slots stay 0.
 */
function packImage(layout, pixels) {
  const im = layout.image;
  const p = im.patch;
  if (p < 1 || im.height % p !== 0 || im.width % p !== 0) {
    throw new Error('InputLayout: patch ' + p + ' does not tile a ' + im.height + 'x' + im.width + ' image');
  }
  const perRow = im.width / p;
  const patches = (im.height / p) * perRow;
  if (patches + 1 > layout.tokens || p * p * im.channels > layout.d_model ||
      layout.tokens * layout.d_model > layout.slot_count) {
    throw new Error('InputLayout: ' + patches + ' patches of ' + p * p * im.channels + ' values do not fit ' +
      layout.tokens + ' tokens x d_model ' + layout.d_model + ' in ' + layout.slot_count + ' slots');
  }
  const slots = new Float64Array(layout.slot_count);
  for (let t = 0; t < patches; t++) {
    const top = Math.floor(t / perRow) * p;
    const left = (t % perRow) * p;
    for (let r = 0; r < p; r++) {
      for (let c = 0; c < p; c++) {
        for (let ch = 0; ch < im.channels; ch++) {
          const px = pixels[((top + r) * im.width + left + c) * im.channels + ch];
          slots[(t + 1) * layout.d_model + (r * p + c) * im.channels + ch] = (px / 255 - im.pixel_mean) / im.pixel_std;
        }
      }
    }
  }
  return slots;
}

function loadApi() {
  const grpc = require('@grpc/grpc-js');
  const protoLoader = require('@grpc/proto-loader');
  const definition = protoLoader.loadSync(PROTO_FILES, {
    includeDirs: [PROTO_ROOT],
    keepCase: true, // field names exactly as in the .proto files
    longs: Number, // uint64 sizes and nanoseconds stay far below 2^53
    enums: String,
    defaults: true,
    oneofs: true, // a oneof's set member is named in the field of the oneof's name
  });
  const v1 = grpc.loadPackageDefinition(definition).cipherformer.v1;
  return { grpc, v1 };
}

function errorMessage(seal, e) {
  if (typeof e === 'number' && seal) {
    // node-seal throws WebAssembly exception pointers: turn them into SEAL's message.
    try {
      return seal.Exception.safe(e).message;
    } catch (ignored) {
      return 'SEAL exception ' + e;
    }
  }
  if (e && e.code !== undefined && e.details !== undefined) {
    return 'gRPC ' + (e.codeName || e.code) + ': ' + e.details;
  }
  return e && e.message ? e.message : String(e);
}

/** Promise of a unary call's response. */
function unary(client, method, request, metadata, deadline) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline }, (err, response) => (err ? reject(named(err, method)) : resolve(response)));
  });
}

function named(err, method) {
  if (err && err.code !== undefined) {
    const { status } = require('@grpc/grpc-js');
    err.codeName = Object.keys(status).find((k) => status[k] === err.code);
    err.details = method + ': ' + err.details;
  }
  return err;
}

/**
 * Client-streaming UploadKeys: header, data chunks of at most chunkBytes (relin bytes first, then Galois bytes),
 * trailer with the SHA-256 of all data bytes. Honours the stream's back-pressure.
 */
function uploadKeys(client, sessionId, relinBytes, galoisBytes, chunkBytes, metadata, deadline) {
  return new Promise((resolve, reject) => {
    const call = client.UploadKeys(metadata, { deadline }, (err, response) =>
      (err ? reject(named(err, 'UploadKeys')) : resolve(response)));
    const hash = crypto.createHash('sha256');
    const parts = [];
    for (const whole of [relinBytes, galoisBytes]) {
      for (let off = 0; off < whole.length; off += chunkBytes) {
        parts.push(whole.subarray(off, Math.min(off + chunkBytes, whole.length)));
      }
    }
    let next = 0;
    const pump = () => {
      while (next < parts.length) {
        const chunk = parts[next++];
        hash.update(chunk);
        if (!call.write({ data: chunk })) {
          call.once('drain', pump);
          return;
        }
      }
      call.write({ trailer: { sha256: hash.digest() } });
      call.end();
    };
    call.write({
      header: { session_id: sessionId, relin_key_bytes: relinBytes.length, galois_key_bytes: galoisBytes.length },
    });
    pump();
  });
}

class Client {
  constructor(seal, opts, log) {
    this.seal = seal;
    this.opts = opts;
    this.log = log;
    this.toFree = [];
  }

  /** Keeps a SEAL object for deletion at the end (WebAssembly memory is not garbage-collected). */
  keep(obj) {
    this.toFree.push(obj);
    return obj;
  }

  free() {
    for (const o of this.toFree.reverse()) {
      try {
        o.delete();
      } catch (ignored) {
        // already deleted
      }
    }
    this.toFree = [];
  }

  /** Loads the server's EncryptionParameters and checks them against the description. */
  context(plan) {
    const seal = this.seal;
    const parms = this.keep(seal.EncryptionParameters(seal.SchemeType.ckks));
    // SEAL's own loader validates the bytes (header, scheme, sizes).
    parms.loadArray(Uint8Array.from(plan.encryption_parameters));
    const context = this.keep(seal.Context(parms, true, seal.SecurityLevel.tc128));
    if (!context.parametersSet()) {
      throw new Error('the server\'s CKKS parameters are not valid for SEAL at 128-bit security: ' + context.toHuman());
    }
    const top = context.firstContextData;
    if (top.chainIndex !== plan.input_level) {
      throw new Error('the parameters\' top data level is ' + top.chainIndex + ', the plan says input_level ' +
        plan.input_level);
    }
    if (!(plan.input_scale > 0) || !Number.isFinite(plan.input_scale)) {
      throw new Error('the plan\'s input_scale ' + plan.input_scale + ' is not a positive number');
    }
    return context;
  }

  /** Makes the keys; returns the serialized relinearization and Galois keys (seeded, zstd). */
  makeKeys(context, plan) {
    const seal = this.seal;
    const zstd = seal.ComprModeType.zstd;
    const keygen = this.keep(seal.KeyGenerator(context));
    const secretKey = this.keep(keygen.secretKey());
    // node-seal's Encryptor constructor insists on a public key; encryption below is symmetric (secret key).
    const publicKey = this.keep(keygen.createPublicKey());
    let relin = Buffer.alloc(0);
    if (plan.needs_relin_keys) {
      const s = keygen.createRelinKeysSerializable();
      try {
        relin = Buffer.from(s.saveArray(zstd));
      } finally {
        s.delete();
      }
    }
    let galois = Buffer.alloc(0);
    // SEAL's create_galois_keys with NO steps makes its default set (all powers of two): never ask for that.
    if (plan.galois_steps.length > 0) {
      const s = keygen.createGaloisKeysSerializable(Int32Array.from(plan.galois_steps));
      try {
        galois = Buffer.from(s.saveArray(zstd));
      } finally {
        s.delete();
      }
    }
    return { secretKey, publicKey, relin, galois };
  }

  /** Encodes values at input_scale on the top level and encrypts them (symmetric, seeded, zstd). */
  encryptFresh(encoder, encryptor, values, scale) {
    const plain = encoder.encode(values, scale);
    try {
      const s = encryptor.encryptSymmetricSerializable(plain);
      try {
        return Buffer.from(s.saveArray(this.seal.ComprModeType.zstd));
      } finally {
        s.delete();
      }
    } finally {
      plain.delete();
    }
  }

  /** Decrypts a serialized ciphertext (any level) and decodes its real parts. */
  decryptBytes(context, decryptor, encoder, bytes, what) {
    const ct = this.seal.CipherText();
    try {
      try {
        // SEAL validates the untrusted bytes: header, parms_id known to the context, sizes, coefficients < q_i.
        ct.loadArray(context, Uint8Array.from(bytes));
      } catch (e) {
        throw new Error(what + ' does not load: ' + errorMessage(this.seal, e));
      }
      const plain = decryptor.decrypt(ct);
      try {
        return encoder.decode(plain);
      } finally {
        plain.delete();
      }
    } finally {
      ct.delete();
    }
  }

  async classify() {
    const { seal, opts, log } = this;
    const { grpc, v1 } = loadApi();
    const deadline = new Date(Date.now() + opts.deadlineSeconds * 1000);
    const creds = opts.caCert
      ? grpc.credentials.createSsl(fs.readFileSync(opts.caCert),
        opts.clientKey ? fs.readFileSync(opts.clientKey) : null,
        opts.clientCert ? fs.readFileSync(opts.clientCert) : null)
      : grpc.credentials.createInsecure();
    const channelOptions = { 'grpc.max_receive_message_length': MAX_RECEIVE_BYTES };
    const models = new v1.ModelService(opts.server, creds, channelOptions);
    const sessions = new v1.SessionService(opts.server, creds, channelOptions);
    const inference = new v1.InferenceService(opts.server, creds, channelOptions);
    const metadata = new grpc.Metadata();
    if (opts.apiKey) {
      metadata.set('authorization', 'Bearer ' + opts.apiKey);
    }
    const timings = {};
    const bytes = {};
    const timed = async (name, f) => {
      const t0 = process.hrtime.bigint();
      const r = await f();
      timings[name + 'Seconds'] = Number(process.hrtime.bigint() - t0) / 1e9;
      return r;
    };
    let sessionId = null;
    try {
      const desc = await unary(models, 'DescribeModel', { name: opts.model }, metadata, deadline);
      const plan = desc.ckks;
      if (!desc.summary.ckks_available || !plan) {
        throw new Error('model ' + opts.model + ' has no CKKS plan on this server');
      }
      if (desc.input.kind !== 'image' || desc.output.kind !== 'classes') {
        throw new Error('model ' + opts.model + ' is not an image classifier (input ' + desc.input.kind +
          ', output ' + desc.output.kind + ')');
      }
      const layout = desc.input;
      const labels = desc.output.classes.labels;
      log('model ' + opts.model + ': preset ' + plan.preset + ', ' + layout.slot_count + ' slots, ' +
        plan.galois_steps.length + ' Galois steps, ' + plan.refresh_rounds + ' refresh rounds, input level ' +
        plan.input_level + ', scale 2^' + Math.log2(plan.input_scale).toFixed(2));

      const context = this.context(plan);
      const encoder = this.keep(seal.CKKSEncoder(context));
      if (encoder.slotCount !== layout.slot_count) {
        throw new Error('the parameters give ' + encoder.slotCount + ' slots, InputLayout says ' + layout.slot_count);
      }
      if (layout.batch < 1) {
        throw new Error('InputLayout.batch is ' + layout.batch);
      }
      const sample = loadSample(opts, layout.image.height, layout.image.width, layout.image.channels);

      log('making keys: relinearization ' + (plan.needs_relin_keys ? 'yes' : 'no') + ', Galois steps [' +
        plan.galois_steps.join(', ') + '] ...');
      const keys = await timed('keyGeneration', () => this.makeKeys(context, plan));
      this.keep(keys.secretKey);
      this.keep(keys.publicKey);
      bytes.relinKeys = keys.relin.length;
      bytes.galoisKeys = keys.galois.length;
      log('keys: relinearization ' + mib(keys.relin.length) + ', Galois ' + mib(keys.galois.length) + ' (seeded, zstd)');
      const encryptor = this.keep(seal.Encryptor(context, keys.publicKey, keys.secretKey));
      const decryptor = this.keep(seal.Decryptor(context, keys.secretKey));

      const session = await unary(sessions, 'CreateSession', { model: opts.model }, metadata, deadline);
      sessionId = session.session_id;
      const total = keys.relin.length + keys.galois.length;
      if (session.max_key_bytes > 0 && total > session.max_key_bytes) {
        throw new Error('the keys take ' + total + ' bytes, the session accepts ' + session.max_key_bytes);
      }
      let chunk = opts.chunkBytes || DEFAULT_CHUNK_BYTES;
      if (session.max_chunk_bytes > 0) {
        chunk = Math.min(chunk, session.max_chunk_bytes);
      }
      log('session ' + sessionId.slice(0, 8) + '...: uploading ' + mib(total) + ' in chunks of ' + chunk + ' bytes');
      const uploaded = await timed('upload', () =>
        uploadKeys(sessions, sessionId, keys.relin, keys.galois, chunk, metadata, deadline));
      keys.relin = null;
      keys.galois = null;
      if (uploaded.bytes_received !== total) {
        throw new Error('the server stored ' + uploaded.bytes_received + ' key bytes of ' + total + ' sent');
      }

      const input = await timed('encrypt', () =>
        this.encryptFresh(encoder, encryptor, packImage(layout, sample.pixels), plan.input_scale));
      bytes.input = input.length;

      const run = await this.runCkks(inference, {
        session_id: sessionId, input_ciphertext: input, input_count: 1,
      }, metadata, deadline, { context, encoder, encryptor, decryptor, scale: plan.input_scale }, timings, bytes);
      const outputs = run.result.output_ciphertexts;
      if (outputs.length < 1) {
        throw new Error('the result has no output ciphertext');
      }
      const t0 = process.hrtime.bigint();
      const slots = this.decryptBytes(context, decryptor, encoder, outputs[0], 'output ciphertext 0');
      timings.decryptSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      bytes.output = outputs.reduce((a, o) => a + o.length, 0);
      // Input 0's logit of class c is slot (0, 0, c) = c.
      const logits = Array.from(slots.subarray(0, labels.length));
      const cls = argmax(logits);
      const st = run.result.timings || {};
      timings.serverComputeSeconds = (st.compute_nanos || 0) / 1e9;
      timings.serverRefreshWaitSeconds = (st.refresh_wait_nanos || 0) / 1e9;
      return {
        ok: true,
        model: opts.model,
        images: opts.images,
        index: opts.index,
        label: sample.label,
        labelName: labels[sample.label],
        class: cls,
        className: labels[cls],
        logits,
        refreshRounds: run.rounds,
        refreshedCiphertexts: run.refreshed,
        timings,
        bytes,
      };
    } finally {
      if (sessionId) {
        try {
          await unary(sessions, 'CloseSession', { session_id: sessionId }, metadata, new Date(Date.now() + 30000));
        } catch (e) {
          log('closing the session failed: ' + errorMessage(seal, e));
        }
      }
      models.close();
      sessions.close();
      inference.close();
    }
  }

  /**
   * The RunCkks stream: sends the start message, answers refresh rounds in order, returns the result. Refresh
   * replies are fresh encryptions of the decrypted values at the top level and input scale; the decrypted values
   * stay in this process.
   */
  runCkks(inference, start, metadata, deadline, he, timings, bytes) {
    const { log } = this;
    return new Promise((resolve, reject) => {
      const call = inference.RunCkks(metadata, { deadline });
      let result = null;
      let failed = false;
      let expectedRound = 0;
      let refreshed = 0;
      let refreshSeconds = 0;
      bytes.refreshIn = 0;
      bytes.refreshOut = 0;
      const fail = (e) => {
        if (!failed) {
          failed = true;
          call.cancel();
          reject(e);
        }
      };
      const t0 = process.hrtime.bigint();
      call.on('data', (msg) => {
        if (failed) {
          return;
        }
        try {
          switch (msg.message) {
            case 'progress': {
              const p = msg.progress;
              log('progress: ' + p.completed_sections + '/' + p.total_sections + ' ' + p.section + ' (refresh rounds ' +
                p.completed_refresh_rounds + ', server ' + (p.elapsed_nanos / 1e9).toFixed(1) + ' s)');
              break;
            }
            case 'refresh_request': {
              const rq = msg.refresh_request;
              if (rq.round !== expectedRound) {
                throw new Error('refresh request for round ' + rq.round + ', expected round ' + expectedRound);
              }
              const r0 = process.hrtime.bigint();
              const replies = rq.ciphertexts.map((c, i) => {
                bytes.refreshIn += c.length;
                const values = this.decryptBytes(he.context, he.decryptor, he.encoder, c,
                  'refresh round ' + rq.round + ' ciphertext ' + i);
                const fresh = this.encryptFresh(he.encoder, he.encryptor, values, he.scale);
                values.fill(0);
                bytes.refreshOut += fresh.length;
                return fresh;
              });
              refreshSeconds += Number(process.hrtime.bigint() - r0) / 1e9;
              refreshed += replies.length;
              log('refresh round ' + rq.round + ': ' + replies.length + ' ciphertexts re-encrypted');
              call.write({ refresh_reply: { round: rq.round, ciphertexts: replies } });
              expectedRound++;
              break;
            }
            case 'result':
              if (result !== null) {
                throw new Error('the server sent two results');
              }
              result = msg.result;
              call.end();
              break;
            default:
              throw new Error('unexpected server message ' + JSON.stringify(msg.message));
          }
        } catch (e) {
          fail(e);
        }
      });
      call.on('error', (e) => fail(named(e, 'RunCkks')));
      call.on('status', (s) => {
        if (failed) {
          return;
        }
        if (s.code !== 0) {
          fail(named({ code: s.code, details: s.details }, 'RunCkks'));
        } else if (result === null) {
          fail(new Error('RunCkks ended without a result'));
        } else {
          timings.inferenceSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
          timings.clientRefreshSeconds = refreshSeconds;
          resolve({ result, rounds: expectedRound, refreshed });
        }
      });
      call.write({ start });
    });
  }
}

function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) {
    if (v[i] > v[best]) {
      best = i;
    }
  }
  return best;
}

function mib(n) {
  return (n / (1 << 20)).toFixed(1) + ' MiB';
}

function fail(message, code) {
  process.stderr.write('classify-client: ' + message + '\n');
  process.stdout.write(JSON.stringify({ ok: false, error: message }) + '\n');
  process.exit(code);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    fail(e.message, 2);
  }
  let SEAL;
  try {
    SEAL = require('node-seal');
    require.resolve('@grpc/grpc-js');
    require.resolve('@grpc/proto-loader');
  } catch (e) {
    fail('node modules are missing; run scripts/setup.sh (npm ci in interop/): ' + e.message, 1);
  }
  const seal = await SEAL();
  const log = opts.quiet ? () => {} : (m) => process.stderr.write('classify-client: ' + m + '\n');
  const client = new Client(seal, opts, log);
  let out;
  try {
    out = await client.classify();
  } catch (e) {
    client.free();
    fail(errorMessage(seal, e), e instanceof UsageError ? 2 : 1);
  }
  client.free();
  process.stdout.write(JSON.stringify(out) + '\n');
  // grpc-js may keep timers alive for a moment after close(): leave now that the answer is out.
  process.exit(0);
}

if (require.main === module) {
  main().catch((e) => fail(e && e.message ? e.message : String(e), 1));
}

module.exports = { packImage, readIdx };
