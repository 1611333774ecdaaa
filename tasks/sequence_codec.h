// Turns a task's Example into what the model sees: token ids with special tokens, and the
// supervised targets (PAPER.md sections 4 and 5).
//   algorithmic: tokens  <bos> x1..xn <sep> y1..ym          (T = n + m + 2)
//                targets at <sep>, y1..ym: y1..ym, <eos>    (every other position unsupervised)
//   formal:      tokens  <bos> s1..sn                        (T = n + 1)
//                labels at every position i: the continuations row i (|alphabet| + 1 bits)
// Model token ids: the task alphabet first (so symbol id == token id), then the special tokens.
#pragma once

#include "task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lengthlab {

struct EncodedSequence {
  std::vector<int> tokens;            // [T] model input ids
  std::vector<int> targets;           // [T] next-token targets, -1 where unsupervised (algorithmic)
  std::vector<std::uint8_t> labels;   // [T x outputSize] multi-hot targets (formal), else empty
};

class SequenceCodec {
 public:
  explicit SequenceCodec(const Task& task);

  bool multiLabel() const { return m_multiLabel; }
  int vocabSize() const { return static_cast<int>(m_tokenNames.size()); }
  // Width of the model's output: the vocabulary for next-token tasks, |alphabet| + end bit for
  // formal languages.
  int outputSize() const { return m_outputSize; }
  const std::vector<std::string>& tokenNames() const { return m_tokenNames; }
  // Names of the output units: token names, or the alphabet plus "<eos>" for formal languages.
  const std::vector<std::string>& outputNames() const { return m_outputNames; }

  int bos() const { return m_bos; }
  int sep() const { return m_sep; }  // -1 for formal languages
  int eos() const { return m_eos; }  // -1 for formal languages
  int pad() const { return m_pad; }  // -1 for formal languages

  // Number of model tokens for an example of task length n (its upper bound for variable outputs).
  int maxSequenceLength(int n) const;

  EncodedSequence encode(const Example& example) const;

  // The tokens of a prompt (what the model sees before it must answer): <bos> x1..xn <sep> for
  // algorithmic tasks, <bos> s1..sn for formal languages.
  std::vector<int> encodePrompt(const std::vector<int>& input) const;

  // Splits "0 1 1 0" (or "0110" when every symbol is one character) into symbol ids.
  // Throws std::invalid_argument naming the unknown symbol and the alphabet.
  std::vector<int> parseSymbols(const std::string& text) const;

 private:
  const Task& m_task;
  bool m_multiLabel = false;
  int m_outputSize = 0;
  int m_bos = -1, m_sep = -1, m_eos = -1, m_pad = -1;
  std::vector<std::string> m_tokenNames;
  std::vector<std::string> m_outputNames;
};

}  // namespace lengthlab
