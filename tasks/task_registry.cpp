#include "task_registry.h"

#include "algorithmic_task.h"

#include <memory>

namespace lengthlab {
namespace {

std::vector<std::unique_ptr<Task>> makeAllTasks() {
  std::vector<std::unique_ptr<Task>> tasks;
  tasks.push_back(makeBinMajorityTask());
  tasks.push_back(makeUniqueCopyTask());
  tasks.push_back(makeRepeatCopyTask());
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
