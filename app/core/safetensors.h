// The safetensors format (an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw little-endian data), float32 only.
// Written atomically with QSaveFile; read with every size and offset checked, so a truncated or
// foreign file gives a RunFormatError instead of a crash.
#pragma once

#include "run_errors.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lengthlab {

struct TensorView {
  std::string name;
  std::vector<std::int64_t> shape;
  const float* data = nullptr;  // product(shape) floats
};

struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;
};

// metadata: string values only (the format's rule), stored under "__metadata__".
void writeSafetensors(const QString& path, const std::vector<TensorView>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

std::map<std::string, Tensor> readSafetensors(const QString& path);

}  // namespace lengthlab
