// Instances that share a spool_dir, as a reload makes them (the new instance is created
// while the old one still serves the comments in flight): both work, every escalation is
// delivered once, the newest configuration is the one delivery uses, and another process
// is still kept out of the directory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <thread>

#include "escalate_fixture.h"

extern char** environ;

namespace decorum::escalate::testing {
namespace {

// The test this binary runs when started by CreateInAnotherProcess().
constexpr char kChildTest[] = "EscalateChildProcess.DISABLED_CreateFromEnvironment";
constexpr char kChildConfigVar[] = "DECORUM_ESCALATE_CHILD_CONFIG";
constexpr char kChildMarker[] = "escalate-child: ";

// Runs this test binary again, as a separate process that only creates an instance with
// `config` (the disabled test at the end). Returns what it reported: "created" or
// "refused: <create's error>"; anything else is its whole output, for the failure message.
std::string CreateInAnotherProcess(const std::string& config) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.push_back(std::string(kChildConfigVar) + "=" + config);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string exe = "/proc/self/exe";
  std::string filter = std::string("--gtest_filter=") + kChildTest;
  std::string also = "--gtest_also_run_disabled_tests";
  char* argv[] = {exe.data(), filter.data(), also.data(), nullptr};

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return "pipe2 failed";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  std::string output;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    output.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  if (spawned != 0) return "posix_spawn failed: " + std::to_string(spawned);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const size_t at = output.find(kChildMarker);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || at == std::string::npos) {
    return "child process failed:\n" + output;
  }
  const size_t begin = at + sizeof kChildMarker - 1;
  return output.substr(begin, output.find('\n', begin) - begin);
}

class EscalateSharedSpoolTest : public ::testing::Test {
 protected:
  std::string Spool() const { return dir_.path() + "/spool"; }
  bool SpoolEmpty() const { return ListFiles(Spool()).empty(); }

  // Creates instance `name` on Spool(); on failure records the error and returns false
  // (callers ASSERT on it: a helper's own ASSERT would not stop the test).
  bool Create(PluginHarness& h, const std::string& name, const std::string& config) {
    std::string error;
    const bool ok = h.Create(config, &error, name);
    EXPECT_TRUE(ok) << name << ": " << error;
    return ok;
  }
  bool Create(PluginHarness& h, const std::string& name, const TestReceiver& receiver,
              const std::string& extra = "") {
    return Create(h, name, FastConfig(receiver.url(), Spool(), extra));
  }

  TempDir dir_;
};

// `body`'s "instance".
std::string InstanceOf(const std::string& body) {
  simdjson::dom::parser parser;
  std::string_view name;
  if (parser.parse(body)["instance"].get(name) != simdjson::SUCCESS) return "?";
  return std::string(name);
}

TEST_F(EscalateSharedSpoolTest, TwoInstancesOnOneSpoolDirWorkAtOnceAndDeliverEachOnce) {
  TestReceiver receiver;
  PluginHarness old_instance(kPluginPath), new_instance(kPluginPath);
  ASSERT_TRUE(Create(old_instance, "old", receiver));
  ASSERT_TRUE(Create(new_instance, "new", receiver));  // a reload: the old one still lives

  // Two writers and a flusher on each instance, all at once.
  constexpr int kWritersEach = 2, kEach = 40;
  std::atomic<int> writing{2 * kWritersEach};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (PluginHarness* h : {&old_instance, &new_instance}) {
    const std::string prefix = h == &old_instance ? "old" : "new";
    for (int w = 0; w < kWritersEach; ++w) {
      threads.emplace_back([&, h, prefix, w] {
        for (int i = 0; i < kEach; ++i) {
          const std::string id = prefix + std::to_string(w) + "-" + std::to_string(i);
          if (Escalate(*h, id) != DECORUM_OK) ++failures;
        }
        --writing;
      });
    }
    threads.emplace_back([&, h] {
      while (writing > 0) {
        if (h->Flush() != DECORUM_OK) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(old_instance.Flush(), DECORUM_OK);
  ASSERT_EQ(new_instance.Flush(), DECORUM_OK);
  EXPECT_EQ(failures, 0);

  constexpr size_t kTotal = 2 * kWritersEach * kEach;
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() >= kTotal && SpoolEmpty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // no second sender may follow
  const auto answered = receiver.answered();
  EXPECT_EQ(answered.size(), kTotal);  // one delivery thread: nothing sent twice
  std::set<std::string> keys, comments;
  for (const auto& r : answered) {
    EXPECT_EQ(r.status, 200);
    keys.insert(r.key());
  }
  const auto ids = CommentIds(answered);
  comments.insert(ids.begin(), ids.end());
  EXPECT_EQ(keys.size(), kTotal);
  EXPECT_EQ(comments.size(), kTotal);
  for (size_t i = 0; i < answered.size(); ++i) {
    EXPECT_EQ(InstanceOf(answered[i].body), ids[i].substr(0, 3)) << ids[i];
  }
  // Each writer's escalations arrive in the order it made them.
  for (const std::string writer : {"old0-", "old1-", "new0-", "new1-"}) {
    int next = 0;
    for (const auto& id : ids) {
      if (id.rfind(writer, 0) == 0) {
        EXPECT_EQ(id, writer + std::to_string(next++));
      }
    }
    EXPECT_EQ(next, kEach) << writer;
  }
}

TEST_F(EscalateSharedSpoolTest, EscalationIdsAreOneSequenceAcrossInstances) {
  TestReceiver receiver;
  receiver.Hold();  // let them queue up: delivery is then in id order
  PluginHarness old_instance(kPluginPath), new_instance(kPluginPath);
  ASSERT_TRUE(Create(old_instance, "old", receiver));
  ASSERT_TRUE(Create(new_instance, "new", receiver));
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    for (PluginHarness* h : {&old_instance, &new_instance}) {
      made.push_back((h == &old_instance ? "o" : "n") + std::to_string(i));
      ASSERT_EQ(Escalate(*h, made.back()), DECORUM_OK);
    }
  }
  ASSERT_EQ(old_instance.Flush(), DECORUM_OK);
  ASSERT_EQ(new_instance.Flush(), DECORUM_OK);
  const auto spooled = ListFiles(Spool());
  receiver.Release();
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == 10 && SpoolEmpty(); }));

  const auto answered = receiver.answered();
  EXPECT_EQ(CommentIds(answered), made);
  std::vector<std::string> keys;
  for (const auto& r : answered) keys.push_back(r.key());
  ASSERT_EQ(spooled.size(), 10u);
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i], Stem(spooled[i]));
  EXPECT_TRUE(std::adjacent_find(keys.begin(), keys.end(), std::greater_equal<>()) ==
              keys.end())
      << "ids not strictly increasing";
}

TEST_F(EscalateSharedSpoolTest, DestroyingTheOldInstanceKeepsTheNewOneDelivering) {
  TestReceiver receiver;
  auto old_instance = std::make_unique<PluginHarness>(kPluginPath);
  PluginHarness new_instance(kPluginPath);
  ASSERT_TRUE(Create(*old_instance, "old", receiver));
  ASSERT_TRUE(Create(new_instance, "new", receiver));
  ASSERT_EQ(Escalate(*old_instance, "in-flight"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == 1 && SpoolEmpty(); }));

  old_instance.reset();  // the last comment in flight on the old chain is done

  ASSERT_EQ(Escalate(new_instance, "after-1"), DECORUM_OK);
  ASSERT_EQ(Escalate(new_instance, "after-2"), DECORUM_OK);
  ASSERT_EQ(new_instance.Flush(), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == 3 && SpoolEmpty(); }));
  EXPECT_EQ(CommentIds(receiver.answered()),
            (std::vector<std::string>{"in-flight", "after-1", "after-2"}));
}

TEST_F(EscalateSharedSpoolTest, TheNewestConfigurationDeliversEverythingWaiting) {
  TestReceiver old_receiver, new_receiver;
  old_receiver.AnswerAll(503);
  PluginHarness old_instance(kPluginPath), new_instance(kPluginPath);
  // Long backoffs: only the reload can make the waiting escalations move within the test.
  ASSERT_TRUE(Create(old_instance, "old",
                     "{\"url\":\"" + old_receiver.url() + "\",\"spool_dir\":\"" + Spool() +
                         "\",\"initial_backoff_ms\":60000,\"max_backoff_ms\":60000,"
                         "\"headers\":{\"X-Config\":\"old\"}}"));
  ASSERT_EQ(Escalate(old_instance, "o1"), DECORUM_OK);
  ASSERT_EQ(Escalate(old_instance, "o2"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return old_receiver.answered().size() == 1; }));
  // Now in a 30-60 s backoff.

  ASSERT_TRUE(Create(new_instance, "new", new_receiver, "\"headers\":{\"X-Config\":\"new\"}"));
  ASSERT_EQ(Escalate(new_instance, "n1"), DECORUM_OK);
  ASSERT_EQ(Escalate(old_instance, "o3"), DECORUM_OK);  // the old chain, after the reload
  ASSERT_TRUE(WaitUntil([&] { return new_receiver.answered().size() == 4 && SpoolEmpty(); }));

  const auto delivered = new_receiver.answered();
  EXPECT_EQ(CommentIds(delivered), (std::vector<std::string>{"o1", "o2", "n1", "o3"}));
  for (const auto& r : delivered) EXPECT_EQ(r.Header("x-config"), "new");
  EXPECT_EQ(old_receiver.requests().size(), 1u);
}

// A reload refused after its instances were created destroys the new instance first:
// delivery goes back to the configuration that stays in service.
TEST_F(EscalateSharedSpoolTest, WhenTheNewestGoesFirstThePreviousConfigurationComesBack) {
  TestReceiver old_receiver, new_receiver;
  PluginHarness old_instance(kPluginPath);
  auto new_instance = std::make_unique<PluginHarness>(kPluginPath);
  ASSERT_TRUE(Create(old_instance, "old", old_receiver));
  ASSERT_TRUE(Create(*new_instance, "new", new_receiver));
  ASSERT_EQ(Escalate(old_instance, "o1"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return new_receiver.answered().size() == 1 && SpoolEmpty(); }));

  new_instance.reset();

  ASSERT_EQ(Escalate(old_instance, "o2"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return old_receiver.answered().size() == 1 && SpoolEmpty(); }));
  EXPECT_EQ(CommentIds(old_receiver.answered()), std::vector<std::string>{"o2"});
  EXPECT_EQ(CommentIds(new_receiver.requests()), std::vector<std::string>{"o1"});
}

// Reload after reload while decisions keep coming: nothing is lost or sent twice.
TEST_F(EscalateSharedSpoolTest, ReloadsWhileDecisionsFlowLoseNothing) {
  TestReceiver receiver;
  PluginHarness steady(kPluginPath);
  ASSERT_TRUE(Create(steady, "steady", receiver));
  constexpr int kEach = 150;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; i < kEach; ++i) {
      if (Escalate(steady, "s" + std::to_string(i)) != DECORUM_OK) ++failures;
      if (steady.Flush() != DECORUM_OK) ++failures;
    }
    writing = false;
  });
  int reloads = 0;
  for (; (writing && reloads < 100) || reloads < 3; ++reloads) {
    // Each reload changes the configuration, so the delivery thread switches twice: to
    // the new one, and back when it goes first.
    PluginHarness reloaded(kPluginPath);
    if (!Create(reloaded, "reload" + std::to_string(reloads), receiver,
                "\"headers\":{\"X-Reload\":\"" + std::to_string(reloads) + "\"}") ||
        Escalate(reloaded, "r" + std::to_string(reloads)) != DECORUM_OK) {
      ++failures;
      break;  // not ASSERT: the writer must be joined first
    }
  }
  writer.join();
  EXPECT_EQ(failures, 0);
  const size_t total = kEach + static_cast<size_t>(reloads);
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() >= total && SpoolEmpty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto answered = receiver.answered();
  EXPECT_EQ(answered.size(), total);
  std::set<std::string> keys;
  for (const auto& r : answered) {
    EXPECT_EQ(r.status, 200);
    keys.insert(r.key());
  }
  EXPECT_EQ(keys.size(), total);
}

TEST_F(EscalateSharedSpoolTest, ASecondPathToTheSameDirectoryShares) {
  TestReceiver receiver;
  const std::string link = dir_.path() + "/link";
  fs::create_directories(Spool());
  fs::create_directory_symlink(Spool(), link);
  PluginHarness old_instance(kPluginPath), new_instance(kPluginPath);
  ASSERT_TRUE(Create(old_instance, "old", receiver));
  ASSERT_TRUE(Create(new_instance, "new", FastConfig(receiver.url(), link + "/")));
  ASSERT_EQ(Escalate(old_instance, "o1"), DECORUM_OK);
  ASSERT_EQ(Escalate(new_instance, "n1"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.answered().size() == 2 && SpoolEmpty(); }));
  EXPECT_EQ(CommentIds(receiver.answered()), (std::vector<std::string>{"o1", "n1"}));
}

// The old instance's destroy() is still stopping the delivery thread (draining, a request
// in flight) when the new instance is created: create() waits for the directory to be free
// instead of failing on its lock.
TEST_F(EscalateSharedSpoolTest, CreateWhileTheLastInstanceIsClosingWaitsForIt) {
  TestReceiver receiver;
  receiver.Hold();
  auto old_instance = std::make_unique<PluginHarness>(kPluginPath);
  ASSERT_TRUE(Create(*old_instance, "old", DrainConfig(receiver.url(), Spool(), 1000)));
  ASSERT_EQ(Escalate(*old_instance, "o1"), DECORUM_OK);
  ASSERT_TRUE(receiver.WaitForRequests(1));
  std::thread closing([&] { old_instance->Destroy(); });  // drains for a second, in vain
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  PluginHarness new_instance(kPluginPath);
  const bool created = Create(new_instance, "new", receiver);
  closing.join();
  ASSERT_TRUE(created);
  receiver.Release();
  ASSERT_EQ(Escalate(new_instance, "n1"), DECORUM_OK);
  ASSERT_TRUE(WaitUntil([&] { return receiver.Deduplicated().size() == 2 && SpoolEmpty(); }));
  EXPECT_EQ(CommentIds(receiver.Deduplicated()), (std::vector<std::string>{"o1", "n1"}));
}

TEST_F(EscalateSharedSpoolTest, AnotherProcessIsRefusedUntilTheLastInstanceIsGone) {
  const std::string url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/x";
  const std::string config = FastConfig(url, Spool());
  PluginHarness old_instance(kPluginPath), new_instance(kPluginPath);
  ASSERT_TRUE(Create(old_instance, "old", config));
  ASSERT_TRUE(Create(new_instance, "new", config));

  std::string child = CreateInAnotherProcess(config);
  EXPECT_EQ(child.rfind("refused: ", 0), 0u) << child;
  EXPECT_NE(child.find("in use by another process"), std::string::npos) << child;
  EXPECT_NE(child.find(Spool()), std::string::npos) << child;

  old_instance.Destroy();
  child = CreateInAnotherProcess(config);
  EXPECT_EQ(child.rfind("refused: ", 0), 0u) << child;

  new_instance.Destroy();  // the last one: releases the directory
  EXPECT_EQ(CreateInAnotherProcess(config), "created");
}

// Not a test on its own: the whole of the separate process CreateInAnotherProcess()
// starts (disabled, so only that process runs it).
TEST(EscalateChildProcess, DISABLED_CreateFromEnvironment) {
  const char* config = std::getenv(kChildConfigVar);
  if (config == nullptr) GTEST_SKIP() << "run by CreateInAnotherProcess() only";
  PluginHarness h(kPluginPath);
  std::string error;
  const bool created = h.Create(config, &error, "child");
  std::printf("%s%s\n", kChildMarker, created ? "created" : ("refused: " + error).c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace decorum::escalate::testing
