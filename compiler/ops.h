/*
 * ops.h - the one table of operators ticketc knows.
 *
 * Each row: enum id, ONNX op_type, class. The class names the family of
 * functions that handles the op in every stage (shape_<class> in shape.c,
 * eval_<class> in interp.c, emit_<class> in emit_linear.c, emit_conv.c,
 * emit_ops.c or emit_ops18.c, declared in emit.h from this table), so
 * adding an op of an existing class is one line here plus its formula.
 *
 *  id               ONNX name          class
 */
#define OPS(OP)                                          \
    OP(OP_GEMM,        "Gemm",          gemm)            \
    OP(OP_MATMUL,      "MatMul",        matmul)          \
    OP(OP_ADD,         "Add",           binary)          \
    OP(OP_SUB,         "Sub",           binary)          \
    OP(OP_MUL,         "Mul",           binary)          \
    OP(OP_DIV,         "Div",           binary)          \
    OP(OP_RELU,        "Relu",          unary)           \
    OP(OP_LEAKYRELU,   "LeakyRelu",     unary)           \
    OP(OP_SIGMOID,     "Sigmoid",       unary)           \
    OP(OP_TANH,        "Tanh",          unary)           \
    OP(OP_SOFTMAX,     "Softmax",       softmax)         \
    OP(OP_LOGSOFTMAX,  "LogSoftmax",    softmax)         \
    OP(OP_FLATTEN,     "Flatten",       view)            \
    OP(OP_RESHAPE,     "Reshape",       view)            \
    OP(OP_IDENTITY,    "Identity",      view)            \
    OP(OP_DROPOUT,     "Dropout",       view)            \
    OP(OP_SHAPE,       "Shape",         shapeof)         \
    OP(OP_GATHER,      "Gather",        gather)          \
    OP(OP_UNSQUEEZE,   "Unsqueeze",     view)            \
    OP(OP_SQUEEZE,     "Squeeze",       view)            \
    OP(OP_CONCAT,      "Concat",        concat)          \
    OP(OP_CAST,        "Cast",          cast)            \
    /* spatial ops (emitted by emit_conv.c) */           \
    OP(OP_CONV,        "Conv",          conv)            \
    OP(OP_CONVTRANSPOSE, "ConvTranspose", convtranspose) \
    OP(OP_MAXPOOL,     "MaxPool",       pool)            \
    OP(OP_AVERAGEPOOL, "AveragePool",   pool)            \
    OP(OP_GLOBALAVERAGEPOOL, "GlobalAveragePool", globalpool) \
    OP(OP_GLOBALMAXPOOL, "GlobalMaxPool", globalpool)    \
    OP(OP_BATCHNORM,   "BatchNormalization", batchnorm)  \
    OP(OP_INSTANCENORM, "InstanceNormalization", instancenorm) \
    OP(OP_LAYERNORM,   "LayerNormalization", layernorm)  \
    OP(OP_PAD,         "Pad",           pad)             \
    OP(OP_RESIZE,      "Resize",        resize)          \
    OP(OP_UPSAMPLE,    "Upsample",      resize)          \
    OP(OP_DEPTHTOSPACE, "DepthToSpace", depthspace)      \
    OP(OP_SPACETODEPTH, "SpaceToDepth", depthspace)      \
    /* element-wise math: one input, one output of the same shape */ \
    OP(OP_EXP,         "Exp",           elem)            \
    OP(OP_LOG,         "Log",           elem)            \
    OP(OP_SQRT,        "Sqrt",          elem)            \
    OP(OP_ABS,         "Abs",           elem)            \
    OP(OP_NEG,         "Neg",           elem)            \
    OP(OP_RECIPROCAL,  "Reciprocal",    elem)            \
    OP(OP_FLOOR,       "Floor",         elem)            \
    OP(OP_CEIL,        "Ceil",          elem)            \
    OP(OP_ROUND,       "Round",         elem)            \
    OP(OP_SIGN,        "Sign",          elem)            \
    OP(OP_ERF,         "Erf",           elem)            \
    OP(OP_SIN,         "Sin",           elem)            \
    OP(OP_COS,         "Cos",           elem)            \
    OP(OP_TAN,         "Tan",           elem)            \
    OP(OP_SINH,        "Sinh",          elem)            \
    OP(OP_COSH,        "Cosh",          elem)            \
    OP(OP_ASIN,        "Asin",          elem)            \
    OP(OP_ACOS,        "Acos",          elem)            \
    OP(OP_ATAN,        "Atan",          elem)            \
    OP(OP_ASINH,       "Asinh",         elem)            \
    OP(OP_ACOSH,       "Acosh",         elem)            \
    OP(OP_ATANH,       "Atanh",         elem)            \
    OP(OP_ELU,         "Elu",           elem)            \
    OP(OP_SELU,        "Selu",          elem)            \
    OP(OP_CELU,        "Celu",          elem)            \
    OP(OP_HARDSIGMOID, "HardSigmoid",   elem)            \
    OP(OP_HARDSWISH,   "HardSwish",     elem)            \
    OP(OP_SOFTPLUS,    "Softplus",      elem)            \
    OP(OP_SOFTSIGN,    "Softsign",      elem)            \
    OP(OP_THRESHRELU,  "ThresholdedRelu", elem)          \
    OP(OP_SHRINK,      "Shrink",        elem)            \
    OP(OP_GELU,        "Gelu",          elem)            \
    OP(OP_SWISH,       "Swish",         elem)            \
    /* element-wise over broadcast inputs */             \
    OP(OP_MAX,         "Max",           nary)            \
    OP(OP_MIN,         "Min",           nary)            \
    OP(OP_SUM,         "Sum",           nary)            \
    OP(OP_MEAN,        "Mean",          nary)            \
    OP(OP_POW,         "Pow",           nary)            \
    OP(OP_PRELU,       "PRelu",         nary)            \
    OP(OP_MOD,         "Mod",           nary)            \
    OP(OP_CLIP,        "Clip",          clip)            \
    /* reductions over axes */                           \
    OP(OP_REDUCESUM,   "ReduceSum",     reduce)          \
    OP(OP_REDUCEMEAN,  "ReduceMean",    reduce)          \
    OP(OP_REDUCEMAX,   "ReduceMax",     reduce)          \
    OP(OP_REDUCEMIN,   "ReduceMin",     reduce)          \
    OP(OP_REDUCEPROD,  "ReduceProd",    reduce)          \
    OP(OP_REDUCEL1,    "ReduceL1",      reduce)          \
    OP(OP_REDUCEL2,    "ReduceL2",      reduce)          \
    OP(OP_REDUCELOGSUM, "ReduceLogSum", reduce)          \
    OP(OP_REDUCELOGSUMEXP, "ReduceLogSumExp", reduce)    \
    OP(OP_REDUCESUMSQUARE, "ReduceSumSquare", reduce)    \
    OP(OP_HARDMAX,     "Hardmax",       hardmax)         \
    OP(OP_LRN,         "LRN",           lrn)             \
    OP(OP_MVN,         "MeanVarianceNormalization", mvn) \
    OP(OP_DET,         "Det",           det)             \
    /* data movement: an affine map from output to input positions */ \
    OP(OP_TRANSPOSE,   "Transpose",     copy)            \
    OP(OP_SLICE,       "Slice",         copy)            \
    OP(OP_EXPAND,      "Expand",        copy)            \
    OP(OP_TILE,        "Tile",          copy)            \
    OP(OP_SPLIT,       "Split",         split)           \
    OP(OP_SIZE,        "Size",          size)            \
    OP(OP_CONSTOFSHAPE, "ConstantOfShape", constofshape) \
    /* recurrent layers, several outputs */              \
    OP(OP_RNN,         "RNN",           rnn)             \
    OP(OP_GRU,         "GRU",           rnn)             \
    OP(OP_LSTM,        "LSTM",          rnn)             \
    /* comparisons, logic, selection and ranges: bool (stored as int64 0/1) \
     * and integer tensors, evaluated when their inputs are constants */ \
    OP(OP_EQUAL,       "Equal",         compare)         \
    OP(OP_LESS,        "Less",          compare)         \
    OP(OP_GREATER,     "Greater",       compare)         \
    OP(OP_LESSOREQUAL, "LessOrEqual",   compare)         \
    OP(OP_GREATEROREQUAL, "GreaterOrEqual", compare)     \
    OP(OP_NOT,         "Not",           logic)           \
    OP(OP_AND,         "And",           logic)           \
    OP(OP_OR,          "Or",            logic)           \
    OP(OP_XOR,         "Xor",           logic)           \
    OP(OP_WHERE,       "Where",         where)           \
    OP(OP_RANGE,       "Range",         range)           \
    OP(OP_CASTLIKE,    "CastLike",      castlike)        \
    /* float ops of opsets 18-23 (emitted by emit_ops18.c) */ \
    OP(OP_RMSNORM,     "RMSNormalization", rmsnorm)      \
    OP(OP_GROUPNORM,   "GroupNormalization", groupnorm)  \
    OP(OP_MISH,        "Mish",          mish)            \
    OP(OP_LPNORM,      "LpNormalization", lpnorm)        \
    OP(OP_LPPOOL,      "LpPool",        lppool)          \
    /* indexing and integer ops (shape_index.c, interp_index.c, emit_index.c) */ \
    OP(OP_GATHERND,    "GatherND",      gathernd)        \
    OP(OP_SCATTERND,   "ScatterND",     scatternd)       \
    OP(OP_ONEHOT,      "OneHot",        onehot)          \
    OP(OP_TOPK,        "TopK",          topk)            \
    OP(OP_EYELIKE,     "EyeLike",       eyelike)         \
    OP(OP_REVERSESEQ,  "ReverseSequence", reverseseq)    \
    OP(OP_BITSHIFT,    "BitShift",      bitshift)        \
    /* n-gram counting (shape_text.c, interp_text.c, emit_text.c) */ \
    OP(OP_TFIDF,       "TfIdfVectorizer", tfidf)         \
    /* Einsum (einsum.c: shape, reference and C) */      \
    OP(OP_EINSUM,      "Einsum",        einsum)          \
    /* CumSum (cumsum.c: shape, reference and C) */      \
    OP(OP_CUMSUM,      "CumSum",        cumsum)          \
    /* transformer ops of opset 23 (shape_attn.c, interp_attn.c, emit_attn.c) */ \
    OP(OP_ATTENTION,   "Attention",     attention)       \
    OP(OP_ROTARY,      "RotaryEmbedding", rotary)        \
    /* image and signal ops (shape_img.c, interp_img.c, emit_img.c) */ \
    OP(OP_GRIDSAMPLE,  "GridSample",    gridsample)      \
    OP(OP_DFT,         "DFT",           dft)             \
    OP(OP_MAXUNPOOL,   "MaxUnpool",     maxunpool)       \
    OP(OP_ROIALIGN,    "RoiAlign",      roialign)        \
    /* MaxPool with its Indices output (op_img gives it; after MaxPool, which op_lookup finds) */ \
    OP(OP_MAXPOOLIDX,  "MaxPool",       maxpoolidx)      \
    /* the spatial ops on 5-D inputs, which shape.c's infer_node_shape gives \
     * these ops (op_3d): shape_3d.c, interp_3d.c, emit_3d.c. Their names \
     * repeat the 2-D ones, which op_lookup finds first. */ \
    OP(OP_CONV3D,      "Conv",          conv3d)          \
    OP(OP_CONVTRANSPOSE3D, "ConvTranspose", convtranspose3d) \
    OP(OP_MAXPOOL3D,   "MaxPool",       pool3d)          \
    OP(OP_AVERAGEPOOL3D, "AveragePool", pool3d) \
    /* integer results and run-time indices (emit_types.c) */ \
    OP(OP_ARGMAX,      "ArgMax",        argmax)          \
    OP(OP_ARGMIN,      "ArgMin",        argmax)          \
    OP(OP_GATHERELEMENTS, "GatherElements", gatherelements) \
    OP(OP_TRILU,       "Trilu",         trilu)           \
    OP(OP_NLLLOSS,     "NegativeLogLikelihoodLoss", nllloss) \
    OP(OP_SCELOSS,     "SoftmaxCrossEntropyLoss", nllloss) \
    OP(OP_SCATTERELEMENTS, "ScatterElements", scatter)  \
    OP(OP_SCATTER,     "Scatter",       scatter)         \
    OP(OP_ISINF,       "IsInf",         isinf)           \
    OP(OP_ISNAN,       "IsNaN",         isinf)           \
    /* quantisation with run-time parameters: qops.c, emit_qops.c (qdq.c hands \
     * these over when the integer path cannot take the model) */ \
    OP(OP_RTQ_QUANTIZE, "QuantizeLinear", qops)          \
    OP(OP_RTQ_DEQUANTIZE, "DequantizeLinear", qops)      \
    OP(OP_RTQ_QLINEARCONV, "QLinearConv", qops)          \
    OP(OP_RTQ_QLINEARMATMUL, "QLinearMatMul", qops)      \
    OP(OP_RTQ_MATMULINTEGER, "MatMulInteger", qops)      \
    OP(OP_RTQ_CONVINTEGER, "ConvInteger", qops)          \
    OP(OP_DYNAMICQUANTIZE, "DynamicQuantizeLinear", qops)
