// A deterministic finite automaton with everything the formal-language tasks need from it
// (PAPER.md section 5): membership, the number of members of each length, uniform sampling of a
// member of exact length n, and the per-prefix table of possible continuations.
//
// Symbols are ids 0..A-1 (A = alphabet size); states are ids 0..Q-1 plus one dead state, a
// rejecting sink that the constructor appends, so a definition only lists the transitions that
// can still lead to a member and writes kDead for the rest.
//
// Member counts are exact (BigUint), precomputed for every state and every remaining length up to
// maxLength: completions(q, r) = number of strings w of length r that lead from q to an accepting
// state. Sampling walks these counts, so every member of length n is equally likely.
#pragma once

#include "big_uint.h"
#include "rng.h"

#include <cstdint>
#include <vector>

namespace lengthlab {

class Dfa {
 public:
  static constexpr int kDead = -1;  // in a transition table: "no member can follow"

  // transitions[q][c]: the state after reading symbol c in state q, or kDead. Every row has
  // alphabetSize entries. Throws std::invalid_argument on a malformed table.
  Dfa(int alphabetSize, std::vector<std::vector<int>> transitions, int start,
      const std::vector<int>& acceptingStates, int maxLength);

  int alphabetSize() const { return m_alphabetSize; }
  int stateCount() const { return static_cast<int>(m_accepting.size()); }  // including dead
  int start() const { return m_start; }
  int deadState() const { return stateCount() - 1; }
  int maxLength() const { return m_maxLength; }

  int next(int state, int symbol) const {
    return m_next[static_cast<std::size_t>(state * m_alphabetSize + symbol)];
  }
  bool accepting(int state) const { return m_accepting[static_cast<std::size_t>(state)]; }
  // Co-accessible: some accepting state is reachable from here (by a string of any length).
  bool live(int state) const { return m_live[static_cast<std::size_t>(state)]; }

  // The state after reading symbols from the start; the dead state for a symbol out of range.
  int run(const std::vector<int>& symbols) const;
  bool accepts(const std::vector<int>& symbols) const { return accepting(run(symbols)); }

  // Number of strings of length remaining (0..maxLength) leading from state to acceptance.
  const BigUint& completions(int state, int remaining) const;
  // Number of members of length n (0..maxLength).
  const BigUint& memberCount(int n) const { return completions(m_start, n); }

  // A member of length n, uniform among all of them. Throws std::invalid_argument when there is
  // none (or n is outside 0..maxLength).
  std::vector<int> sampleMember(int n, Rng& rng) const;

  // Row i (i = 0..n) describes the prefix s1..si: column c (< A) is 1 iff s1..si c is a prefix
  // of some member, column A is 1 iff s1..si is itself a member. Shape [(n + 1) x (A + 1)].
  std::vector<std::uint8_t> continuationTable(const std::vector<int>& symbols) const;

 private:
  void computeLive();
  void computeCompletions();

  int m_alphabetSize = 0;
  int m_start = 0;
  int m_maxLength = 0;
  std::vector<int> m_next;             // [Q x A] row-major, dead state included
  std::vector<bool> m_accepting;       // [Q]
  std::vector<bool> m_live;            // [Q]
  std::vector<BigUint> m_completions;  // [(maxLength + 1) x Q]: index remaining * Q + state
};

}  // namespace lengthlab
