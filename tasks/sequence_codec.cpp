#include "sequence_codec.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace lengthlab {

SequenceCodec::SequenceCodec(const Task& task)
    : m_task(task), m_multiLabel(task.family() == TaskFamily::Formal) {
  m_tokenNames = task.info().alphabet;
  const auto addSpecial = [this](const char* name) {
    m_tokenNames.emplace_back(name);
    return static_cast<int>(m_tokenNames.size()) - 1;
  };
  m_bos = addSpecial("<bos>");
  if (m_multiLabel) {
    m_outputNames = task.info().alphabet;
    m_outputNames.emplace_back("<eos>");
  } else {
    m_sep = addSpecial("<sep>");
    m_eos = addSpecial("<eos>");
    m_pad = addSpecial("<pad>");
    m_outputNames = m_tokenNames;
  }
  m_outputSize = static_cast<int>(m_outputNames.size());
}

int SequenceCodec::maxSequenceLength(int n) const {
  return m_multiLabel ? n + 1 : n + m_task.maxOutputLength(n) + 2;
}

EncodedSequence SequenceCodec::encode(const Example& example) const {
  EncodedSequence seq;
  const int n = example.length();
  if (m_multiLabel) {
    const std::size_t rowWidth = static_cast<std::size_t>(m_outputSize);
    if (example.continuations.size() != static_cast<std::size_t>(n + 1) * rowWidth) {
      throw std::logic_error("formal example of length " + std::to_string(n) +
                             " has a continuation table of the wrong size");
    }
    seq.tokens.reserve(static_cast<std::size_t>(n) + 1);
    seq.tokens.push_back(m_bos);
    seq.tokens.insert(seq.tokens.end(), example.input.begin(), example.input.end());
    seq.labels = example.continuations;
    return seq;
  }
  const int m = static_cast<int>(example.output.size());
  seq.tokens.reserve(static_cast<std::size_t>(n + m + 2));
  seq.tokens.push_back(m_bos);
  seq.tokens.insert(seq.tokens.end(), example.input.begin(), example.input.end());
  seq.tokens.push_back(m_sep);
  seq.tokens.insert(seq.tokens.end(), example.output.begin(), example.output.end());
  seq.targets.assign(seq.tokens.size(), -1);
  for (int k = 0; k < m; ++k) seq.targets[static_cast<std::size_t>(n + 1 + k)] = example.output[k];
  seq.targets[static_cast<std::size_t>(n + 1 + m)] = m_eos;
  return seq;
}

std::vector<int> SequenceCodec::encodePrompt(const std::vector<int>& input) const {
  std::vector<int> tokens;
  tokens.reserve(input.size() + 2);
  tokens.push_back(m_bos);
  tokens.insert(tokens.end(), input.begin(), input.end());
  if (!m_multiLabel) tokens.push_back(m_sep);
  return tokens;
}

std::vector<int> SequenceCodec::parseSymbols(const std::string& text) const {
  const auto& alphabet = m_task.info().alphabet;
  const bool singleChars = std::all_of(alphabet.begin(), alphabet.end(),
                                       [](const std::string& s) { return s.size() == 1; });
  std::vector<std::string> words;
  std::istringstream stream(text);
  for (std::string word; stream >> word;) words.push_back(word);
  // "0110" for a one-character alphabet reads as four symbols.
  if (singleChars && words.size() == 1 && words[0].size() > 1) {
    const std::string joined = words[0];
    words.clear();
    for (char c : joined) words.emplace_back(1, c);
  }
  std::vector<int> ids;
  ids.reserve(words.size());
  for (const auto& word : words) {
    const auto it = std::find(alphabet.begin(), alphabet.end(), word);
    if (it == alphabet.end()) {
      std::string allowed;
      const std::size_t shown = std::min<std::size_t>(alphabet.size(), 12);
      for (std::size_t i = 0; i < shown; ++i) allowed += (i ? " " : "") + alphabet[i];
      if (shown < alphabet.size()) allowed += " ... " + alphabet.back();
      throw std::invalid_argument("unknown symbol '" + word + "' for task " + m_task.id() +
                                  "; its symbols are: " + allowed);
    }
    ids.push_back(static_cast<int>(it - alphabet.begin()));
  }
  return ids;
}

}  // namespace lengthlab
