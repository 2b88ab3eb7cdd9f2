/*
 * ops.h - the one table of operators ticketc knows.
 *
 * Each row: enum id, ONNX op_type, class. The class names the family of
 * functions that handles the op in every stage (shape_<class> in shape.c,
 * eval_<class> in interp.c, emit_<class> in emit.c), so adding an op of an
 * existing class is one line here plus its formula.
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
    OP(OP_SPACETODEPTH, "SpaceToDepth", depthspace)
