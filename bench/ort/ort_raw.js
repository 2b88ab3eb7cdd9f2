// make bench (bench/bench_models.sh): ONNX Runtime on raw float32 samples,
// one intra-op thread, sequential execution, all graph optimisations.
// Latency at batch 1 is the best of 5 timed passes over every sample after an
// untimed first pass, like bench/bench_main.c. With REF.f32 (ticketc's
// outputs for the same samples) it also prints the largest absolute
// difference between the two.
//   node ort_raw.js MODEL.onnx SAMPLES.f32 [REF.f32]
//   -> "N samples; X us per inference[; max |ort - ref| D]"
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, samplesPath, refPath] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  // the input's shape from the model (every dimension fixed in the bench models)
  const meta = session.inputMetadata ? session.inputMetadata[0] : null;
  let shape = meta && meta.shape ? meta.shape.map(Number) : null;
  if (!shape) {
    const onnxDims = process.env.ORT_SHAPE;
    if (!onnxDims) throw new Error('cannot read the input shape; set ORT_SHAPE=1,3,32,32');
    shape = onnxDims.split(',').map(Number);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const buf = fs.readFileSync(samplesPath);
  const all = new Float32Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 4));
  const n = Math.floor(all.length / size);
  if (n < 1) throw new Error(`${samplesPath} holds no whole sample of ${size} floats`);
  const tensors = [];
  for (let i = 0; i < n; i++) tensors.push(new ort.Tensor('float32', all.slice(i * size, (i + 1) * size), shape));
  const outs = [];
  for (let i = 0; i < n; i++) outs.push((await session.run({ [input]: tensors[i] }))[output].data);
  let best = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await session.run({ [input]: tensors[i] });
    const t = Number(process.hrtime.bigint() - t0) / 1e9 / n;
    if (t < best) best = t;
  }
  let line = `${n} samples; ${(best * 1e6).toFixed(3)} us per inference`;
  if (refPath) {
    const rb = fs.readFileSync(refPath);
    const ref = new Float32Array(rb.buffer, rb.byteOffset, Math.floor(rb.length / 4));
    const m = outs[0].length;
    if (ref.length !== n * m) throw new Error(`${refPath} holds ${ref.length} floats, expected ${n * m}`);
    let d = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) d = Math.max(d, Math.abs(outs[i][k] - ref[i * m + k]));
    line += `; max |ort - ref| ${d.toExponential(2)}`;
  }
  console.log(line);
}

main().catch((e) => { console.error(`ort_raw: ${e.message}`); process.exit(1); });
