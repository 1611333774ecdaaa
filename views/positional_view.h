// The positional-encoding view: the learned position table seen through the theory (PAPER.md
// section 6). Three panels: the norm of each position vector against position (training lengths
// and the positions random offsets reach marked); the positional attention product
// M[i,j] = p_i^T Wq_h Wk_h^T p_j of one chosen head (causal part only, diverging colours around 0,
// where "local" shows as a band along the diagonal and "periodic" as stripes); and the cosine
// similarity of position vectors. NoPE models have no table: the view says so instead.
// Titles, tick steps and the legend adapt to the room the view gets (a laptop dock or a slide);
// hovering a heatmap reads out its value.
#pragma once

#include "figure_view.h"

#include <memory>
#include <vector>

class QCPAxis;
class QCPAxisRect;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemRect;
class QCPLayoutGrid;
class QCPLegend;
class QCPMarginGroup;
class QCPTextElement;
class QLabel;
class QMouseEvent;
class QSpinBox;

namespace lengthlab {

class PositionalView : public PlotFigureView {
  Q_OBJECT

 public:
  explicit PositionalView(QWidget* parent = nullptr);

  QString figureName() const override { return QStringLiteral("positional-encodings"); }
  QString figureTitle() const override { return tr("Positional encodings"); }
  void showSnapshot(const TrainingSnapshot& snapshot) override;
  void clear() override;
  // One table, kind,layer,head,i,j,value: "norm" rows (i, value), then "product" rows of the
  // chosen head's causal part (layer and head from 1, as on screen), then "cosine" rows.
  bool saveData(const QString& path) override;

  // Picks the head whose positional product is shown (0-based); ignored when out of range.
  void selectHead(int layer, int head);
  int selectedLayer() const;
  int selectedHead() const;

  // The plotted objects, nullptr while the view shows a message (no data yet, NoPE).
  QCPGraph* normGraph() const { return m_normGraph; }
  QCPColorMap* productMap() const { return m_productMap; }
  QCPColorMap* cosineMap() const { return m_cosineMap; }

 private:
  QWidget* createControls();
  void showMessage(const QString& message);
  void buildPanels();
  QCPAxisRect* addNormPanel(QCPLayoutGrid& layout);
  QCPAxisRect* addHeatmapPanel(QCPLayoutGrid& heatmaps, int column, const QString& scaleLabel, QCPColorMap*& map,
                               QCPColorScale*& scale, QCPTextElement*& title);
  void fitToSize();
  bool fitOnce();
  bool fitNormHeader();
  bool balanceMaps();
  bool squareMaps();
  void showCellToolTip(QMouseEvent* event);
  void fillNorms();
  void fillProduct();
  void fillCosine();
  void updateHeadRanges();

  std::shared_ptr<const ExperimentSummary> m_experiment;
  std::shared_ptr<const PositionalPicture> m_picture;
  std::vector<QCPMarginGroup*> m_marginGroups;

  QCPTextElement* m_normTitle = nullptr;
  QCPAxisRect* m_normRect = nullptr;
  QCPGraph* m_normGraph = nullptr;
  QCPItemRect* m_trainShade = nullptr;
  QCPItemRect* m_offsetShade = nullptr;
  QCPGraph* m_trainKey = nullptr;   // legend entries for the shaded ranges
  QCPGraph* m_offsetKey = nullptr;
  QCPLegend* m_legend = nullptr;
  QCPColorMap* m_productMap = nullptr;
  QCPColorScale* m_productScale = nullptr;
  QCPTextElement* m_productTitle = nullptr;
  QCPColorMap* m_cosineMap = nullptr;
  QCPColorScale* m_cosineScale = nullptr;
  QCPTextElement* m_cosineTitle = nullptr;
  QCPLayoutGrid* m_heatmaps = nullptr;  // both heatmap panels: capped in height to keep maps square
  // Titles, most detailed first: the first that fits the room is shown (see fitToSize).
  QStringList m_productTitles;
  QStringList m_cosineTitles;
  std::vector<QCPAxis*> m_positionAxes;  // axes of positions 0..P-1, each with its own IndexTicker

  QSpinBox* m_layer = nullptr;
  QSpinBox* m_head = nullptr;
};

}  // namespace lengthlab
