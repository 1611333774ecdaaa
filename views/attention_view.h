// The attention view: where every head looks on one probe input, as a layers x heads grid of
// heatmaps (query rows, key columns, query 0 on top, one colour scale 0..1 for all), with token
// labels, the end of the longest training sequence dashed on every map, a hover read-out and
// click-to-enlarge. The probe itself is chosen here (length, new example) but sampled by the
// training thread: the view only emits the request. With one head per layer the layers sit side
// by side, so that the maps can be as tall as the view; titles, captions and tick labels adapt
// to the room the view gets.
#pragma once

#include "figure_view.h"
#include "heatmap_grid.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

class QLabel;
class QMouseEvent;
class QPushButton;
class QResizeEvent;
class QSpinBox;

namespace lengthlab {

class AttentionView : public PlotFigureView {
  Q_OBJECT

 public:
  explicit AttentionView(QWidget* parent = nullptr);

  QString figureName() const override { return QStringLiteral("attention"); }
  QString figureTitle() const override { return tr("Attention"); }
  void showSnapshot(const TrainingSnapshot& snapshot) override;
  void clear() override;
  // layer,head,query,key,query_token,key_token,weight for every head of the shown probe
  // (layer and head from 1 as on screen, query and key positions from 0 as in the tick labels).
  bool saveData(const QString& path) override;

  // Shows head (layer, head), 0-based, alone and big, with every token labelled when there is room.
  void enlarge(int layer, int head);
  // Back to the grid of every head.
  void showAllHeads();
  bool isEnlarged() const { return m_enlarged.has_value(); }
  // The colour map of head (layer, head), or nullptr when that head is not on screen.
  QCPColorMap* colorMap(int layer, int head) const;
  // The boundary lines of head (layer, head): vertical on the keys, horizontal on the queries.
  std::pair<QCPItemStraightLine*, QCPItemStraightLine*> boundaryLines(int layer, int head) const;

 signals:
  // The user picked another probe length (a task length n, 1..max test length).
  void probeLengthChanged(int length);
  void newExampleRequested();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  struct Head {
    int layer = 0;
    int head = 0;
  };
  struct Panel {
    Head head;
    QCPAxisRect* rect = nullptr;
    QCPColorMap* map = nullptr;
    QCPItemStraightLine* keyLine = nullptr;    // vertical, at the boundary key
    QCPItemStraightLine* queryLine = nullptr;  // horizontal, at the boundary query
  };

  QWidget* createControls();
  void setExperiment(std::shared_ptr<const ExperimentSummary> experiment);
  void updateRangeLabel();
  void showEmpty();
  bool layoutMatchesProbe() const;
  bool layersAcross() const;
  void buildPanels();
  QCPLayoutElement* buildFrame();
  void alignPanels(int rows, int columns);
  void addPanelTitles(QCPLayoutGrid& grid);
  Panel addPanel(QCPLayoutGrid& grid, int row, int column, Head head);
  void fillPanels();
  void updateTitles();
  void fitToSize();
  bool fitTexts();
  bool fitKeyLabels();
  const Panel* panelAt(const QPoint& position) const;
  void showCellToolTip(QMouseEvent* event);
  void handleClick(QMouseEvent* event);

  std::shared_ptr<const ExperimentSummary> m_experiment;
  std::shared_ptr<const AttentionProbe> m_probe;
  bool m_probeLengthSynced = false;
  std::optional<Head> m_enlarged;

  std::vector<Panel> m_panels;
  heatmap::GridShape m_shape;  // the same maps, for the layout refinement after each layout step
  std::vector<QCPMarginGroup*> m_marginGroups;
  QCPLayoutGrid* m_mapGrid = nullptr;
  QCPTextElement* m_title = nullptr;
  QCPTextElement* m_caption = nullptr;
  QCPTextElement* m_hint = nullptr;
  // Texts most detailed first: the first that fits is shown (see fitTexts).
  QStringList m_titles;
  QStringList m_captions;
  QString m_hintText;        // shown beside the caption when both fit, else only in the tooltips
  std::vector<QStringList> m_headers;  // per map column
  QCPColorScale* m_scale = nullptr;
  QSharedPointer<heatmap::IndexTicker> m_keyTicker;
  QSharedPointer<heatmap::IndexTicker> m_queryTicker;
  bool m_numberedKeys = false;  // key labels without tokens: a plot too short for turned tokens
  int m_builtLayers = 0;
  int m_builtHeads = 0;

  QSpinBox* m_length = nullptr;
  QLabel* m_rangeLabel = nullptr;
  QPushButton* m_newExample = nullptr;
  QPushButton* m_back = nullptr;
};

}  // namespace lengthlab
