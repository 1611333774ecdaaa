#include "figure_view.h"

#include <QSaveFile>

#include "plot_style.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QMenu>
#include <QMessageBox>
#include <QSpinBox>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace lengthlab {
namespace {

// Asks for the PNG size; false when the user cancels.
bool askPngSize(QWidget* parent, FigureSize& size) {
  QDialog dialog(parent);
  dialog.setWindowTitle(QObject::tr("PNG size"));
  auto* width = new QSpinBox(&dialog);
  auto* height = new QSpinBox(&dialog);
  auto* dpi = new QSpinBox(&dialog);
  width->setRange(200, 8000);
  height->setRange(150, 8000);
  dpi->setRange(48, 600);
  width->setValue(size.logical.width());
  height->setValue(size.logical.height());
  dpi->setValue(size.dpi);
  width->setSuffix(" px");
  height->setSuffix(" px");
  dpi->setSuffix(" dpi");
  auto* form = new QFormLayout;
  form->addRow(QObject::tr("Width"), width);
  form->addRow(QObject::tr("Height"), height);
  form->addRow(QObject::tr("Resolution (96 = screen, 192 = sharp slides)"), dpi);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  auto* layout = new QVBoxLayout(&dialog);
  layout->addLayout(form);
  layout->addWidget(buttons);
  if (dialog.exec() != QDialog::Accepted) return false;
  size.logical = QSize(width->value(), height->value());
  size.dpi = dpi->value();
  return true;
}

}  // namespace

QString figureExtension(FigureFormat format) {
  switch (format) {
    case FigureFormat::Png: return "png";
    case FigureFormat::Svg: return "svg";
    case FigureFormat::Pdf: return "pdf";
  }
  return "png";
}

bool savePlot(QCustomPlot& plot, const QString& path, FigureFormat format, const FigureSize& size,
              QString* error) {
  plot.deselectAll();
  const int w = size.logical.width(), h = size.logical.height();
  bool ok = false;
  switch (format) {
    case FigureFormat::Png:
      ok = plot.savePng(path, w, h, size.dpi / 96.0, -1, size.dpi);
      break;
    case FigureFormat::Pdf:
      ok = plot.savePdf(path, w, h);
      break;
    case FigureFormat::Svg: {
      QSvgGenerator generator;
      generator.setFileName(path);
      generator.setSize(QSize(w, h));
      generator.setViewBox(QRect(0, 0, w, h));
      generator.setTitle(plot.windowTitle());
      QCPPainter painter;
      ok = painter.begin(&generator);
      if (ok) {
        plot.toPainter(&painter, w, h);
        ok = painter.end();
      }
      // QSvgGenerator reports no write errors: check that the file is there.
      ok = ok && QFileInfo(path).size() > 0;
      break;
    }
  }
  if (!ok && error) *error = QObject::tr("could not write %1").arg(path);
  return ok;
}

bool FigureView::writeData(const QString& path, const QByteArray& content) {
  QSaveFile file(path);
  if (file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit()) return true;
  setLastError(tr("could not write %1: %2").arg(path, file.errorString()));
  return false;
}

PlotFigureView::PlotFigureView(QWidget* parent) : FigureView(parent), m_plot(new QCustomPlot(this)) {
  style::applyTo(*m_plot);
  // QCustomPlot asks for the room its full layout needs (660 px for a grid of heatmaps), which
  // would force the window wider than a laptop screen; below that the plot simply gets tighter.
  m_plot->setMinimumSize(240, 160);
  m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(m_plot, &QWidget::customContextMenuRequested, this, &PlotFigureView::showContextMenu);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_plot, 1);  // controls added above keep their height; the plot takes the rest
}

bool PlotFigureView::saveFigure(const QString& path, FigureFormat format, const FigureSize& size) {
  QString error;
  const bool ok = savePlot(*m_plot, path, format, size, &error);
  if (!ok) setLastError(error);
  return ok;
}

void PlotFigureView::addControls(QWidget* controls) {
  static_cast<QVBoxLayout*>(layout())->insertWidget(0, controls);
}

void PlotFigureView::requestReplot() { m_plot->replot(QCustomPlot::rpQueuedReplot); }

void PlotFigureView::extendContextMenu(QMenu&, const QPoint&) {}

void PlotFigureView::showContextMenu(const QPoint& position) {
  QMenu menu(this);
  menu.addAction(tr("Export as PNG…"), this, [this] { exportInteractively(FigureFormat::Png); });
  menu.addAction(tr("Export as SVG…"), this, [this] { exportInteractively(FigureFormat::Svg); });
  menu.addAction(tr("Export as PDF…"), this, [this] { exportInteractively(FigureFormat::Pdf); });
  menu.addAction(tr("Export data as CSV…"), this, [this] { exportDataInteractively(); });
  extendContextMenu(menu, position);
  menu.exec(m_plot->mapToGlobal(position));
}

void PlotFigureView::exportInteractively(FigureFormat format) {
  FigureSize size;
  if (format == FigureFormat::Png && !askPngSize(this, size)) return;
  const QString extension = figureExtension(format);
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export %1").arg(figureTitle()), figureName() + "." + extension,
      tr("%1 files (*.%2)").arg(extension.toUpper(), extension));
  if (path.isEmpty()) return;
  if (!saveFigure(path, format, size)) {
    QMessageBox::warning(this, tr("Export failed"), lastError());
  }
}

void PlotFigureView::exportDataInteractively() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export data of %1").arg(figureTitle()),
                                                    figureName() + ".csv", tr("CSV files (*.csv)"));
  if (path.isEmpty()) return;
  if (!saveData(path)) QMessageBox::warning(this, tr("Export failed"), lastError());
}

}  // namespace lengthlab
