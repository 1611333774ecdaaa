#include "task_registry.h"

#include "algorithmic_task.h"
#include "formal_language_task.h"

#include <memory>

namespace lengthlab {
namespace {

std::vector<std::unique_ptr<Task>> makeAllTasks() {
  std::vector<std::unique_ptr<Task>> tasks;
  // The algorithmic tasks in the order of the PAPER.md section 4 table.
  tasks.push_back(makeBinMajorityTask());
  tasks.push_back(makeMajorityTask());
  tasks.push_back(makeBinMajorityInterleaveTask());
  tasks.push_back(makeUniqueCopyTask());
  tasks.push_back(makeRepeatCopyTask());
  tasks.push_back(makeSortTask());
  tasks.push_back(makeParityTask());
  tasks.push_back(makeAdditionTask());
  // The formal languages in the numbering of PAPER.md section 5.
  tasks.push_back(makeAaStarTask());
  tasks.push_back(makeAaaaStarTask());
  tasks.push_back(makeAbabStarTask());
  tasks.push_back(makeTomitaTask(3));
  tasks.push_back(makeTomitaTask(5));
  tasks.push_back(makeTomitaTask(6));
  for (int depth : {2, 3, 4, 12}) tasks.push_back(makeDyckTask(depth));
  tasks.push_back(makeTomitaTask(1));
  tasks.push_back(makeTomitaTask(2));
  tasks.push_back(makeTomitaTask(4));
  tasks.push_back(makeTomitaTask(7));
  tasks.push_back(makeAToETask());
  tasks.push_back(makeAbDBcTask());
  tasks.push_back(makeZotZTTask());
  return tasks;
}

const std::vector<std::unique_ptr<Task>>& ownedTasks() {
  static const std::vector<std::unique_ptr<Task>> tasks = makeAllTasks();
  return tasks;
}

}  // namespace

const std::vector<const Task*>& allTasks() {
  static const std::vector<const Task*> view = [] {
    std::vector<const Task*> v;
    for (const auto& t : ownedTasks()) v.push_back(t.get());
    return v;
  }();
  return view;
}

const Task* findTask(std::string_view id) {
  for (const Task* t : allTasks()) {
    if (t->id() == id) return t;
  }
  return nullptr;
}

std::string taskIdList() {
  std::string list;
  for (const Task* t : allTasks()) list += (list.empty() ? "" : ", ") + t->id();
  return list;
}

}  // namespace lengthlab
