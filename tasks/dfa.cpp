#include "dfa.h"

#include <stdexcept>
#include <string>

namespace lengthlab {

Dfa::Dfa(int alphabetSize, std::vector<std::vector<int>> transitions, int start,
         const std::vector<int>& acceptingStates, int maxLength)
    : m_alphabetSize(alphabetSize), m_start(start), m_maxLength(maxLength) {
  const int liveCount = static_cast<int>(transitions.size());
  const int dead = liveCount;  // the appended sink
  if (alphabetSize < 1 || liveCount < 1 || maxLength < 0) {
    throw std::invalid_argument("a DFA needs at least one symbol, one state and maxLength >= 0");
  }
  if (start < 0 || start >= liveCount) throw std::invalid_argument("DFA start state out of range");
  m_next.reserve(static_cast<std::size_t>((liveCount + 1) * alphabetSize));
  for (int q = 0; q < liveCount; ++q) {
    const auto& row = transitions[static_cast<std::size_t>(q)];
    if (static_cast<int>(row.size()) != alphabetSize) {
      throw std::invalid_argument("DFA state " + std::to_string(q) + " has " +
                                  std::to_string(row.size()) + " transitions, expected " +
                                  std::to_string(alphabetSize));
    }
    for (int target : row) {
      if (target != kDead && (target < 0 || target >= liveCount)) {
        throw std::invalid_argument("DFA state " + std::to_string(q) + " has a transition to " +
                                    "unknown state " + std::to_string(target));
      }
      m_next.push_back(target == kDead ? dead : target);
    }
  }
  for (int c = 0; c < alphabetSize; ++c) m_next.push_back(dead);
  m_accepting.assign(static_cast<std::size_t>(liveCount + 1), false);
  for (int q : acceptingStates) {
    if (q < 0 || q >= liveCount) throw std::invalid_argument("DFA accepting state out of range");
    m_accepting[static_cast<std::size_t>(q)] = true;
  }
  computeLive();
  computeCompletions();
}

int Dfa::run(const std::vector<int>& symbols) const {
  int state = m_start;
  for (int symbol : symbols) {
    if (symbol < 0 || symbol >= m_alphabetSize) return deadState();
    state = next(state, symbol);
  }
  return state;
}

const BigUint& Dfa::completions(int state, int remaining) const {
  if (state < 0 || state >= stateCount() || remaining < 0 || remaining > m_maxLength) {
    throw std::out_of_range("DFA completions asked for state " + std::to_string(state) +
                            " and length " + std::to_string(remaining));
  }
  return m_completions[static_cast<std::size_t>(remaining * stateCount() + state)];
}

std::vector<int> Dfa::sampleMember(int n, Rng& rng) const {
  if (n < 0 || n > m_maxLength || memberCount(n).isZero()) {
    throw std::invalid_argument("the language has no member of length " + std::to_string(n));
  }
  // Unranking: draw the rank of the member among all members of length n (ordered by symbol id
  // at each position), then walk down, skipping the blocks of members that start differently.
  // Exact counts make every member equally likely.
  BigUint rank = BigUint::uniformBelow(memberCount(n), rng);
  std::vector<int> symbols;
  symbols.reserve(static_cast<std::size_t>(n));
  int state = m_start;
  for (int remaining = n; remaining > 0; --remaining) {
    for (int c = 0; c < m_alphabetSize; ++c) {
      const BigUint& block = completions(next(state, c), remaining - 1);
      if (rank < block) {
        symbols.push_back(c);
        state = next(state, c);
        break;
      }
      rank -= block;
    }
  }
  return symbols;
}

std::vector<std::uint8_t> Dfa::continuationTable(const std::vector<int>& symbols) const {
  const std::size_t width = static_cast<std::size_t>(m_alphabetSize) + 1;
  std::vector<std::uint8_t> table((symbols.size() + 1) * width, 0);
  int state = m_start;
  for (std::size_t i = 0; i <= symbols.size(); ++i) {
    std::uint8_t* row = table.data() + i * width;
    for (int c = 0; c < m_alphabetSize; ++c) row[c] = live(next(state, c)) ? 1 : 0;
    row[m_alphabetSize] = accepting(state) ? 1 : 0;
    if (i < symbols.size()) {
      const int symbol = symbols[i];
      state = (symbol < 0 || symbol >= m_alphabetSize) ? deadState() : next(state, symbol);
    }
  }
  return table;
}

void Dfa::computeLive() {
  // Backward reachability from the accepting states, iterated to a fixed point (a handful of
  // states, so the quadratic loop is instant).
  m_live = m_accepting;
  for (bool changed = true; changed;) {
    changed = false;
    for (int q = 0; q < stateCount(); ++q) {
      if (m_live[static_cast<std::size_t>(q)]) continue;
      for (int c = 0; c < m_alphabetSize; ++c) {
        if (m_live[static_cast<std::size_t>(next(q, c))]) {
          m_live[static_cast<std::size_t>(q)] = true;
          changed = true;
          break;
        }
      }
    }
  }
}

void Dfa::computeCompletions() {
  // completions(q, 0) = [q accepting];
  // completions(q, r) = sum over symbols c of completions(next(q, c), r - 1).
  const int states = stateCount();
  m_completions.assign(static_cast<std::size_t>((m_maxLength + 1) * states), BigUint());
  for (int q = 0; q < states; ++q) {
    if (accepting(q)) m_completions[static_cast<std::size_t>(q)] = BigUint(1);
  }
  for (int r = 1; r <= m_maxLength; ++r) {
    const std::size_t row = static_cast<std::size_t>(r * states);
    const std::size_t previous = row - static_cast<std::size_t>(states);
    for (int q = 0; q < states; ++q) {
      BigUint& total = m_completions[row + static_cast<std::size_t>(q)];
      for (int c = 0; c < m_alphabetSize; ++c) {
        total += m_completions[previous + static_cast<std::size_t>(next(q, c))];
      }
    }
  }
}

}  // namespace lengthlab
