// Fits a grid of heatmaps to the room QCustomPlot gave it: every map the same size although only
// the outer row and column carry tick labels, shapes kept near square (a diagonal stays a
// diagonal), tick labels thinned so they never collide, cells smoothed only when they are smaller
// than a pixel, and the colour bar exactly as tall as the maps. Sizes are only known after a
// layout step, so this runs from QCustomPlot::afterLayout and lays the plot out again in place:
// what gets drawn, on screen or exported at any size, is the refined layout.
// Building the grid (what the maps show, their labels) is left to the view.
#pragma once

#include "heatmap.h"

#include <vector>

namespace lengthlab::heatmap {

struct GridShape {
  QCPLayoutGrid* grid = nullptr;          // maps at rows firstRow.., columns 0..; headers above
  int firstRow = 1;
  int rows = 0;
  int columns = 0;
  std::vector<QCPAxisRect*> rects;        // row-major, one colour map each
  QCPLayoutElement* body = nullptr;       // the grid and its colour bar: takes spare width
  QCPColorScale* scale = nullptr;         // its margins are set here (auto margins off)
  IndexTicker* keyTicker = nullptr;       // shared by every map's key (x) axis
  IndexTicker* valueTicker = nullptr;     // shared by every map's value (y) axis
  int cells = 0;                          // cells along each axis of a map

  bool empty() const { return rects.empty(); }
};

// One refinement: a few layout passes until sizes settle. Spare height goes to the margins of
// the plot's top-level layout (above and below everything), spare width to the body's.
void refineGrid(QCustomPlot& plot, const GridShape& shape);

}  // namespace lengthlab::heatmap
