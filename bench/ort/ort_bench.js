// make bench: ONNX Runtime on the same model and the same images as ticketc's
// builds (examples/lenet-ticket/demo_main.c): accuracy over every image, and
// latency at batch 1 as the best of 5 passes over the first 2,000 images,
// inputs prepared before timing, one intra-op thread, sequential execution.
// Prints "correct N of M; X us per inference" like demo_main.
//   node ort_bench.js MODEL.onnx IMAGES.idx LABELS.idx
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, imagesPath, labelsPath] = process.argv.slice(2);
  const img = fs.readFileSync(imagesPath);
  const lab = fs.readFileSync(labelsPath);
  const n = img.readUInt32BE(4);
  if (img.readUInt32BE(0) !== 0x803 || lab.readUInt32BE(0) !== 0x801 || lab.readUInt32BE(4) !== n) {
    throw new Error(`${imagesPath} / ${labelsPath} are not matching IDX image and label files`);
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  const tensors = [];
  for (let i = 0; i < n; i++) {
    const x = new Float32Array(784);
    for (let j = 0; j < 784; j++) x[j] = img[16 + i * 784 + j] / 255; // as the training script
    tensors.push(new ort.Tensor('float32', x, [1, 1, 28, 28]));
  }
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const y = (await session.run({ [input]: tensors[i] }))[output].data;
    let best = 0;
    for (let k = 1; k < y.length; k++) if (y[k] > y[best]) best = k;
    if (best === lab[8 + i]) correct++;
  }
  const m = Math.min(n, 2000);
  let bestPass = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < m; i++) await session.run({ [input]: tensors[i] });
    const t = Number(process.hrtime.bigint() - t0) / 1e9 / m;
    if (t < bestPass) bestPass = t;
  }
  console.log(`correct ${correct} of ${n}; ${(bestPass * 1e6).toFixed(3)} us per inference`);
}

main().catch((e) => { console.error(`ort_bench: ${e.message}`); process.exit(1); });
