#include "safetensors.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <bit>
#include <cstring>
#include <limits>

namespace lengthlab {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

std::int64_t elementCount(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

QByteArray headerBytes(const std::vector<TensorView>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  QJsonObject header;
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    QJsonArray shape;
    for (auto d : t.shape) shape.append(static_cast<qint64>(d));
    const std::int64_t bytes = elementCount(t.shape) * static_cast<std::int64_t>(sizeof(float));
    header.insert(QString::fromStdString(t.name),
                  QJsonObject{{"dtype", "F32"},
                              {"shape", shape},
                              {"data_offsets", QJsonArray{static_cast<qint64>(offset),
                                                          static_cast<qint64>(offset + bytes)}}});
    offset += bytes;
  }
  if (!metadata.empty()) {
    QJsonObject meta;
    for (const auto& [k, v] : metadata) meta.insert(QString::fromStdString(k), QString::fromStdString(v));
    header.insert("__metadata__", meta);
  }
  QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
  // The reference implementation pads the header with spaces to an 8-byte boundary.
  while (json.size() % 8 != 0) json.append(' ');
  return json;
}

}  // namespace

void writeSafetensors(const QString& path, const std::vector<TensorView>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  const QByteArray header = headerBytes(tensors, metadata);
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    throw RunIoError("cannot write " + path + ": " + file.errorString());
  }
  const auto headerSize = static_cast<std::uint64_t>(header.size());
  char sizeBytes[8];
  std::memcpy(sizeBytes, &headerSize, 8);
  file.write(sizeBytes, 8);
  file.write(header);
  for (const auto& t : tensors) {
    const auto bytes = elementCount(t.shape) * static_cast<std::int64_t>(sizeof(float));
    file.write(reinterpret_cast<const char*>(t.data), bytes);
  }
  if (!file.commit()) throw RunIoError("cannot write " + path + ": " + file.errorString());
}

std::map<std::string, Tensor> readSafetensors(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    throw RunIoError("cannot read " + path + ": " + file.errorString());
  }
  const auto fail = [&](const QString& why) -> RunFormatError {
    return RunFormatError(path + " is not a valid safetensors file: " + why);
  };
  const qint64 fileSize = file.size();
  std::uint64_t headerSize = 0;
  if (file.read(reinterpret_cast<char*>(&headerSize), 8) != 8) throw fail("it is shorter than 8 bytes");
  if (headerSize == 0 || headerSize > static_cast<std::uint64_t>(fileSize - 8) || headerSize > 100'000'000) {
    throw fail("its header length (" + QString::number(headerSize) + " bytes) does not fit the file");
  }
  const QByteArray headerJson = file.read(static_cast<qint64>(headerSize));
  QJsonParseError parseError;
  const QJsonDocument doc = QJsonDocument::fromJson(headerJson, &parseError);
  if (!doc.isObject()) throw fail("its header is not a JSON object (" + parseError.errorString() + ")");
  const qint64 dataStart = 8 + static_cast<qint64>(headerSize);
  const qint64 dataSize = fileSize - dataStart;
  std::map<std::string, Tensor> tensors;
  const QJsonObject header = doc.object();
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    const QJsonObject entry = it.value().toObject();
    if (entry.value("dtype").toString() != "F32") {
      throw fail("tensor " + it.key() + " has dtype " + entry.value("dtype").toString() +
                 "; LengthLab reads F32 only");
    }
    Tensor t;
    std::int64_t count = 1;
    for (const auto& d : entry.value("shape").toArray()) {
      const qint64 dim = d.toInteger(-1);
      if (dim < 0 || dim > std::numeric_limits<std::int32_t>::max()) throw fail("tensor " + it.key() + " has a bad shape");
      t.shape.push_back(dim);
      count *= dim;
      if (count > dataSize) throw fail("tensor " + it.key() + " is larger than the file");
    }
    const QJsonArray offsets = entry.value("data_offsets").toArray();
    const qint64 begin = offsets.size() == 2 ? offsets[0].toInteger(-1) : -1;
    const qint64 end = offsets.size() == 2 ? offsets[1].toInteger(-1) : -1;
    if (begin < 0 || end < begin || end > dataSize || end - begin != count * 4) {
      throw fail("tensor " + it.key() + " has data offsets outside the file or of the wrong size");
    }
    t.data.resize(static_cast<std::size_t>(count));
    if (!file.seek(dataStart + begin) ||
        file.read(reinterpret_cast<char*>(t.data.data()), end - begin) != end - begin) {
      throw fail("tensor " + it.key() + " could not be read in full");
    }
    tensors.emplace(it.key().toStdString(), std::move(t));
  }
  return tensors;
}

}  // namespace lengthlab
