#include "formal_language_task.h"

#include <stdexcept>

namespace lengthlab {
namespace {

// Patterns longer than this are not worth putting into words; describeLengths falls back to a
// count. Every language of PAPER.md has period 1, 2 or 4 from length 5 at the latest.
constexpr int kLongestPeriod = 16;
constexpr int kLatestPatternStart = 64;

int lastIndex(const std::vector<bool>& hasMember) { return static_cast<int>(hasMember.size()) - 1; }

// True when hasMember repeats with this period from start on and has a member there. The tail
// must hold three periods at least: any short enough tail "repeats", which proves nothing.
bool periodicFrom(const std::vector<bool>& hasMember, int start, int period) {
  const int last = lastIndex(hasMember);
  if (last - start + 1 < 3 * period) return false;
  bool anyMember = false;
  for (int n = start; n <= last; ++n) {
    anyMember = anyMember || hasMember[static_cast<std::size_t>(n)];
    if (n + period <= last &&
        hasMember[static_cast<std::size_t>(n)] != hasMember[static_cast<std::size_t>(n + period)]) {
      return false;
    }
  }
  return anyMember;
}

std::string joinWithCommas(const std::vector<int>& values) {
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(values[i]);
  }
  return text;
}

// Words for the members from start on, which repeat with the given period.
std::string describePeriodicTail(const std::vector<bool>& hasMember, int start, int period) {
  const int last = lastIndex(hasMember);
  int first = start;
  while (!hasMember[static_cast<std::size_t>(first)]) ++first;
  int lastMember = last;
  while (!hasMember[static_cast<std::size_t>(lastMember)]) --lastMember;
  const std::string range = "from " + std::to_string(first) + " to " + std::to_string(lastMember);
  std::vector<int> residues;
  for (int n = start; n < start + period && n <= last; ++n) {
    if (hasMember[static_cast<std::size_t>(n)]) residues.push_back(n % period);
  }
  if (period == 1) return "every length " + range;
  if (period == 2) return (residues.front() == 0 ? "even lengths " : "odd lengths ") + range;
  if (residues.size() == 1 && residues.front() == 0) {
    return "multiples of " + std::to_string(period) + " " + range;
  }
  std::string residueText;
  for (std::size_t i = 0; i < residues.size(); ++i) {
    residueText += (i ? ", " : "") + std::to_string(residues[i]);
  }
  return "lengths n " + range + " with n mod " + std::to_string(period) +
         (residues.size() == 1 ? " = " + residueText : " in {" + residueText + "}");
}

}  // namespace

std::string describeLengths(const std::vector<bool>& hasMember) {
  const int last = lastIndex(hasMember);
  std::vector<int> members;
  for (int n = 0; n <= last; ++n) {
    if (hasMember[static_cast<std::size_t>(n)]) members.push_back(n);
  }
  if (members.empty()) {
    return "none (no member of any length from 0 to " + std::to_string(last) + ")";
  }
  // The shortest period, then the earliest start; the few members before the start are listed.
  for (int period = 1; period <= kLongestPeriod; ++period) {
    for (int start = 0; start <= kLatestPatternStart && start <= last; ++start) {
      if (!periodicFrom(hasMember, start, period)) continue;
      std::vector<int> before;
      for (int n : members) {
        if (n < start) before.push_back(n);
      }
      const std::string tail = describePeriodicTail(hasMember, start, period);
      if (before.empty()) return tail;
      return (before.size() == 1 ? "length " : "lengths ") + joinWithCommas(before) + " and " +
             tail;
    }
  }
  return "the " + std::to_string(members.size()) + " lengths from " +
         std::to_string(members.front()) + " to " + std::to_string(members.back()) +
         " that have a member";
}

std::unique_ptr<Task> makeFormalLanguageTask(TaskInfo info,
                                             std::vector<std::vector<int>> transitions, int start,
                                             const std::vector<int>& acceptingStates) {
  info.family = TaskFamily::Formal;
  info.randomBaseline = 0.0;
  info.presetApe = kFormalLanguagePreset;
  info.presetNope = kFormalLanguagePreset;
  const int symbols = static_cast<int>(info.alphabet.size());
  Dfa dfa(symbols, std::move(transitions), start, acceptingStates, FormalLanguageTask::kMaxLength);
  return std::make_unique<FormalLanguageTask>(std::move(info), std::move(dfa));
}

FormalLanguageTask::FormalLanguageTask(TaskInfo info, Dfa dfa)
    : Task(std::move(info)), m_dfa(std::move(dfa)) {
  if (family() != TaskFamily::Formal || alphabetSize() != m_dfa.alphabetSize() ||
      m_dfa.maxLength() < kMaxLength) {
    throw std::logic_error("formal language " + id() + ": metadata and DFA do not match");
  }
  std::vector<bool> hasMember(kMaxLength + 1);
  for (int n = 0; n <= kMaxLength; ++n) {
    hasMember[static_cast<std::size_t>(n)] = !m_dfa.memberCount(n).isZero();
  }
  m_lengthRule = describeLengths(hasMember);
}

BigUint FormalLanguageTask::memberCount(int n) const {
  if (n < 0 || n > kMaxLength) return BigUint();
  return m_dfa.memberCount(n);
}

bool FormalLanguageTask::hasLength(int n) const {
  return n >= 0 && n <= kMaxLength && !m_dfa.memberCount(n).isZero();
}

std::optional<Example> FormalLanguageTask::complete(const std::vector<int>& input) const {
  for (int s : input) {
    if (s < 0 || s >= alphabetSize()) return std::nullopt;
  }
  return Example{input, {}, m_dfa.continuationTable(input)};
}

Example FormalLanguageTask::sampleValidLength(int n, Rng& rng) const {
  std::vector<int> member = m_dfa.sampleMember(n, rng);
  std::vector<std::uint8_t> table = m_dfa.continuationTable(member);
  return Example{std::move(member), {}, std::move(table)};
}

}  // namespace lengthlab
