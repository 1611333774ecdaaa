// What a task is: its vocabulary, how to sample an example of a given length, what is supervised,
// and the theory metadata shown to students (PAPER.md sections 4-6).
// Deliberately absent: anything about the model. How an example becomes model token ids lives in
// sequence_codec.h, so that tasks stay plain descriptions of data.
#pragma once

#include "rng.h"

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lengthlab {

enum class TaskFamily { Algorithmic, Formal };

// The longest input any task produces: more than any test bin a class would try, and small enough
// that a typo (100000) is caught instead of building a gigantic position table.
inline constexpr int kMaxTaskLength = 1000;

// "algorithmic" or "formal", as written in JSON and on the command line.
std::string_view familyId(TaskFamily family);

// The paper's exact-match accuracy in percent on the bins [1,50], [51,100], [101,150].
using BinPercents = std::array<double, 3>;

struct PaperNumbers {
  std::optional<BinPercents> ape;
  std::optional<BinPercents> nope;
  std::optional<BinPercents> reg;  // APE + regulariser
};

// A model size and learning rate that suits the task (the paper's choice where it reports one).
struct ModelPreset {
  int layers = 2;
  int heads = 2;
  int dModel = 64;
  double learningRate = 1e-3;
};

struct TaskInfo {
  std::string id;    // stable identifier, e.g. "unique_copy", "tomita4"
  std::string name;  // display name, e.g. "Unique copy", "Tomita-4"
  TaskFamily family = TaskFamily::Algorithmic;
  std::vector<std::string> alphabet;  // the task's own symbols in id order, no special tokens
  std::string description;            // two or three sentences for a student
  bool craspApe = false;              // in C-RASP[periodic, local]: predicted to generalize with APE
  bool craspNope = false;             // in C-RASP[]: predicted to generalize with NoPE
  std::string craspProgram;           // empty when the task has no C-RASP program
  PaperNumbers paper;
  double randomBaseline = 0.0;  // accuracy of chance, as a fraction in [0, 1]
  ModelPreset presetApe;
  ModelPreset presetNope;
};

// One example, in the task's own symbol ids (indices into TaskInfo::alphabet).
struct Example {
  std::vector<int> input;   // algorithmic: x1..xn; formal: the string s1..sn
  std::vector<int> output;  // algorithmic: y1..ym; formal: empty
  // Formal languages only: row i (i = 0..n) lists, after the prefix s1..si, which symbols may
  // follow (columns 0..|alphabet|-1) and whether the prefix itself is a member (last column).
  // Shape [(n + 1) x (|alphabet| + 1)], row-major, entries 0 or 1.
  std::vector<std::uint8_t> continuations;

  int length() const { return static_cast<int>(input.size()); }
};

// Thrown when a task is asked for a length it cannot produce; the message says what is allowed.
class LengthError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Task {
 public:
  explicit Task(TaskInfo info) : m_info(std::move(info)) {}
  virtual ~Task() = default;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  const TaskInfo& info() const { return m_info; }
  const std::string& id() const { return m_info.id; }
  TaskFamily family() const { return m_info.family; }
  int alphabetSize() const { return static_cast<int>(m_info.alphabet.size()); }

  // Whether an example of length n exists (e.g. (aa)* has members only at even n).
  virtual bool hasLength(int n) const = 0;
  // The allowed lengths in words, for error messages: "every length >= 1", "even lengths".
  virtual std::string lengthRule() const = 0;
  // The longest output (y1..ym) an input of length n can have; 0 for formal languages.
  virtual int maxOutputLength(int n) const = 0;

  // One example of length n drawn from rng. Throws LengthError when !hasLength(n).
  Example sample(int n, Rng& rng) const;

  // The labelled example for a given input (symbol ids), or nullopt when the task leaves the
  // answer undefined (a tie for majority, a string with a symbol out of range, ...).
  virtual std::optional<Example> complete(const std::vector<int>& input) const = 0;

 protected:
  virtual Example sampleValidLength(int n, Rng& rng) const = 0;

 private:
  TaskInfo m_info;
};

}  // namespace lengthlab
