# Sourced by bench/bench_models.sh and bench/big.sh: ONNX Runtime through npm's
# onnxruntime-node (its CPU library ships in the package) in build/bench/ort;
# sets ort_ok to 1 if it is there, 0 if ORT=0 or npm could not install it.
ort_ok=0
if [ "${ORT:-1}" = 1 ] && command -v node > /dev/null && command -v npm > /dev/null; then
    mkdir -p build/bench/ort
    cp bench/ort/package.json build/bench/ort/package.json
    if [ -d build/bench/ort/node_modules/onnxruntime-node ] ||
        (cd build/bench/ort && npm install --ignore-scripts --no-audit --no-fund > npm.log 2>&1); then
        ort_ok=1
    else
        echo "bench: npm could not install onnxruntime-node (see build/bench/ort/npm.log); no ONNX Runtime rows"
    fi
fi
