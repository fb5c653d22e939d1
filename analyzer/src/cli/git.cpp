// Git plumbing (see git.h): one function that runs git without a shell and feeds and drains its
// pipes without deadlocking, and parsers for the outputs the pre-commit and pull-request modes
// read (`diff --cached --raw -z`, `cat-file --batch`, `diff -U0`). Never writes to the repository.
#include "cli/git.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace nodescope::cli::git {
namespace {

namespace stdfs = std::filesystem;

// The environment git runs with: ours, with GIT_OPTIONAL_LOCKS=0 (never write the index, not
// even a stat refresh) and the path variables git sets for hooks made absolute, since `git -C`
// would read a relative GIT_INDEX_FILE against another folder.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  std::error_code ec;
  const stdfs::path cwd = stdfs::current_path(ec);
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view var(*e);
    if (var.starts_with("GIT_OPTIONAL_LOCKS=")) continue;
    for (std::string_view name : {"GIT_INDEX_FILE=", "GIT_DIR=", "GIT_WORK_TREE="}) {
      if (var.starts_with(name) && var.size() > name.size()) {
        const stdfs::path p(std::string(var.substr(name.size())));
        if (p.is_relative() && !ec) {
          env.push_back(std::string(name) + (cwd / p).lexically_normal().string());
          var = {};
        }
        break;
      }
    }
    if (!var.empty()) env.emplace_back(var);
  }
  env.emplace_back("GIT_OPTIONAL_LOCKS=0");
  return env;
}

using Fds = std::array<int, 2>;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string repo_error(const stdfs::path& dir, const GitOutput& r) {
  std::string why = r.err;
  while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
  if (why.starts_with("fatal: ")) why.erase(0, 7);
  return fmt::format(
      "'{}' is not inside a git work tree ({}); --staged and --changed-since read "
      "the repository's index and history: run nodescope inside a git checkout",
      dir.string(), why.empty() ? "git rev-parse failed" : why);
}

// Undoes git's C-style quoting of a path ("a\tb", octal escapes for bytes).
std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] != '\\' || i + 2 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      default:
        if (c >= '0' && c <= '3' && i + 2 < s.size() - 1) {
          out.push_back(
              static_cast<char>(((c - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0')));
          i += 2;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

// "12" or "12,3" -> (start, count); count defaults to 1.
bool parse_range(std::string_view text, std::uint32_t& start, std::uint32_t& count) {
  const auto comma = text.find(',');
  const std::string_view a = text.substr(0, comma);
  count = 1;
  if (std::from_chars(a.data(), a.data() + a.size(), start).ec != std::errc()) return false;
  if (comma != std::string_view::npos) {
    const std::string_view b = text.substr(comma + 1);
    if (std::from_chars(b.data(), b.data() + b.size(), count).ec != std::errc()) return false;
  }
  return true;
}

}  // namespace

Expected<GitOutput> run(const std::vector<std::string>& args, std::string_view input) {
  // stdin is a socket pair so a git that exits early cannot kill us with SIGPIPE (send() takes
  // MSG_NOSIGNAL; write() on a pipe would raise it).
  Fds in{-1, -1};
  Fds out{-1, -1};
  Fds err{-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in.data()) != 0 ||
      ::pipe2(out.data(), O_CLOEXEC) != 0 || ::pipe2(err.data(), O_CLOEXEC) != 0) {
    const int e = errno;
    for (Fds* p : {&in, &out, &err}) {
      close_fd((*p)[0]);
      close_fd((*p)[1]);
    }
    return Error{fmt::format("cannot run git: {}", std::strerror(e))};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);

  std::vector<std::string> argv_text;
  argv_text.reserve(args.size() + 1);
  argv_text.emplace_back("git");
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_text.size() + 1);
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = child_environment();
  std::vector<char*> envp;
  envp.reserve(env_text.size() + 1);
  for (std::string& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close_fd(in[1]);
  close_fd(out[1]);
  close_fd(err[1]);
  if (spawned != 0) {
    for (Fds* p : {&in, &out, &err}) close_fd((*p)[0]);
    if (spawned == ENOENT) {
      return Error{"git was not found on PATH; --staged and --changed-since need git installed"};
    }
    return Error{fmt::format("cannot run git: {}", std::strerror(spawned))};
  }

  GitOutput result;
  std::size_t written = 0;
  if (input.empty()) close_fd(in[0]);
  for (Fds* p : {&in, &out, &err}) {
    if ((*p)[0] >= 0) ::fcntl((*p)[0], F_SETFL, ::fcntl((*p)[0], F_GETFL) | O_NONBLOCK);
  }
  std::vector<char> buf(65536);
  while (out[0] >= 0 || err[0] >= 0) {
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    if (in[0] >= 0) fds[n++] = pollfd{in[0], POLLOUT, 0};
    if (out[0] >= 0) fds[n++] = pollfd{out[0], POLLIN, 0};
    if (err[0] >= 0) fds[n++] = pollfd{err[0], POLLIN, 0};
    if (::poll(fds.data(), n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in[0]) {
        const ssize_t w =
            ::send(in[0], input.data() + written, input.size() - written, MSG_NOSIGNAL);
        if (w > 0) written += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
          close_fd(in[0]);  // done, or git stopped reading
        }
        continue;
      }
      int& fd = fds[i].fd == out[0] ? out[0] : err[0];
      std::string& sink = fds[i].fd == out[0] ? result.out : result.err;
      const ssize_t r = ::read(fd, buf.data(), buf.size());
      if (r > 0) {
        sink.append(buf.data(), static_cast<std::size_t>(r));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        close_fd(fd);
      }
    }
  }
  close_fd(in[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

Expected<bool> check_work_tree(const stdfs::path& dir) {
  auto r = run({"-C", dir.string(), "rev-parse", "--is-inside-work-tree"});
  if (!r) return r.error();
  if (r->status != 0 || !r->out.starts_with("true")) {
    if (r->status == 0) r->err = "a bare repository or the .git folder itself";
    return Error{repo_error(dir, *r)};
  }
  return true;
}

Expected<std::vector<StagedFile>> staged_files(const stdfs::path& dir) {
  auto r =
      run({"-C", dir.string(), "diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev",
           "--no-color", "--no-ext-diff", "--ignore-submodules=all", "--relative"});
  if (!r) return r.error();
  if (r->status != 0) {
    return Error{fmt::format("git diff --cached failed in '{}': {}", dir.string(), r->err)};
  }
  // Each entry: ":OLDMODE NEWMODE OLDID NEWID STATUS\0PATH\0".
  std::vector<StagedFile> files;
  const std::string_view text = r->out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t header_end = text.find('\0', pos);
    if (header_end == std::string_view::npos) break;
    const std::string_view header = text.substr(pos, header_end - pos);
    const std::size_t path_end = text.find('\0', header_end + 1);
    if (path_end == std::string_view::npos) break;
    std::string path(text.substr(header_end + 1, path_end - header_end - 1));
    pos = path_end + 1;
    std::vector<std::string_view> parts;
    for (std::size_t i = 0; i <= header.size();) {
      const std::size_t space = std::min(header.find(' ', i), header.size());
      parts.push_back(header.substr(i, space - i));
      i = space + 1;
    }
    if (parts.size() != 5) continue;
    const std::string_view new_mode = parts[1];
    const std::string_view status = parts[4];
    if (status.starts_with('D')) {
      files.push_back(StagedFile{std::move(path), {}});
    } else if ((new_mode == "100644" || new_mode == "100755") &&
               (status.starts_with('A') || status.starts_with('M') || status.starts_with('T'))) {
      files.push_back(StagedFile{std::move(path), std::string(parts[3])});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const StagedFile& a, const StagedFile& b) { return a.path < b.path; });
  return files;
}

Expected<std::vector<std::string>> read_blobs(const stdfs::path& dir,
                                              const std::vector<std::string>& ids) {
  std::vector<std::string> contents;
  if (ids.empty()) return contents;
  std::string request;
  for (const std::string& id : ids) request += id + "\n";
  auto r = run({"-C", dir.string(), "cat-file", "--batch"}, request);
  if (!r) return r.error();
  if (r->status != 0) {
    return Error{fmt::format("git cat-file failed in '{}': {}", dir.string(), r->err)};
  }
  // Each answer: "ID TYPE SIZE\n" CONTENT "\n" (or "ID missing\n").
  const std::string_view text = r->out;
  std::size_t pos = 0;
  for (const std::string& id : ids) {
    const std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) return Error{"git cat-file: truncated output"};
    const std::string_view header = text.substr(pos, eol - pos);
    const std::size_t last_space = header.rfind(' ');
    std::uint64_t size = 0;
    if (!header.starts_with(id) || last_space == std::string_view::npos ||
        std::from_chars(header.data() + last_space + 1, header.data() + header.size(), size).ec !=
            std::errc() ||
        eol + 1 + size > text.size()) {
      return Error{fmt::format("git cat-file: cannot read staged object {} ({})", id, header)};
    }
    contents.emplace_back(text.substr(eol + 1, size));
    pos = eol + 1 + size + 1;
  }
  return contents;
}

bool ChangedLines::changed(const std::string& file, std::uint32_t line) const {
  if (new_files.contains(file)) return true;
  const auto it = lines.find(file);
  if (it == lines.end()) return false;
  const auto& ranges = it->second;
  auto r = std::upper_bound(ranges.begin(), ranges.end(), std::pair{line, UINT32_MAX});
  return r != ranges.begin() && std::prev(r)->second >= line;
}

ChangedLines parse_unified_diff(std::string_view diff) {
  ChangedLines changes;
  std::string file;  // the current file's new path; empty for a deletion
  bool from_nothing = false;
  std::uint32_t old_left = 0;
  std::uint32_t new_left = 0;
  std::size_t pos = 0;
  while (pos < diff.size()) {
    std::size_t eol = diff.find('\n', pos);
    if (eol == std::string_view::npos) eol = diff.size();
    const std::string_view line = diff.substr(pos, eol - pos);
    pos = eol + 1;
    // Inside a hunk, every line is content (even one that reads "+++ x"): count them out.
    if (old_left > 0 || new_left > 0) {
      if (line.starts_with('-') && old_left > 0) {
        --old_left;
        continue;
      }
      if (line.starts_with('+') && new_left > 0) {
        --new_left;
        continue;
      }
      if (line.starts_with('\\')) continue;  // "\ No newline at end of file"
      old_left = new_left = 0;               // malformed: resynchronise on the headers
    }
    if (line.starts_with("diff --git ")) {
      file.clear();
      from_nothing = false;
    } else if (line.starts_with("--- ")) {
      from_nothing = line == "--- /dev/null";
    } else if (line.starts_with("+++ ")) {
      std::string_view name = line.substr(4);
      if (name == "/dev/null") {
        file.clear();
        continue;
      }
      // Names with a space get a trailing tab (so patch(1) can tell where they end).
      if (!name.starts_with('"') && name.ends_with('\t')) name.remove_suffix(1);
      file = unquote(name);
      if (file.starts_with("b/")) file.erase(0, 2);
      if (from_nothing) changes.new_files.insert(file);
    } else if (line.starts_with("@@ ")) {
      // "@@ -a[,b] +c[,d] @@ ..."
      const std::size_t minus = line.find('-');
      const std::size_t plus = line.find(" +");
      if (minus == std::string_view::npos || plus == std::string_view::npos) continue;
      const std::size_t plus_end = line.find(' ', plus + 2);
      std::uint32_t a = 0;
      std::uint32_t b = 0;
      std::uint32_t c = 0;
      std::uint32_t d = 0;
      if (!parse_range(line.substr(minus + 1, plus - minus - 1), a, b) ||
          !parse_range(line.substr(plus + 2, plus_end - plus - 2), c, d)) {
        continue;
      }
      old_left = b;
      new_left = d;
      if (!file.empty() && d > 0) changes.lines[file].emplace_back(c, c + d - 1);
    }
  }
  for (auto& [name, ranges] : changes.lines) std::sort(ranges.begin(), ranges.end());
  return changes;
}

Expected<ChangedLines> changed_since(const stdfs::path& dir, const std::string& rev) {
  if (auto ok = check_work_tree(dir); !ok) return ok.error();
  if (rev.empty() || rev.starts_with('-')) {
    return Error{
        fmt::format("'{}' is not a revision; give --changed-since a branch, tag or "
                    "commit such as origin/main",
                    rev)};
  }
  auto commit = run({"-C", dir.string(), "rev-parse", "--verify", "--quiet", rev + "^{commit}"});
  if (!commit) return commit.error();
  if (commit->status != 0) {
    return Error{
        fmt::format("unknown revision '{}' (--changed-since): it names no commit in this "
                    "repository; fetch it first (in CI: a checkout with enough history, "
                    "e.g. fetch-depth: 0) or give a branch, tag or commit id",
                    rev)};
  }
  std::string base = commit->out.substr(0, commit->out.find('\n'));
  // A pull request's changes are those since the branch left `rev`: diff against the merge base,
  // so commits that landed on `rev` meanwhile do not count as ours. No common history (or no
  // HEAD yet): `rev` itself.
  if (auto mb = run({"-C", dir.string(), "merge-base", base, "HEAD"}); mb && mb->status == 0) {
    base = mb->out.substr(0, mb->out.find('\n'));
  }
  auto diff = run({"-C", dir.string(), "-c", "core.quotePath=false", "diff", "-U0", "--no-color",
                   "--no-ext-diff", "--no-textconv", "--find-renames", "--ignore-submodules=all",
                   "--relative", "--src-prefix=a/", "--dst-prefix=b/", base, "--"});
  if (!diff) return diff.error();
  if (diff->status != 0) {
    return Error{fmt::format("git diff {} failed in '{}': {}", rev, dir.string(), diff->err)};
  }
  ChangedLines changes = parse_unified_diff(diff->out);
  auto untracked =
      run({"-C", dir.string(), "ls-files", "--others", "--exclude-standard", "-z", "--", "."});
  if (!untracked) return untracked.error();
  if (untracked->status == 0) {
    std::string_view text = untracked->out;
    while (!text.empty()) {
      const std::size_t end = std::min(text.find('\0'), text.size());
      if (end > 0) changes.new_files.emplace(text.substr(0, end));
      text.remove_prefix(std::min(end + 1, text.size()));
    }
  }
  return changes;
}

}  // namespace nodescope::cli::git
