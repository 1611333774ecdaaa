// The transformer's layers as forward/backward pairs over packed batches (see batch.h).
// Letters: N rows (tokens of all sequences end to end), C model width, H heads, D = C / H head
// width, T length of one sequence, S sequences, R scored rows, O output units, V vocabulary,
// P position-table rows. All matrices are row-major float. A parameter named ld... is the row
// stride of the matrix before it, in floats (at least its width): the workspace pads the rows of
// some wide matrices (see Workspace), and the kernels that touch those take the stride.
// Backward functions either overwrite their input gradient ("din =") or add to it ("din +="), as
// each comment says; parameter gradients are always added to, so a caller zeroes them once.
// Matrix products go through matmul(); element-wise work is vectorised loops split over OpenMP
// threads in a fixed way, so a given thread count always gives the same floating-point result.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lengthlab {

// out[n] = wte[tokens[n]] + wpe[positions[n]]   (no wpe for NoPE: pass nullptr)
void embeddingForward(float* out /*[N,C]*/, const int* tokens /*[N]*/, const int* positions /*[N]*/,
                      const float* wte /*[V,C]*/, const float* wpe /*[P,C] or null*/, int N, int C);
// dwte[tokens[n]] += dout[n];  dwpe[positions[n]] += dout[n]
void embeddingBackward(float* dwte /*[V,C]*/, float* dwpe /*[P,C] or null*/, const float* dout /*[N,C]*/,
                       int ldOut, const int* tokens, const int* positions, int N, int C);

// out = (in - mean) * rstd * weight + bias, per row; keeps mean and rstd for the backward pass.
void layerNormForward(float* out /*[N,C]*/, float* mean /*[N]*/, float* rstd /*[N]*/,
                      const float* in /*[N,C]*/, const float* weight /*[C]*/, const float* bias /*[C]*/,
                      int N, int C);
// din += d(out)/d(in)^T dout;  dweight += sum_n dout * xhat;  dbias += sum_n dout
void layerNormBackward(float* din /*[N,C]*/, int ldDin, float* dweight, float* dbias,
                       const float* dout /*[N,C]*/, const float* in /*[N,C]*/, const float* mean,
                       const float* rstd, const float* weight, int N, int C);

// out = in @ weight + bias (+ residual), weight stored [In, Out] (GPT-2 Conv1D layout)
void linearForward(float* out /*[N,Out]*/, const float* in /*[N,In]*/, int ldIn,
                   const float* weight /*[In,Out]*/, const float* bias /*[Out] or null*/, int N,
                   int In, int Out, const float* residual /*[N,Out] or null*/ = nullptr);
// din = dout @ weight^T (skipped when din is null);  dweight += in^T @ dout;  dbias += sum_n dout
// din has the row stride of in. The product for din reads W^T as a dense [Out x In] matrix:
// weightTransposed when the caller has it (data-parallel shards share one), else a copy made here.
void linearBackward(float* din /*[N,In] or null*/, float* dweight, float* dbias /*or null*/,
                    const float* dout /*[N,Out]*/, int ldOut, const float* in /*[N,In]*/, int ldIn,
                    const float* weight, int N, int In, int Out,
                    const float* weightTransposed /*[Out,In] or null*/ = nullptr);

// out [cols x rows] = in [rows x cols] transposed.
void transposeMatrix(float* out, const float* in, int rows, int cols);

// out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))   (GPT-2's tanh approximation);
// derivative (when not null) = d out / dx, which is all the backward pass needs of x.
void geluForward(float* out, float* derivative /*or null*/, const float* in, std::size_t count);
// activation = gelu(in @ weight + bias), derivative = gelu'(in @ weight + bias): the MLP's first
// half. Keeping the slope instead of the pre-activation makes geluBackward one multiplication
// rather than a second tanh per element. activation and derivative share the row stride ld.
void linearGeluForward(float* activation /*[N,Out]*/, float* derivative /*[N,Out]*/, int ld,
                       const float* in /*[N,In]*/, const float* weight /*[In,Out]*/,
                       const float* bias /*[Out]*/, int N, int In, int Out);
// din = dout * derivative (din may alias dout);  dbias += sum_n din when dbias is not null.
// All three share the row stride ld.
void geluBackward(float* din /*[N,C]*/, float* dbias /*[C] or null*/,
                  const float* derivative /*[N,C]*/, const float* dout /*[N,C]*/, int ld, int N,
                  int C);

// One head's attention probabilities for a sequence of length T: attentionProbRows(T) query rows
// of attentionProbStride(T) floats (key columns), zero above the diagonal and in the padding. The
// padding is the kernels' own working layout (rows to 6, keys to 16), so neither pass copies them.
int attentionProbRows(int T);
int attentionProbStride(int T);
std::size_t attentionProbFloats(int T);  // rows x stride

// Where each sequence's attention probabilities are kept: sequence s owns H heads of
// attentionProbFloats(T_s) from probOffset[s] on.
struct AttentionLayout {
  const int* sequenceStart = nullptr;       // [S + 1]
  const std::size_t* probOffset = nullptr;  // [S + 1]
  int sequences = 0;                        // S
  int longest = 0;                          // max T_s, sizes the per-thread scratch
};

// Floats of per-thread scratch the attention kernels need for sequences up to `longest`.
std::size_t attentionScratchPerThread(int longest, int D);

// Causal multi-head self-attention inside each sequence.
// qkv row n = [q | k | v], each C wide and split into H heads of D; out row n = the H head
// outputs side by side (before the output projection). scale = 1 / sqrt(D).
void attentionForward(float* out /*[N,C]*/, float* probs, const float* qkv /*[N,3C]*/,
                      const AttentionLayout& layout, int C, int H, float* scratch /*threads x per-thread*/);
// dqkv = gradient of the attention output with respect to qkv (overwritten)
void attentionBackward(float* dqkv /*[N,3C]*/, int ldDqkv, const float* dout /*[N,C]*/, const float* qkv,
                       const float* probs, const AttentionLayout& layout, int C, int H,
                       float* scratch);

// Mean over R rows of -log softmax(logits_r)[targets_r]; writes d(mean loss)/d(logits).
// rowLoss receives each row's loss (summed in order afterwards, so the result is deterministic).
double softmaxCrossEntropy(float* dlogits /*[R,O]*/, float* rowLoss /*[R]*/, const float* logits /*[R,O]*/,
                           const int* targets /*[R]*/, int R, int O);
// Mean over R x O units of binary cross-entropy with logits; writes d(mean loss)/d(logits).
double sigmoidBinaryCrossEntropy(float* dlogits /*[R,O]*/, float* rowLoss /*[R]*/,
                                 const float* logits /*[R,O]*/, const std::uint8_t* labels /*[R,O]*/,
                                 int R, int O);

// out[c] += sum_n in[n, c]
void addColumnSums(float* out /*[C]*/, const float* in /*[N,C]*/, int ld, int N, int C);

}  // namespace lengthlab
