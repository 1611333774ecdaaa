#include "length_ranges.h"

#include <QRegularExpression>
#include <QStringList>

namespace lengthlab {

LengthRange parseLengthRange(const QString& text) {
  static const QRegularExpression pattern(R"(^\s*(\d{1,7})\s*(?:-\s*(\d{1,7}))?\s*$)");
  const auto match = pattern.match(text);
  if (!match.hasMatch()) {
    throw RangeSyntaxError("'" + text.toStdString() +
                           "' is not a length range; write LO-HI with whole numbers, e.g. 1-50");
  }
  const int lo = match.captured(1).toInt();
  const int hi = match.captured(2).isEmpty() ? lo : match.captured(2).toInt();
  if (lo > hi) {
    throw RangeSyntaxError("the range '" + text.trimmed().toStdString() +
                           "' is empty: its first length must not exceed its last");
  }
  return LengthRange{lo, hi};
}

std::vector<LengthRange> parseLengthBins(const QString& text) {
  std::vector<LengthRange> bins;
  const QStringList parts = text.split(',');
  for (const QString& part : parts) {
    if (part.trimmed().isEmpty()) {
      throw RangeSyntaxError("'" + text.toStdString() +
                             "' has an empty bin; write bins as LO-HI separated by commas, e.g. "
                             "1-50,51-100,101-150");
    }
    bins.push_back(parseLengthRange(part));
  }
  return bins;
}

QString toString(const LengthRange& range) {
  return QString::fromStdString(formatRange(range));
}

QString toString(const std::vector<LengthRange>& bins) {
  QStringList parts;
  for (const auto& bin : bins) parts << toString(bin);
  return parts.join(',');
}

}  // namespace lengthlab
