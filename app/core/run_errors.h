// Errors of run files: a file that cannot be read or written (RunIoError) and one that can be
// read but is damaged or is not a LengthLab run (RunFormatError). Both carry a message that
// names the file and what is wrong, ready to show to a user.
#pragma once

#include <QString>

#include <stdexcept>

namespace lengthlab {

class RunIoError : public std::runtime_error {
 public:
  explicit RunIoError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

class RunFormatError : public std::runtime_error {
 public:
  explicit RunFormatError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

}  // namespace lengthlab
