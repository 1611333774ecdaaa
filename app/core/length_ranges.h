// Parsing and printing of length ranges as users type them: "1-50", "51-100", or a single
// length "7"; bin lists separated by commas: "1-50,51-100,101-150".
#pragma once

#include "evaluation.h"

#include <QString>

#include <stdexcept>
#include <vector>

namespace lengthlab {

class RangeSyntaxError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws RangeSyntaxError with a message that shows the expected form.
LengthRange parseLengthRange(const QString& text);
std::vector<LengthRange> parseLengthBins(const QString& text);

QString toString(const LengthRange& range);
QString toString(const std::vector<LengthRange>& bins);

}  // namespace lengthlab
