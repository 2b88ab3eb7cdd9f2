/*
 * emit_conv_wino.c - Winograd F(4x4, 3x3) for 3x3 Convs of stride 1, no
 * dilation, one group, no padding, on the host with constant weights
 * (plan_strategies sets n->wino where it measured faster than dense).
 *
 * Each 4x4 block of outputs (a tile) of output channel m is
 *     Y = A^T [ sum_c U[m][c] (.) V[c] ] A,  U = G g G^T,  V = B^T d B,
 * d the tile's 6x6 input window of channel c, (.) element by element: 36
 * multiplies per 16 outputs and channel pair instead of 144. U is computed
 * here in double and rounded to float, a const table [36][c][m] (m padded
 * with zeros to a multiple of the channel block). At run time, a row of
 * tiles at a time (its 6 input rows copied channels-last, xt[row][col][c],
 * the 2 it shares with the row before kept):
 *   1. V = B^T d B, TC_DVW channels a vector, into vt[36][tile][c];
 *   2. the 36 products M[k] = V[k] U[k] (tiles x channels by channels x
 *      outputs), register-blocked like the dense form: P tiles x CB output
 *      channels of accumulators, each V value a broadcast;
 *   3. Y = A^T M A + bias, ReLU, TC_DVW output channels a vector, then
 *      stored an output at a time (only the rows and columns inside).
 * The function is TC_EXACT (no multiply-add contracted but the explicit
 * TC_DFMA / TC_FMA of the products' sums, in c order), and the plain C99
 * loops (-DTC_NO_VEC, other compilers) take the same operations in the
 * same order, a channel at a time: the same bits. Tiles whose inputs are
 * all 0 and, per row of tiles, channels whose 6 input rows are all 0 are
 * left out of the products (their terms are +-0: the sums do not change).
 * Interpolation points and float error: WINO_PT below.
 */
#include <math.h>
#include <string.h>

#include "emit.h"

typedef struct {
    Window w;
    int64_t C, M, H, W, OH, OW, TH, TW, WT, CP, MP;
    int CB; /* output channels a block in the products: 16 or 32 (m padded to a multiple) */
} Wino;

static int wino_geom(const Graph *g, const Node *n, Wino *z)
{
    conv_window((Graph *)g, n, &z->w);
    z->C = z->w.c;
    z->M = z->w.m;
    z->H = z->w.in[0];
    z->W = z->w.in[1];
    z->OH = z->w.out[0];
    z->OW = z->w.out[1];
    if (z->w.nd != 2 || z->w.group != 1 || z->w.k[0] != 3 || z->w.k[1] != 3 || z->w.s[0] != 1 || z->w.s[1] != 1 ||
        z->w.d[0] != 1 || z->w.d[1] != 1 || z->w.pb[0] || z->w.pb[1] || z->w.pe[0] || z->w.pe[1] || z->OH < 1 || z->OW < 1 ||
        z->C < 1 || z->M < 1 || z->w.batch < 1)
        return 0;
    z->TH = (z->OH + 3) / 4;
    z->TW = (z->OW + 3) / 4;
    z->WT = 4 * z->TW + 2;
    z->CP = (z->C + 15) / 16 * 16; /* a multiple of every TC_DVW */
    z->CB = z->M <= 16 ? 16 : 32;
    z->MP = (z->M + z->CB - 1) / z->CB * z->CB;
    return 1;
}

/* The floats of the function's stack buffers (a row of tiles). */
static int64_t wino_stack_floats(const Wino *z) { return 6 * z->WT * z->CP + 36 * z->TW * z->CP + 36 * (z->TW + 1) * z->MP + 256 + 2 * z->WT + 2 * z->TW; }

int conv_wino_applies(const Graph *g, const Node *n)
{
    Wino z;
    const Tensor *wt;
    int64_t i, total;
    if (n->op != OP_CONV || g->target == TARGET_CORTEX_M || g->quant || n->n_in < 2)
        return 0;
    wt = &g->t[n->in[1]];
    if (!wt->f || (n->n_in >= 3 && n->in[2] != TC_NONE && !g->t[n->in[2]].f) || !wino_geom(g, n, &z) ||
        (n->act != OP_COUNT && n->act != OP_RELU)) /* a fused ReLU or none: the vector path stores by transposed blocks */
        return 0;
    total = ir_numel(wt);
    for (i = 0; i < total; i++) /* U mixes 9 weights: a weight that is not finite would reach every output of the tile */
        if (!isfinite(wt->f[i]))
            return 0;
    /* a row of tiles on the stack: at most 192 KB; the table's indices in int */
    return wino_stack_floats(&z) <= 48 * 1024 && 36 * z.C * z.MP < (1 << 28) && z.H * z.W * z.C < (1 << 28) &&
           z.OH * z.OW * z.M < (1 << 28);
}

/* Bytes of n's tables in this form (--summary, the code budget). */
int64_t conv_wino_bytes(const Graph *g, const Node *n)
{
    Wino z;
    if (!wino_geom(g, n, &z))
        return 0;
    return 4 * (36 * z.C * z.MP + z.MP) + 8192;
}

/* ---- the transforms, as text: the same expressions for a vector of channels and for one ---- */

/*
 * The interpolation points 0, 1, -1, 2, -1/2 and infinity (WINO_PT): against 0, +-1, +-2
 * (Lavin's, whose multipliers are powers of 2) the largest error over 3,000 random 20-channel
 * tiles (inputs N(0, 1), weights N(0, 0.04)) in float32 against float64 sums was 1.9e-5
 * instead of 4.9e-5 (0, +-1, +-1/2: 4.6e-5; 0, +-1, 1/2, -2: 2.2e-5).
 * B^T's rows are the coefficients of prod (x - p) over the points but p_j (infinity's row:
 * over all five); G's row j is (1, p_j, p_j^2) / prod (p_j - p) over the others; A^T's
 * column j is (1, p_j, p_j^2, p_j^3). Written out below, each sum in a fixed order.
 */
static const double WINO_PT[5] = {0.0, 1.0, -1.0, 2.0, -0.5};

/* Output k of B^T a (a: 6 operands): row 0 is a0 + 1.5 a1 - 2 a2 - 1.5 a3 + a4, ... */
static const char *bt_expr(Emit *e, int k, char a[6][24])
{
    Arena *A = e->g->a;
    switch (k) {
    case 0: return arena_printf(A, "((%s - %s) + (%s - %s)) + 1.5f * (%s - %s)", a[0], a[2], a[4], a[2], a[1], a[3]);
    case 1: return arena_printf(A, "(%s - %s) - (2.5f * %s + 0.5f * %s)", a[4], a[1], a[2], a[3]);
    case 2: return arena_printf(A, "(%s + %s) + (0.5f * %s - 2.5f * %s)", a[1], a[4], a[2], a[3]);
    case 3: return arena_printf(A, "(%s - %s) + 0.5f * (%s - %s)", a[4], a[2], a[3], a[1]);
    case 4: return arena_printf(A, "(%s - %s) + 2.0f * (%s - %s)", a[4], a[2], a[1], a[3]);
    default: return arena_printf(A, "((%s - %s) + (%s - %s)) + 1.5f * (%s - %s)", a[1], a[3], a[5], a[3], a[2], a[4]);
    }
}

/* Output k of A^T a: a0 + a1 + a2 + a3 + a4, a1 - a2 + 2 a3 - a4 / 2, a1 + a2 + 4 a3 + a4 / 4, a1 - a2 + 8 a3 - a4 / 8 + a5 */
static const char *at_expr(Emit *e, int k, char a[6][24])
{
    Arena *A = e->g->a;
    switch (k) {
    case 0: return arena_printf(A, "(%s + (%s + %s)) + (%s + %s)", a[0], a[1], a[2], a[3], a[4]);
    case 1: return arena_printf(A, "(%s - %s) + (2.0f * %s - 0.5f * %s)", a[1], a[2], a[3], a[4]);
    case 2: return arena_printf(A, "(%s + %s) + (4.0f * %s + 0.25f * %s)", a[1], a[2], a[3], a[4]);
    default: return arena_printf(A, "((%s - %s) + (8.0f * %s - 0.125f * %s)) + %s", a[1], a[2], a[3], a[4], a[5]);
    }
}

/* A load of the operand at p: a vector of TC_DVW floats, or one */
static const char *ld(Emit *e, int vec, const char *p)
{
    return vec ? arena_printf(e->g->a, "*(const tc_dvfu *)(%s)", p) : arena_printf(e->g->a, "*(%s)", p);
}

/* The declaration of names pre<i><j>, i < ni, j < nj, of type ty */
static void declare(Emit *e, const char *ty, const char *pre, int ni, int nj)
{
    Buf b = {0};
    int i, j;
    for (i = 0; i < ni; i++)
        for (j = 0; j < nj; j++)
            buf_printf(&b, "%s%s%d%d", i || j ? ", " : "", pre, i, j);
    emit_line(e, "%s %s;", ty, b.p);
    buf_free(&b);
}

/* Step 1 for the row of tiles th: vt[k][tw][c] = (B^T d B)[k], d = xt[0..6)[4 tw ..+ 6)[c]. */
static void emit_input_transform(Emit *e, const Wino *z, int vec)
{
    const char *ty = vec ? "tc_dvf" : "float";
    char a[6][24];
    int i, j, r, s;
    emit_line(e, "for (i = 0; i < nt; i++)");
    e->indent++;
    emit_line(e, "for (c = 0; c < %lld; c += %s) {", (long long)z->C, vec ? "TC_DVW" : "1");
    e->indent++;
    emit_line(e, "const float *xp = xt + tl[i] * %lld + c;", (long long)(4 * z->CP));
    emit_line(e, "float *vp = vt + i * %lld + c;", (long long)z->CP);
    declare(e, ty, "q", 6, 6);
    emit_blank(e);
    for (j = 0; j < 6; j++) {
        /* column j of the window: q[r][j] = (B^T d)[r][j] */
        Buf b = {0};
        for (i = 0; i < 6; i++) {
            snprintf(a[i], sizeof a[i], "a%d", i);
            buf_printf(&b, "%sa%d = %s", i ? ", " : "", i,
                       ld(e, vec, arena_printf(e->g->a, "xp + %lld", (long long)((i * z->WT + j) * z->CP))));
        }
        emit_line(e, "{");
        e->indent++;
        emit_line(e, "const %s %s;", ty, b.p);
        buf_free(&b);
        emit_blank(e);
        for (r = 0; r < 6; r++)
            emit_line(e, "q%d%d = %s;", r, j, bt_expr(e, r, a));
        e->indent--;
        emit_line(e, "}");
    }
    for (r = 0; r < 6; r++) {
        for (s = 0; s < 6; s++)
            snprintf(a[s], sizeof a[s], "q%d%d", r, s);
        for (s = 0; s < 6; s++) {
            const char *p = arena_printf(e->g->a, "vp + %lld", (long long)((r * 6 + s) * z->TW * z->CP));
            if (vec)
                emit_line(e, "*(tc_dvfu *)(%s) = %s;", p, bt_expr(e, s, a));
            else
                emit_line(e, "*(%s) = %s;", p, bt_expr(e, s, a));
        }
    }
    e->indent--;
    emit_line(e, "}");
    e->indent--;
}

/* "a<p>_<v>" */
static const char *acc(Emit *e, int p, int v) { return arena_printf(e->g->a, "a%d_%d", p, v); }

/* A block of np tiles from tw: its CB output channels from m over all c, into mo. */
static void emit_gemm_block(Emit *e, const Wino *z, int np, int MV)
{
    Buf b = {0};
    int p, v;
    for (p = 0; p < np; p++)
        for (v = 0; v < MV; v++)
            buf_printf(&b, "%s%s = (tc_dvf){0}", p || v ? ", " : "", acc(e, p, v));
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "tc_dvf %s;", b.p);
    buf_free(&b);
    emit_blank(e);
    emit_line(e, "for (ci = 0; ci < nc; ci++) {");
    e->indent++;
    emit_line(e, "const int c = cl[ci];");
    emit_line(e, "const float *vc = vp + i * %lld + c;", (long long)z->CP);
    for (v = 0; v < MV; v++)
        buf_printf(&b, "%su%d = *(const tc_dvfu *)(up + c * %lld%s)", v ? ", " : "", v, (long long)z->MP,
                   v ? arena_printf(e->g->a, " + %d * TC_DVW", v) : "");
    emit_line(e, "const tc_dvf %s;", b.p);
    buf_free(&b);
    emit_line(e, "tc_dvf xs;");
    emit_blank(e);
    for (p = 0; p < np; p++) {
        emit_line(e, "xs = TC_DSPLAT(vc[%lld]);", (long long)(p * z->CP));
        for (v = 0; v < MV; v++) {
            const char *a = acc(e, p, v);
            if (e->opt->no_fma)
                emit_line(e, "%s += xs * u%d;", a, v);
            else
                emit_line(e, "%s = TC_DFMA(xs, u%d, %s);", a, v, a);
        }
    }
    e->indent--;
    emit_line(e, "}");
    for (p = 0; p < np; p++)
        for (v = 0; v < MV; v++)
            emit_line(e, "*(tc_dvfu *)(mp + %lld%s) = %s;", (long long)(p * z->MP), v ? arena_printf(e->g->a, " + %d * TC_DVW", v) : "",
                      acc(e, p, v));
    e->indent--;
    emit_line(e, "}");
}

/* Step 2 in one vector width: P tiles x CB channels a block (P from the target's registers, as the dense form's). */
static void emit_gemm_vec(Emit *e, const Wino *z, const char *name, int lanes, int nacc)
{
    int MV = z->CB / lanes, P = nacc / MV, r;
    if (P < 1)
        P = 1;
    if (P > z->TW)
        P = (int)z->TW;
    emit_line(e, "for (k = 0; k < 36; k++)");
    e->indent++;
    emit_line(e, "for (m = 0; m < %lld; m += %d) {", (long long)z->MP, z->CB);
    e->indent++;
    emit_line(e, "const float *up = %s_u + k * %lld + m;", name, (long long)(z->C * z->MP));
    emit_line(e, "const float *vp = vt + k * %lld;", (long long)(z->TW * z->CP));
    emit_line(e, "float *mp;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i + %d <= nt; i += %d) {", P, P);
    e->indent++;
    emit_line(e, "mp = mo + (k * %lld + i) * %lld + m;", (long long)(z->TW + 1), (long long)z->MP);
    emit_gemm_block(e, z, P, MV);
    e->indent--;
    emit_line(e, "}");
    if (P > 1) { /* the rest of the list: a block of its size */
        emit_line(e, "mp = mo + (k * %lld + i) * %lld + m;", (long long)(z->TW + 1), (long long)z->MP);
        emit_line(e, "switch (nt - i) {");
        for (r = 1; r < P; r++) {
            emit_line(e, "case %d:", r);
            e->indent++;
            emit_gemm_block(e, z, r, MV);
            emit_line(e, "break;");
            e->indent--;
        }
        emit_line(e, "default:");
        emit_line(e, "    break;");
        emit_line(e, "}");
    }
    e->indent--;
    emit_line(e, "}");
    e->indent--;
}

/* Step 2, a sum at a time: the same products in the same order. */
static void emit_gemm_plain(Emit *e, const Wino *z, const char *name)
{
    emit_line(e, "for (k = 0; k < 36; k++)");
    e->indent++;
    emit_line(e, "for (i = 0; i < nt; i++)");
    e->indent++;
    emit_line(e, "for (m = 0; m < %lld; m++) {", (long long)z->M);
    e->indent++;
    emit_line(e, "const float *up = %s_u + k * %lld + m;", name, (long long)(z->C * z->MP));
    emit_line(e, "const float *vp = vt + (k * %lld + i) * %lld;", (long long)z->TW, (long long)z->CP);
    emit_line(e, "float s = 0.0f;");
    emit_blank(e);
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)z->C);
    if (e->opt->no_fma)
        emit_line(e, "    s += vp[c] * up[c * %lld];", (long long)z->MP);
    else
        emit_line(e, "    s = TC_FMA(vp[c], up[c * %lld], s);", (long long)z->MP);
    emit_line(e, "mo[(k * %lld + i) * %lld + m] = s;", (long long)(z->TW + 1), (long long)z->MP);
    e->indent--;
    emit_line(e, "}");
    e->indent -= 2;
}

/*
 * The vector path's stores of a row of tiles: ob[i][x][m] to y[m][4 th + i][x], blocks of
 * TC_DVW columns x TC_DVW channels through <name>_tr (the last block of a row ending at its
 * end, overlapping), the channels past the last whole block and rows narrower than a
 * vector one at a time.
 */
static void emit_store_rows(Emit *e, const Wino *z, const char *name)
{
    long long OW = z->OW, OHW = z->OH * z->OW, MP = z->MP, OWP = 4 * z->TW, M = z->M;
    emit_line(e, "for (r = 0; r < 4 && th * 4 + r < %lld; r++) {", (long long)z->OH);
    e->indent++;
    emit_line(e, "const float *obr = ob + r * %lld;", OWP * MP);
    emit_line(e, "float *yr = yb + (th * 4 + r) * %lld;", OW);
    emit_blank(e);
    emit_line(e, "m = 0;");
    emit_line(e, "if (TC_DVW <= %lld)", OW);
    e->indent++;
    emit_line(e, "for (; m + TC_DVW <= %lld; m += TC_DVW) {", M);
    e->indent++;
    emit_line(e, "for (k = 0; k + TC_DVW <= %lld; k += TC_DVW)", OW);
    emit_line(e, "    %s_tr(obr + k * %lld + m, %lld, yr + m * %lld + k, %lld);", name, MP, MP, OHW, OHW);
    emit_line(e, "if (k < %lld)", OW);
    emit_line(e, "    %s_tr(obr + (%lld - TC_DVW) * %lld + m, %lld, yr + m * %lld + %lld - TC_DVW, %lld);", name, OW, MP, MP, OHW, OW, OHW);
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "for (; m < %lld; m++)", M);
    emit_line(e, "    for (k = 0; k < %lld; k++)", OW);
    emit_line(e, "        yr[m * %lld + k] = obr[k * %lld + m];", OHW, MP);
    e->indent--;
    emit_line(e, "}");
}

/*
 * The butterfly of an L x L transpose in registers r0..r<L-1> (t0, t1
 * temporaries): log2(L) rounds, each swapping the off-diagonal b x b blocks
 * of row pairs (i, i + b). Shared with the dense Conv's stores.
 */
void emit_transpose_butterfly(Emit *e, int L)
{
    int b, i, j;
    for (b = 1; b < L; b *= 2)
        for (i = 0; i < L; i++) {
            Buf i1 = {0}, i2 = {0};
            if (i & b)
                continue;
            for (j = 0; j < L; j++) {
                buf_printf(&i1, ", %d", (j & b) ? L + j - b : j);
                buf_printf(&i2, ", %d", (j & b) ? L + j : j + b);
            }
            emit_line(e, "t0 = __builtin_shufflevector(r%d, r%d%s);", i, i + b, i1.p);
            emit_line(e, "t1 = __builtin_shufflevector(r%d, r%d%s);", i, i + b, i2.p);
            emit_line(e, "r%d = t0;", i);
            emit_line(e, "r%d = t1;", i + b);
            buf_free(&i1);
            buf_free(&i2);
        }
}

/* <name>_tr(s, sa, d, sb): d[j * sb + i] = s[i * sa + j] for i, j < TC_DVW, by log2(TC_DVW)
 * rounds of two-vector shuffles (round b: rows i and i + b, i & b = 0, swap their
 * off-diagonal b x b blocks); without __builtin_shufflevector (gcc before 12) a float at a time. */
static void emit_transpose_fn(Emit *e, const char *name)
{
    static const int widths[3] = {16, 8, 4};
    int w, L, i;
    emit_line(e, "#if TC_DVEC");
    emit_line(e, "/* a TC_DVW x TC_DVW block of floats transposed: d[j * sb + i] = s[i * sa + j] */");
    emit_line(e, "static TC_NOLIB void %s_tr(const float *s, int sa, float *d, int sb)", name);
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "#if defined(__clang__) || __GNUC__ >= 12");
    for (w = 0; w < 3; w++) {
        Buf ld = {0};
        L = widths[w];
        if (w == 0)
            emit_line(e, "#if TC_DVW == %d", L);
        else if (w == 1)
            emit_line(e, "#elif TC_DVW == %d", L);
        else
            emit_line(e, "#else");
        for (i = 0; i < L; i++)
            buf_printf(&ld, "%sr%d = *(const tc_dvfu *)(s + %d * sa)", i ? ", " : "", i, i);
        emit_line(e, "tc_dvf %s;", ld.p);
        buf_free(&ld);
        emit_line(e, "tc_dvf t0, t1;");
        emit_blank(e);
        emit_transpose_butterfly(e, L);
        for (i = 0; i < L; i++)
            emit_line(e, "*(tc_dvfu *)(d + %d * sb) = r%d;", i, i);
    }
    emit_line(e, "#endif");
    emit_line(e, "#else");
    emit_line(e, "int i, j;");
    emit_blank(e);
    emit_line(e, "for (i = 0; i < TC_DVW; i++)");
    emit_line(e, "    for (j = 0; j < TC_DVW; j++)");
    emit_line(e, "        d[j * sb + i] = s[i * sa + j];");
    emit_line(e, "#endif");
    e->indent = 0;
    emit_line(e, "}");
    emit_line(e, "#endif");
    emit_blank(e);
}

/* Step 3: Y = A^T M A + b, the activation, stored inside the output. */
static void emit_output_transform(Emit *e, const Node *n, const Wino *z, const char *name, int vec, int has_bias)
{
    const char *ty = vec ? "tc_dvf" : "float";
    const char *lanes = vec ? "TC_DVW" : "1";
    char a[6][24];
    int i, j, r, s;
    int relu_vec = vec && n->act == OP_RELU;
    emit_line(e, "for (tw = 0; tw < %lld; tw++)", (long long)z->TW);
    e->indent++;
    emit_line(e, "for (m = 0; m < %lld; m += %s) {", (long long)z->M, lanes);
    e->indent++;
    emit_line(e, "const float *mp = mo + sl[tw] * %lld + m; /* slot %lld: zeros */", (long long)z->MP, (long long)z->TW);
    if (has_bias)
        emit_line(e, "const %s bv = %s;", ty, ld(e, vec, arena_printf(e->g->a, "%s_b + m", name)));
    if (!vec)
        emit_line(e, "const int mn = 1;");
    declare(e, ty, "p", 4, 6);
    emit_blank(e);
    for (s = 0; s < 6; s++) {
        Buf b = {0};
        for (r = 0; r < 6; r++) {
            snprintf(a[r], sizeof a[r], "a%d", r);
            buf_printf(&b, "%sa%d = %s", r ? ", " : "", r,
                       ld(e, vec, arena_printf(e->g->a, "mp + %lld", (long long)((r * 6 + s) * (z->TW + 1) * z->MP))));
        }
        emit_line(e, "{");
        e->indent++;
        emit_line(e, "const %s %s;", ty, b.p);
        buf_free(&b);
        emit_blank(e);
        for (i = 0; i < 4; i++)
            emit_line(e, "p%d%d = %s;", i, s, at_expr(e, i, a));
        e->indent--;
        emit_line(e, "}");
    }
    for (i = 0; i < 4; i++) {
        for (s = 0; s < 6; s++)
            snprintf(a[s], sizeof a[s], "p%d%d", i, s);
        for (j = 0; j < 4; j++) {
            const char *x = at_expr(e, j, a);
            if (has_bias)
                x = arena_printf(e->g->a, "(%s) + bv", x);
            emit_line(e, "{");
            e->indent++;
            emit_line(e, "%s o = %s;", ty, x);
            emit_blank(e);
            if (relu_vec)
                emit_line(e, "o = (tc_dvf)((tc_dvi)o & ~(tc_dvi)(o < (tc_dvf){0}));");
            if (vec) /* the row of tiles' outputs channels-last, ob[4][columns][m] */
                emit_line(e, "*(tc_dvfu *)(ob + (%lld + tw * 4) * %lld + m) = o;", (long long)(i * 4 * z->TW + j), (long long)z->MP);
            else
                emit_line(e, "t[%d] = o;", i * 4 + j);
            e->indent--;
            emit_line(e, "}");
        }
    }
    if (vec) {
        e->indent--;
        emit_line(e, "}");
        e->indent--;
        emit_store_rows(e, z, name);
        return;
    }
    /* the stores, an output channel at a time */
    emit_line(e, "for (j = 0; j < mn; j++) {");
    e->indent++;
    emit_line(e, "float *yj = yb + (m + j) * %lld + th * %lld + tw * 4;", (long long)(z->OH * z->OW), (long long)(4 * z->OW));
    emit_blank(e);
    {
        const char *full = NULL;
        int64_t fullh = z->OH / 4, fullw = z->OW / 4; /* tiles with all 4 rows / columns inside */
        if (fullh < z->TH && fullw < z->TW)
            full = arena_printf(e->g->a, "th < %lld && tw < %lld", (long long)fullh, (long long)fullw);
        else if (fullh < z->TH)
            full = arena_printf(e->g->a, "th < %lld", (long long)fullh);
        else if (fullw < z->TW)
            full = arena_printf(e->g->a, "tw < %lld", (long long)fullw);
        if (full) {
            emit_line(e, "if (%s) {", full);
            e->indent++;
        }
        for (i = 0; i < 16; i++) {
            const char *tv = arena_printf(e->g->a, "t[%d * %s + j]", i, lanes);
            emit_line(e, "yj[%lld] = %s;", (long long)(i / 4 * z->OW + i % 4),
                      n->act == OP_COUNT || relu_vec ? tv : emit_act(e, n, n->act, n->act_alpha, tv));
        }
        if (full) {
            e->indent--;
            emit_line(e, "} else {");
            e->indent++;
            emit_line(e, "for (r = 0; r < 4 && th * 4 + r < %lld; r++)", (long long)z->OH);
            e->indent++;
            emit_line(e, "for (s = 0; s < 4 && tw * 4 + s < %lld; s++)", (long long)z->OW);
            e->indent++;
            {
                const char *tv = arena_printf(e->g->a, "t[(r * 4 + s) * %s + j]", lanes);
                emit_line(e, "yj[r * %lld + s] = %s;", (long long)z->OW,
                          n->act == OP_COUNT || relu_vec ? tv : emit_act(e, n, n->act, n->act_alpha, tv));
            }
            e->indent -= 3;
            emit_line(e, "}");
        }
    }
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
}

/* The variants of step 2 by vector width (the dense form's registers) */
static const struct {
    const char *cond;
    int lanes, acc;
} wvariants[] = {
    {"TC_DVW == 16", 16, 24}, /* AVX-512: 32 registers */
    {"TC_DVW == 8", 8, 12},   /* AVX: 16 */
    {"defined(__aarch64__)", 4, 24}, /* NEON: 32 */
    {NULL, 4, 12},            /* SSE: 16 */
};

static void emit_tables(Emit *e, const Node *n, const Wino *z, const char *name, int has_bias)
{
    Graph *g = e->g;
    double G[6][3];
    const float *wt = g->t[n->in[1]].f;
    const float *bias = has_bias ? g->t[n->in[2]].f : NULL;
    float *row = arena_array(g->a, (size_t)z->MP, sizeof *row);
    int64_t r, s, c, m, a, b;

    for (r = 0; r < 5; r++) { /* (1, p, p^2) / prod (p - q) over the other points q */
        double f = 1.0;
        for (a = 0; a < 5; a++)
            if (a != r)
                f *= WINO_PT[r] - WINO_PT[a];
        G[r][0] = 1.0 / f;
        G[r][1] = WINO_PT[r] / f;
        G[r][2] = WINO_PT[r] * WINO_PT[r] / f;
    }
    G[5][0] = G[5][1] = 0.0;
    G[5][2] = 1.0;
    emit_to_consts(e);
    emit_line(e, "/* node %d: weights of '%s' for Winograd F(4x4, 3x3), G g G^T as [36][c][m], m padded with zeros to %lld */",
              n->index, text_comment(g->a, n->name), (long long)z->MP);
    emit_line(e, "static const float %s%s_u[%lld] TC_DALIGN = {", emit_weights_attr(e), name, (long long)(36 * z->C * z->MP));
    for (r = 0; r < 6; r++)
        for (s = 0; s < 6; s++)
            for (c = 0; c < z->C; c++) {
                for (m = 0; m < z->MP; m++) {
                    double u = 0.0;
                    float f;
                    if (m < z->M)
                        for (a = 0; a < 3; a++)
                            for (b = 0; b < 3; b++)
                                u += G[r][a] * (double)wt[((m * z->C + c) * 3 + a) * 3 + b] * G[s][b];
                    f = (float)u;
                    row[m] = f == 0.0f ? 0.0f : f;
                }
                emit_lit_rows(e, n, row, z->MP);
            }
    emit_line(e, "};");
    if (has_bias) {
        emit_line(e, "static const float %s%s_b[%lld] = {", emit_weights_attr(e), name, (long long)z->MP);
        for (m = 0; m < z->MP; m++)
            row[m] = m < z->M ? bias[m] : 0.0f;
        emit_lit_rows(e, n, row, z->MP);
        emit_line(e, "};");
    }
    emit_blank(e);
}

/* Node n in this form; 0 where it does not apply (emit_conv writes another). */
int emit_conv_wino(Emit *e, const Node *n)
{
    Graph *g = e->g;
    Wino z;
    const char *name;
    int has_bias = n->n_in >= 3 && n->in[2] != TC_NONE;
    int64_t xs, ys, nnz = 0, total, i;
    const float *wt;
    if (!conv_wino_applies(g, n))
        return 0;
    wino_geom(g, n, &z);
    name = emit_fn_name(e, n);
    wt = g->t[n->in[1]].f;
    total = ir_numel(&g->t[n->in[1]]);
    for (i = 0; i < total; i++)
        nnz += wt[i] != 0.0f;
    g->n[n->index].pad_floats = 0; /* reads its input in place */
    e->used_dvec = 1;
    e->used_vecx = 1; /* TC_EXACT */
    if (!e->opt->no_fma)
        e->used_fma = 1;
    emit_tables(e, n, &z, name, has_bias);

    xs = z.C * z.H * z.W;
    ys = z.M * z.OH * z.OW;
    emit_to_fns(e);
    e->indent = 0;
    emit_transpose_fn(e, name);
    emit_line(e, "/* node %d: %s '%s', Winograd F(4x4, 3x3): %lld x %lld tiles of 4x4 outputs, a row of tiles at a time */", n->index,
              op_name(n->op), text_comment(g->a, n->name), (long long)z.TH, (long long)z.TW);
    emit_line(e, "static TC_NOLIB TC_EXACT void %s_k(const float *x, float *y)", name);
    emit_line(e, "{");
    e->indent = 1;
    emit_line(e, "TC_EXACT_BODY");
    emit_line(e, "float xt[%lld]; /* 6 input rows, [row][column][c], c padded with zeros to %lld */", (long long)(6 * z.WT * z.CP),
              (long long)z.CP);
    emit_line(e, "float vt[%lld]; /* B^T d B: [36][tile][c] */", (long long)(36 * z.TW * z.CP));
    emit_line(e, "float mo[%lld]; /* the products: [36][tile][m], tile %lld all 0 */", (long long)(36 * (z.TW + 1) * z.MP), (long long)z.TW);
    emit_line(e, "#if TC_DVEC");
    emit_line(e, "float ob[%lld]; /* a row of tiles' outputs, [4][column][m] */", (long long)(4 * 4 * z.TW * z.MP));
    emit_line(e, "#else");
    emit_line(e, "float t[16]; /* a tile's outputs */");
    emit_line(e, "#endif");
    emit_line(e, "unsigned char xz[%lld]; /* per input row and column of xt: some channel not 0 */", (long long)(6 * z.WT));
    emit_line(e, "int tl[%lld], sl[%lld]; /* the tiles not all 0, and per tile its place in that list (or %lld) */", (long long)z.TW,
              (long long)z.TW, (long long)z.TW);
    emit_line(e, "unsigned char xc[%lld]; /* per input row of xt and channel: not all 0 */", (long long)(6 * z.C));
    emit_line(e, "int cl[%lld], nc; /* the channels whose 6 input rows are not all 0 */", (long long)z.C);
    emit_line(e, "int b, th, tw, c, k, m, j, r, s, i, nt, ci;");
    emit_blank(e);
    emit_line(e, "(void)ci;");
    emit_line(e, "(void)j;");
    emit_line(e, "(void)cl;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)(6 * z.WT * z.CP));
    emit_line(e, "    xt[k] = 0.0f;");
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)(6 * z.WT));
    emit_line(e, "    xz[k] = 0;");
    emit_line(e, "for (k = 0; k < 36; k++)");
    emit_line(e, "    for (m = 0; m < %lld; m++)", (long long)z.MP);
    emit_line(e, "        mo[(k * %lld + %lld) * %lld + m] = 0.0f;", (long long)(z.TW + 1), (long long)z.TW, (long long)z.MP);
    emit_line(e, "for (b = 0; b < %lld; b++) {", (long long)z.w.batch);
    e->indent++;
    emit_line(e, "const float *xb = x + b * %lld;", (long long)xs);
    emit_line(e, "float *yb = y + b * %lld;", (long long)ys);
    emit_blank(e);
    emit_line(e, "for (th = 0; th < %lld; th++) {", (long long)z.TH);
    e->indent++;
    emit_line(e, "/* input rows 4 th .. 4 th + 5 (0 below the input), the first 2 kept from the row of tiles before */");
    emit_line(e, "if (th) {");
    emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)(2 * z.WT * z.CP));
    emit_line(e, "        xt[k] = xt[%lld + k];", (long long)(4 * z.WT * z.CP));
    emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)(2 * z.WT));
    emit_line(e, "        xz[k] = xz[%lld + k];", (long long)(4 * z.WT));
    emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)(2 * z.C));
    emit_line(e, "        xc[k] = xc[%lld + k];", (long long)(4 * z.C));
    emit_line(e, "}");
    emit_line(e, "for (r = th ? 2 : 0; r < 6; r++) {");
    e->indent++;
    emit_line(e, "float *xr = xt + r * %lld;", (long long)(z.WT * z.CP));
    emit_line(e, "unsigned char *zr = xz + r * %lld;", (long long)z.WT);
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++)", (long long)z.W);
    emit_line(e, "    zr[k] = 0;");
    emit_line(e, "if (th * 4 + r < %lld) {", (long long)z.H);
    e->indent++;
    emit_line(e, "const float *xi = xb + (th * 4 + r) * %lld;", (long long)z.W);
    emit_blank(e);
    emit_line(e, "for (c = 0; c < %lld; c++) {", (long long)z.C);
    e->indent++;
    emit_line(e, "unsigned char any = 0;");
    emit_blank(e);
    emit_line(e, "for (k = 0; k < %lld; k++) {", (long long)z.W);
    emit_line(e, "    const unsigned char f = xi[c * %lld + k] != 0.0f;", (long long)(z.H * z.W));
    emit_blank(e);
    emit_line(e, "    zr[k] |= f;");
    emit_line(e, "    any |= f;");
    emit_line(e, "}");
    emit_line(e, "xc[r * %lld + c] = any;", (long long)z.C);
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "/* channels-last: blocks of TC_DVW channels x TC_DVW columns transposed (the last ending at the row's end) */");
    emit_line(e, "c = 0;");
    emit_line(e, "#if TC_DVEC");
    emit_line(e, "if (TC_DVW <= %lld)", (long long)z.W);
    emit_line(e, "    for (; c + TC_DVW <= %lld; c += TC_DVW) {", (long long)z.C);
    emit_line(e, "        for (k = 0; k + TC_DVW <= %lld; k += TC_DVW)", (long long)z.W);
    emit_line(e, "            %s_tr(xi + c * %lld + k, %lld, xr + k * %lld + c, %lld);", name, (long long)(z.H * z.W), (long long)(z.H * z.W),
              (long long)z.CP, (long long)z.CP);
    emit_line(e, "        if (k < %lld)", (long long)z.W);
    emit_line(e, "            %s_tr(xi + c * %lld + %lld - TC_DVW, %lld, xr + (%lld - TC_DVW) * %lld + c, %lld);", name, (long long)(z.H * z.W),
              (long long)z.W, (long long)(z.H * z.W), (long long)z.W, (long long)z.CP, (long long)z.CP);
    emit_line(e, "    }");
    emit_line(e, "#endif");
    emit_line(e, "for (; c < %lld; c++)", (long long)z.C);
    emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)z.W);
    emit_line(e, "        xr[k * %lld + c] = xi[c * %lld + k];", (long long)z.CP, (long long)(z.H * z.W));
    e->indent--;
    emit_line(e, "} else {");
    emit_line(e, "    for (k = 0; k < %lld; k++)", (long long)(z.WT * z.CP));
    emit_line(e, "        xr[k] = 0.0f;");
    emit_line(e, "    for (c = 0; c < %lld; c++)", (long long)z.C);
    emit_line(e, "        xc[r * %lld + c] = 0;", (long long)z.C);
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "/* the tiles whose 6x6 inputs are not all 0 (the others' products are 0: tile %lld of mo) */", (long long)z.TW);
    emit_line(e, "nt = 0;");
    emit_line(e, "for (tw = 0; tw < %lld; tw++) {", (long long)z.TW);
    emit_line(e, "    int any = 0;");
    emit_blank(e);
    emit_line(e, "    for (r = 0; r < 6; r++)");
    emit_line(e, "        for (s = 0; s < 6; s++)");
    emit_line(e, "            any |= xz[r * %lld + tw * 4 + s];", (long long)z.WT);
    emit_line(e, "    sl[tw] = any ? nt : %lld;", (long long)z.TW);
    emit_line(e, "    if (any)");
    emit_line(e, "        tl[nt++] = tw;");
    emit_line(e, "}");
    emit_line(e, "/* the channels whose rows are not all 0 (the others' products are +-0: left out, the sums do not change) */");
    emit_line(e, "nc = 0;");
    emit_line(e, "for (c = 0; c < %lld; c++)", (long long)z.C);
    emit_line(e, "    if (xc[c] | xc[%lld + c] | xc[%lld + c] | xc[%lld + c] | xc[%lld + c] | xc[%lld + c])", (long long)z.C, (long long)(2 * z.C),
              (long long)(3 * z.C), (long long)(4 * z.C), (long long)(5 * z.C));
    emit_line(e, "        cl[nc++] = c;");
    emit_line(e, "#if TC_DVEC");
    emit_input_transform(e, &z, 1);
    for (i = 0; i < (int64_t)(sizeof wvariants / sizeof wvariants[0]); i++) {
        if (wvariants[i].cond)
            emit_line(e, "#%s %s", i ? "elif" : "if", wvariants[i].cond);
        else
            emit_line(e, "#else");
        emit_gemm_vec(e, &z, name, wvariants[i].lanes, wvariants[i].acc);
    }
    emit_line(e, "#endif");
    emit_output_transform(e, n, &z, name, 1, has_bias);
    emit_line(e, "#else");
    emit_input_transform(e, &z, 0);
    emit_gemm_plain(e, &z, name);
    emit_output_transform(e, n, &z, name, 0, has_bias);
    emit_line(e, "#endif");
    e->indent--;
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
    e->indent = 0;
    emit_line(e, "}");
    emit_blank(e);

    emit_begin_fn(e, n, "", arena_printf(g->a, " -- %s of %s weights kept, Winograd F(4x4, 3x3)", text_num(g->a, nnz), text_num(g->a, total)));
    emit_line(e, "%s_k(%s, y);", name, emit_operand(e, n, 0));
    emit_end_fn(e);
    return 1;
}
