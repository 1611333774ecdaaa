// Specification of background training as the window uses it: snapshots arrive from the worker
// thread and carry every part the views draw; Pause holds the step counter; Step advances by
// exactly N; Stop ends with a final evaluation; nothing is published after a run ended; deleting
// the controller mid-run returns promptly and ends the worker thread.
#include "training_controller.h"

#include "background_priority.h"

#include <QSignalSpy>
#include <QtTest>

#include <thread>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

using namespace lengthlab;

namespace {

TrainingConfig tinyRun() {
  TrainingConfig c;
  c.task = "bin_majority";
  c.layers = 1;
  c.heads = 1;
  c.dModel = 16;
  c.batchSize = 32;
  c.steps = 100000;
  c.evalEvery = 50;
  c.evalCount = 40;
  c.threads = 1;
  c.earlyStop = false;
  return c;
}

// Waits until a delivered snapshot satisfies the predicate; returns it (null on timeout).
template <typename Predicate>
std::shared_ptr<const TrainingSnapshot> waitFor(TrainingController& controller, Predicate predicate,
                                                int timeoutMs = 30000) {
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < timeoutMs) {
    if (predicate(*controller.latest())) return controller.latest();
    QTest::qWait(10);
  }
  return nullptr;
}

}  // namespace

class TestTrainingController : public QObject {
  Q_OBJECT

 private slots:
  void snapshotsCarryEveryPartTheViewsDraw() {
    TrainingController controller;
    controller.start(tinyRun());
    const auto s = waitFor(controller, [](const TrainingSnapshot& s) {
      return s.evaluations && !s.evaluations->empty() && s.step >= 60;
    });
    QVERIFY(s);
    QVERIFY(s->experiment);
    QCOMPARE(s->experiment->taskId, QString("bin_majority"));
    QCOMPARE(s->state, RunState::Running);
    QVERIFY(s->lossHistory && !s->lossHistory->empty());
    QVERIFY(s->attention && s->attention->length() > 0);
    QCOMPARE(int(s->attention->weights.size()), s->attention->length() * s->attention->length());
    QVERIFY(s->positional && s->positional->positions > 0);
    QCOMPARE(int(s->positional->products.size()), 1);
    QCOMPARE(int(s->evaluations->front().binAccuracy.size()), 3);
    QVERIFY(s->verdict.has_value());
  }

  void pauseHoldsTheStepCounter() {
    TrainingController controller;
    controller.start(tinyRun());
    QVERIFY(waitFor(controller, [](const TrainingSnapshot& s) { return s.step > 5; }));
    controller.pause();
    const auto paused = waitFor(controller, [](const TrainingSnapshot& s) { return s.state == RunState::Paused; });
    QVERIFY(paused);
    QTest::qWait(400);
    QCOMPARE(controller.latest()->step, paused->step);
    QCOMPARE(controller.latest()->state, RunState::Paused);
  }

  void stepAdvancesByExactlyTheCountAndPausesAgain() {
    TrainingController controller;
    controller.start(tinyRun());
    controller.pause();
    const auto paused = waitFor(controller, [](const TrainingSnapshot& s) { return s.state == RunState::Paused; });
    QVERIFY(paused);
    const long before = paused->step;
    controller.step(7);
    const auto after = waitFor(controller, [before](const TrainingSnapshot& s) {
      return s.state == RunState::Paused && s.step != before;
    });
    QVERIFY(after);
    QCOMPARE(after->step, before + 7);
  }

  void stopEndsWithAFinalEvaluationAndPublishesNothingAfterwards() {
    TrainingController controller;
    controller.start(tinyRun());
    QVERIFY(waitFor(controller, [](const TrainingSnapshot& s) { return s.step > 10; }));
    controller.stop();
    const auto finished = waitFor(controller, [](const TrainingSnapshot& s) { return s.state == RunState::Finished; });
    QVERIFY(finished);
    QCOMPARE(finished->evaluations->back().step, finished->step);
    QSignalSpy spy(&controller, &TrainingController::snapshotChanged);
    QTest::qWait(500);
    QCOMPARE(spy.count(), 0);
  }

  void deletingTheControllerMidRunEndsTheThreadPromptly() {
    auto* controller = new TrainingController;
    TrainingConfig big = tinyRun();
    big.task = "unique_copy";  // slower steps: the deletion lands mid-step or mid-evaluation
    big.layers = 2;
    big.dModel = 64;
    controller->start(big);
    QVERIFY(waitFor(*controller, [](const TrainingSnapshot& s) { return s.step > 2; }));
    QVERIFY(controller->workerThreadRunning());
    QElapsedTimer clock;
    clock.start();
    delete controller;  // joins the worker thread
    qInfo("deleting the controller mid-run took %lld ms", clock.elapsed());
    QVERIFY2(clock.elapsed() < 5000, "closing must not wait for the run to end");
  }

  void aBackgroundThreadCanDropBelowTheGuiPriority() {
#ifndef Q_OS_LINUX
    QSKIP("the nice value per thread is Linux's");
#else
    const auto niceOfThisThread = [] { return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))); };
    const int gui = niceOfThisThread();
    int before = 0, after = 0, child = 0;
    bool lowered = false;
    QThread* thread = QThread::create([&] {
      before = niceOfThisThread();
      lowered = lowerCurrentThreadPriority();
      after = niceOfThisThread();
      std::thread helper([&] { child = niceOfThisThread(); });  // as OpenMP's helpers start
      helper.join();
    });
    thread->start();
    QVERIFY(thread->wait(10000));
    delete thread;
    QVERIFY(lowered);
    QCOMPARE(before, gui);
    QCOMPARE(after, std::min(gui + 10, 19));
    QCOMPARE(child, after);
    QCOMPARE(niceOfThisThread(), gui);  // the GUI thread keeps its priority
#endif
  }

  void anInvalidConfigurationFailsWithAMessage() {
    TrainingController controller;
    QSignalSpy failures(&controller, &TrainingController::runFailed);
    TrainingConfig bad = tinyRun();
    bad.heads = 3;  // 16 is not divisible by 3
    controller.start(bad);
    QVERIFY(failures.wait(10000));
    QVERIFY(failures.first().first().toString().contains("divisible"));
  }
};

QTEST_MAIN(TestTrainingController)
#include "tst_training_controller.moc"
