// lengthlab: the desktop app. Flags (all optional) script a demo for slides and tests:
//   lengthlab --task unique_copy [--preset nope] [training flags of lengthlab-cli train]
//             [--autostart] [--stop-after-steps N] [--export-figures DIR] [--screenshot FILE]
//             [--window-size WxH] [--quit]
// Bad flags exit with code 2 and a one-line reason, as lengthlab-cli does.
#include "demo_script.h"
#include "experiment_panel.h"
#include "main_window.h"
#include "openmp_wait_policy.h"
#include "training_options.h"

#include <QApplication>
#include <QFont>

#include <algorithm>
#include <QCommandLineParser>
#include <QRegularExpression>
#include <QTextStream>

using namespace lengthlab;

namespace {

struct Invocation {
  DemoPlan plan;
  QSize windowSize{1600, 1000};
};

[[noreturn]] void usageError(const QString& message) {
  QTextStream(stderr) << "lengthlab: " << message << '\n';
  std::exit(2);
}

// Applies --task, --preset/--pe and the training flags to the panel; returns the demo plan.
Invocation parse(QCommandLineParser& parser, const QStringList& arguments, ExperimentPanel& panel) {
  addTrainingOptions(parser);
  parser.addOptions({
      {"preset", "Start from the task's preset for this variant: ape, nope or ape-reg (same as --pe).", "variant"},
      {"autostart", "Start training at once."},
      {"stop-after-steps", "Stop the run after this many steps.", "n"},
      {"export-figures", "When the run ends, write every figure (PNG, SVG, PDF) and its data (CSV) here.", "dir"},
      {"screenshot", "Save a picture of the window here (PNG): at the stop step, or when the run ends.", "file"},
      {"window-size", "Window size, WIDTHxHEIGHT (default 1600x1000).", "size"},
      {"front", "Bring this view's panel to the front of its tab group (for the screenshot): "
                "accuracy-vs-length, training-curves, attention, positional-encodings or task-and-theory.", "view"},
      {"quit", "Quit once the run ended and the exports are written."},
  });
  parser.addHelpOption();
  parser.addVersionOption();
  if (!parser.parse(arguments)) usageError(parser.errorText());
  if (parser.isSet("help")) parser.showHelp(0);
  if (parser.isSet("version")) parser.showVersion();
  if (!parser.positionalArguments().isEmpty()) usageError("unexpected argument '" + parser.positionalArguments().first() + "'");
  Invocation invocation;
  try {
    if (parser.isSet("task") || parser.isSet("preset") || parser.isSet("pe")) {
      const Task& task = parser.isSet("task") ? taskFromOptions(parser) : *panel.currentTask();
      panel.selectTask(QString::fromStdString(task.id()));
      const QString preset = parser.isSet("preset") ? parser.value("preset") : parser.value("pe");
      const auto pe = parsePositionalEncoding(preset.isEmpty() ? "ape" : preset.toStdString());
      if (!pe) usageError("--preset must be ape, nope or ape-reg, got '" + preset + "'");
      auto base = panel.config();
      TrainingConfig config = std::holds_alternative<TrainingConfig>(base) ? std::get<TrainingConfig>(base) : TrainingConfig{};
      if (*pe != config.positional) {
        // Switching the variant brings its preset model, like choosing it in the panel.
        const ModelPreset& p = *pe == PositionalEncoding::Nope ? task.info().presetNope : task.info().presetApe;
        config.positional = *pe;
        config.layers = p.layers;
        config.heads = p.heads;
        config.dModel = p.dModel;
        config.learningRate = p.learningRate;
      }
      applyTrainingOptions(parser, task, config);
      panel.setConfig(config);
    }
  } catch (const OptionError& e) {
    usageError(QString::fromUtf8(e.what()));
  }
  if (parser.isSet("stop-after-steps")) {
    bool ok = false;
    invocation.plan.stopAfterSteps = parser.value("stop-after-steps").toLong(&ok);
    if (!ok || invocation.plan.stopAfterSteps < 1) usageError("--stop-after-steps must be a whole number >= 1");
  }
  if (parser.isSet("window-size")) {
    static const QRegularExpression pattern(R"(^(\d{3,5})x(\d{3,5})$)");
    const auto match = pattern.match(parser.value("window-size"));
    if (!match.hasMatch()) usageError("--window-size must look like 1600x1000");
    invocation.windowSize = QSize(match.captured(1).toInt(), match.captured(2).toInt());
  }
  invocation.plan.autostart = parser.isSet("autostart");
  invocation.plan.exportFolder = parser.value("export-figures");
  invocation.plan.screenshotPath = parser.value("screenshot");
  invocation.plan.quit = parser.isSet("quit");
  return invocation;
}

}  // namespace

int main(int argc, char** argv) {
  relaunchWithPassiveOpenMpWaiting(argv);
  QApplication app(argc, argv);
  QApplication::setApplicationName("LengthLab");
  QApplication::setApplicationVersion(LENGTHLAB_VERSION);
  QApplication::setOrganizationName("LengthLab");
  // Legible from the back of a classroom: one size up from the usual 9-10 pt.
  QFont font = QApplication::font();
  font.setPointSizeF(std::max(11.0, font.pointSizeF()));
  QApplication::setFont(font);
  MainWindow window;
  QCommandLineParser parser;
  parser.setApplicationDescription("LengthLab: watch a transformer learn, and see whether it generalizes beyond its training lengths.");
  const Invocation invocation = parse(parser, QApplication::arguments(), *window.experimentPanel());
  window.resize(invocation.windowSize);
  window.show();
  if (parser.isSet("front") && !window.bringToFront(parser.value("front"))) {
    QStringList names;
    for (const FigureView* view : window.views()) names << view->figureName();
    usageError("--front must name a view: " + names.join(", ") + "; got '" + parser.value("front") + "'");
  }
  DemoScript demo(window, invocation.plan);
  QObject::connect(&demo, &DemoScript::finished, &app, [](int code) { QApplication::exit(code); });
  demo.begin();
  return app.exec();
}
