// A formal language as a task (PAPER.md section 5): a DFA plus the metadata shown to students.
// An example of length n is a member of exactly length n, drawn uniformly among all members of
// that length, with the table of possible continuations after every prefix (the empty prefix,
// i.e. the <bos> position, included).
//
// Lengths: hasLength(n) holds exactly when the language has a member of length n, for
// 0 <= n <= kMaxLength. n = 0 (the empty string) is allowed for the languages that contain it: a
// training range of [1, 50] never asks for it, but a user can look at the one-row target table
// of the empty prefix. Lengths without a member (odd lengths for (aa)*) are refused with a
// message that says which lengths exist; a sampler over a range skips them (task_lengths.h).
#pragma once

#include "dfa.h"
#include "task.h"

#include <memory>

namespace lengthlab {

class FormalLanguageTask final : public Task {
 public:
  static constexpr int kMaxLength = kMaxTaskLength;

  // info.family must be Formal and info.alphabet must have dfa.alphabetSize() symbols.
  FormalLanguageTask(TaskInfo info, Dfa dfa);

  const Dfa& dfa() const { return m_dfa; }
  // Number of members of length n (zero for lengths without members or outside 0..kMaxLength).
  BigUint memberCount(int n) const;

  bool hasLength(int n) const override;
  // Derived from the member counts, e.g. "even lengths from 0 to 1000",
  // "multiples of 4 from 0 to 1000", "every length from 5 to 1000",
  // "length 0 and every length from 2 to 1000".
  std::string lengthRule() const override { return m_lengthRule; }
  int maxOutputLength(int) const override { return 0; }

  // The continuation table of any string over the alphabet (members or not: after a prefix that
  // no member starts with, the row is all zeros); nullopt for a symbol out of range.
  std::optional<Example> complete(const std::vector<int>& input) const override;

 protected:
  Example sampleValidLength(int n, Rng& rng) const override;

 private:
  Dfa m_dfa;
  std::string m_lengthRule;
};

// Describes which n in [0, maxLength] satisfy hasMember(n), in words (see lengthRule()).
// Exposed for testing; works for any set, falling back to a count when it finds no simple pattern.
std::string describeLengths(const std::vector<bool>& hasMember);

// Builds a language task from its metadata and DFA table (see Dfa's constructor). Sets what all
// languages share: family Formal, random baseline 0 (PAPER.md section 3) and the presets below.
std::unique_ptr<Task> makeFormalLanguageTask(TaskInfo info,
                                             std::vector<std::vector<int>> transitions, int start,
                                             const std::vector<int>& acceptingStates);

// Factories of the 17 languages (PAPER.md section 5). Tomita numbers 1..7; Dyck depths 2, 3, 4, 12.
std::unique_ptr<Task> makeAaStarTask();
std::unique_ptr<Task> makeAaaaStarTask();
std::unique_ptr<Task> makeAbabStarTask();
std::unique_ptr<Task> makeTomitaTask(int number);
std::unique_ptr<Task> makeDyckTask(int maxDepth);
std::unique_ptr<Task> makeAToETask();
std::unique_ptr<Task> makeAbDBcTask();
std::unique_ptr<Task> makeZotZTTask();

// Presets for the languages: the paper does not report its architectures for them, so these are
// LengthLab's choice: small enough to train in minutes on a laptop CPU, with two layers because
// the C-RASP programs of these languages nest at most two counting operations.
constexpr ModelPreset kFormalLanguagePreset{2, 2, 64, 1e-3};

}  // namespace lengthlab
