// oneDNN matmul primitives, created once per shape and kept in a per-thread cache.
// Why per shape: oneDNN's fast CPU path (gemm:jit) needs every dimension known when the
// primitive is created; primitives with run-time dimensions fall back to the reference
// implementation, hundreds of times slower. Creating a primitive costs ~0.1-0.2 ms, so callers
// keep the number of shapes small (the batch builder rounds token counts up to a multiple of 64).
// Why per thread: no lock on the hot path; the trainer thread and each OpenMP worker that runs a
// data-parallel shard or evaluation batch own their own primitives.
#include "matmul.h"

#include "check.h"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <array>
#include <chrono>
#include <list>
#include <tuple>
#include <unordered_map>

namespace lengthlab {
namespace {

struct ShapeKey {
  int M, N, K, lda, ldb, ldc;
  // oneDNN may fix its thread count when it creates a primitive; the same thread runs products
  // both alone (a data-parallel shard) and split (the unsplit batch), so both get their own.
  int threads;
  bool transA, transB, accumulate;
  bool operator==(const ShapeKey&) const = default;
};

struct ShapeKeyHash {
  std::size_t operator()(const ShapeKey& k) const {
    std::size_t h = 1469598103934665603ULL;
    for (int v : {k.M, k.N, k.K, k.lda, k.ldb, k.ldc, k.threads,
                  int(k.transA) | int(k.transB) << 1 | int(k.accumulate) << 2}) {
      h = (h ^ static_cast<std::size_t>(v)) * 1099511628211ULL;
    }
    return h;
  }
};

struct Prepared {
  dnnl::matmul primitive;
  dnnl::memory a, b, c;  // descriptors bound to a null handle, retargeted on every call
  // The execution arguments (a, b, c) for the C API, built once: the C++ API's execute builds a
  // map and a vector of them on every call.
  std::array<dnnl_exec_arg_t, 3> arguments;
};

class PrimitiveCache {
 public:
  // Enough for every shape of a training run plus evaluation; least recently used go first.
  static constexpr std::size_t kCapacity = 4096;

  PrimitiveCache() : m_engine(dnnl::engine::kind::cpu, 0), m_stream(m_engine) {}

  void run(const ShapeKey& key, const float* A, const float* B, float* C) {
    Prepared& p = lookup(key);
    p.a.set_data_handle(const_cast<float*>(A));
    p.b.set_data_handle(const_cast<float*>(B));
    p.c.set_data_handle(C);
    dnnl::error::wrap_c_api(dnnl_primitive_execute(p.primitive.get(), m_stream.get(),
                                                   static_cast<int>(p.arguments.size()),
                                                   p.arguments.data()),
                            "could not execute a matmul primitive");
    m_stream.wait();
  }

  int size() const { return static_cast<int>(m_entries.size()); }

 private:
  using Entry = std::pair<ShapeKey, Prepared>;

  Prepared& lookup(const ShapeKey& key) {
    if (auto it = m_index.find(key); it != m_index.end()) {
      m_entries.splice(m_entries.begin(), m_entries, it->second);
      return it->second->second;
    }
    if (m_entries.size() >= kCapacity) {
      m_index.erase(m_entries.back().first);
      m_entries.pop_back();
    }
    m_entries.emplace_front(key, create(key));
    m_index[key] = m_entries.begin();
    return m_entries.front().second;
  }

  Prepared create(const ShapeKey& k) const {
    using dnnl::memory;
    using dims = memory::dims;
    const auto f32 = memory::data_type::f32;
    // A transposed is stored [K x M]: element (m, k) sits at k * lda + m.
    const memory::desc aDesc({k.M, k.K}, f32, k.transA ? dims{1, k.lda} : dims{k.lda, 1});
    const memory::desc bDesc({k.K, k.N}, f32, k.transB ? dims{1, k.ldb} : dims{k.ldb, 1});
    const memory::desc cDesc({k.M, k.N}, f32, dims{k.ldc, 1});
    dnnl::primitive_attr attr;
    if (k.accumulate) {
      dnnl::post_ops ops;
      ops.append_sum(1.0f);
      attr.set_post_ops(ops);
    }
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(aDesc, bDesc, cDesc), attr,
                                          m_engine);
    Prepared p{dnnl::matmul(pd), memory(aDesc, m_engine, nullptr),
               memory(bDesc, m_engine, nullptr), memory(cDesc, m_engine, nullptr), {}};
    p.arguments = {{{DNNL_ARG_SRC, p.a.get()}, {DNNL_ARG_WEIGHTS, p.b.get()},
                    {DNNL_ARG_DST, p.c.get()}}};
    return p;
  }

  dnnl::engine m_engine;
  dnnl::stream m_stream;
  std::list<Entry> m_entries;
  std::unordered_map<ShapeKey, std::list<Entry>::iterator, ShapeKeyHash> m_index;
};

PrimitiveCache& cache() {
  thread_local PrimitiveCache instance;
  return instance;
}

thread_local bool t_timing = false;
thread_local double t_seconds = 0.0;

}  // namespace

void matmul(const float* A, Transpose transA, int lda, const float* B, Transpose transB, int ldb,
            float* C, int ldc, int M, int N, int K, bool accumulate) {
  LL_CHECK(M >= 0 && N >= 0 && K >= 0);
  if (M == 0 || N == 0) return;
  const bool ta = transA == Transpose::Yes;
  const bool tb = transB == Transpose::Yes;
  LL_CHECK(lda >= (ta ? M : K) && ldb >= (tb ? K : N) && ldc >= N);
  if (K == 0) {
    if (!accumulate) {
      for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) C[static_cast<long>(i) * ldc + j] = 0.0f;
      }
    }
    return;
  }
  const ShapeKey key{M, N, K, lda, ldb, ldc, omp_get_max_threads(), ta, tb, accumulate};
  if (!t_timing) {
    cache().run(key, A, B, C);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  cache().run(key, A, B, C);
  t_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int matmulCachedShapeCount() { return cache().size(); }

void setMatmulTiming(bool enabled) { t_timing = enabled; }
double matmulSeconds() { return t_seconds; }
void resetMatmulSeconds() { t_seconds = 0.0; }

}  // namespace lengthlab
