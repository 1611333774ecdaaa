// lengthlab-gui-latency: how late the GUI thread's event loop runs while training goes flat out
// in the background, with the window being resized and hovered as a user would. A 5 ms timer
// records how late each tick fires; the 99th percentile must stay under 50 ms for the window to
// feel smooth. Run under QT_QPA_PLATFORM=offscreen (the default here) or on a real display.
// A benchmark, not a test: CTest never runs it.
#include "experiment_panel.h"
#include "main_window.h"
#include "openmp_wait_policy.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace lengthlab;

namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * (v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  relaunchWithPassiveOpenMpWaiting(argv);
  QApplication app(argc, argv);
  QCommandLineParser parser;
  parser.addHelpOption();
  parser.addOptions({{"task", "Task to train.", "id", "unique_copy"},
                     {"seconds", "How long to measure.", "s", "30"},
                     {"threads", "Training threads (0 = every core).", "n", "0"}});
  parser.process(app);

  MainWindow window;
  window.resize(1600, 1000);
  window.show();
  if (!window.experimentPanel()->selectTask(parser.value("task"))) {
    std::fprintf(stderr, "lengthlab-gui-latency: unknown task\n");
    return 2;
  }
  auto config = std::get<TrainingConfig>(window.experimentPanel()->config());
  config.threads = parser.value("threads").toInt();
  window.experimentPanel()->setConfig(config);
  if (!window.startTraining()) return 1;

  constexpr int kTickMs = 5;
  std::vector<double> lateness;
  QElapsedTimer clock;
  clock.start();
  qint64 lastTick = clock.nsecsElapsed();
  QTimer ticker;
  ticker.setTimerType(Qt::PreciseTimer);
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    const qint64 now = clock.nsecsElapsed();
    lateness.push_back(std::max(0.0, (now - lastTick) / 1e6 - kTickMs));
    lastTick = now;
  });
  // A user at work: the window is resized and the mouse moves over the views.
  int interaction = 0;
  QTimer user;
  QObject::connect(&user, &QTimer::timeout, [&] {
    ++interaction;
    window.resize(interaction % 2 ? QSize(1400, 900) : QSize(1600, 1000));
    for (FigureView* view : window.views()) {
      const QPointF point(view->width() * (interaction % 7) / 7.0, view->height() / 2.0);
      QMouseEvent move(QEvent::MouseMove, point, view->mapToGlobal(point), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
      QApplication::sendEvent(view, &move);
    }
  });
  const int seconds = std::max(3, parser.value("seconds").toInt());
  QTimer::singleShot(1000, [&] {  // let the run get going first
    lateness.clear();
    lastTick = clock.nsecsElapsed();
    ticker.start(kTickMs);
    user.start(200);
  });
  QTimer::singleShot((seconds + 1) * 1000, &app, &QApplication::quit);
  app.exec();

  const auto snapshot = window.controller()->latest();
  const double p99 = percentile(lateness, 0.99);
  std::printf("GUI event-loop lateness while training %s flat out (%zu ticks of %d ms over %d s, "
              "%ld training steps, %d window resizes):\n",
              qPrintable(parser.value("task")), lateness.size(), kTickMs, seconds, snapshot->step, interaction);
  std::printf("  median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms -> p99 %s 50 ms\n",
              percentile(lateness, 0.5), percentile(lateness, 0.9), p99,
              lateness.empty() ? 0.0 : *std::max_element(lateness.begin(), lateness.end()),
              p99 < 50 ? "under" : "NOT under");
  return 0;
}
