// The pieces every view's CSV export is written with, so that all of them quote and format alike.
#pragma once

#include <QString>

#include <algorithm>

namespace lengthlab::csv {

// RFC 4180: a field holding a comma, a quote or a line break is quoted, inner quotes doubled
// (tokens such as "," or "\"" and free text).
inline QString field(const QString& text) {
  static const QString kSpecial = QStringLiteral(",\"\n\r");
  if (std::none_of(text.begin(), text.end(), [](QChar c) { return kSpecial.contains(c); })) return text;
  return QLatin1Char('"') + QString(text).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

// Numbers with enough digits to round-trip a float, and no more.
inline QString number(double value) { return QString::number(value, 'g', 8); }

}  // namespace lengthlab::csv
