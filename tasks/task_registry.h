// The one list of tasks. The command line and the GUI list from here; adding a task means adding
// its factory to task_registry.cpp and nothing else.
#pragma once

#include "task.h"

#include <string>
#include <string_view>
#include <vector>

namespace lengthlab {

// Every task, in the order of PAPER.md (algorithmic tasks, then formal languages).
const std::vector<const Task*>& allTasks();

// The task with this id, or nullptr.
const Task* findTask(std::string_view id);

// "bin_majority, majority, ..." for error messages.
std::string taskIdList();

}  // namespace lengthlab
