// Discovery (see discovery.h): resolves the inputs under the root, walks folders with POSIX calls
// (dev+inode for loop and duplicate detection, d_type to avoid a stat per entry), applies ignore
// files and exclusions, and classifies files. It stats only candidate files and opens only folders
// and ignore files. Real folders are walked before symlinked ones so that files are found under
// their own paths first and every folder (dev+inode) is walked at most once, which bounds the walk
// whatever the links do. POSIX only: a Windows port needs another walker.
#include "fs/discovery.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "fs/ignore.h"

namespace nodescope::fs {
namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view kGitIgnoreName = ".gitignore";
constexpr std::string_view kToolIgnoreName = ".nodescopeignore";

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};

struct FileIdHash {
  std::size_t operator()(const FileId& id) const noexcept {
    return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(id.ino) * 1000003u ^
                                      static_cast<std::uint64_t>(id.dev));
  }
};

FileId id_of(const struct stat& st) { return FileId{st.st_dev, st.st_ino}; }

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

std::string join(std::string_view base, std::string_view name) {
  std::string out;
  out.reserve(base.size() + 1 + name.size());
  out.append(base);
  if (!out.empty() && name.size() > 0 && out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

std::string strip_trailing_slashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// The part of `path` below `base` ("" for base itself), or nullopt when it is not below base.
// Both are absolute, normalised and without trailing slashes.
std::optional<std::string> rel_under(const std::string& base, const std::string& path) {
  if (path == base) return std::string();
  if (base == "/") return path.substr(1);
  if (path.size() > base.size() && path.compare(0, base.size(), base) == 0 &&
      path[base.size()] == '/') {
    return path.substr(base.size() + 1);
  }
  return std::nullopt;
}

std::vector<std::string_view> split_rel(std::string_view rel) {
  std::vector<std::string_view> parts;
  while (!rel.empty()) {
    const std::size_t slash = rel.find('/');
    if (slash != 0) parts.push_back(rel.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rel.remove_prefix(slash + 1);
  }
  return parts;
}

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::optional<std::string> real_path(const std::string& path, int& err) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) {
    err = errno;
    return std::nullopt;
  }
  std::string out(resolved);
  std::free(resolved);  // NOLINT(cppcoreguidelines-no-malloc): realpath allocates with malloc
  return out;
}

enum class ReadStatus : std::uint8_t { kOk, kMissing, kFailed };

// Ignore files are never followed through symlinks (git refuses them too since 2.32).
ReadStatus read_small_file(const std::string& path, std::string& out, int& err) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    err = errno;
    return (err == ENOENT || err == ENOTDIR) ? ReadStatus::kMissing : ReadStatus::kFailed;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    err = EISDIR;
    ::close(fd);
    return ReadStatus::kMissing;  // a folder or device named .gitignore is no ignore file
  }
  out.clear();
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      ::close(fd);
      return ReadStatus::kFailed;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return ReadStatus::kOk;
}

std::string_view special_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

struct Found {
  std::string rel;
  std::uint64_t size = 0;
  FileId id;
  bool via_symlink = false;
};

struct LinkedDir {
  std::string rel;
  std::shared_ptr<const IgnoreChain> parent_chain;
  FileId target;
  std::string canonical_target;
};

struct DirTask {
  std::string rel;
  std::shared_ptr<const IgnoreChain> parent_chain;
  bool via_symlink = false;
  bool follow = false;  // open even if the last component is a symlink (linked dirs, inputs)
};

struct Entry {
  std::string name;
  unsigned char type = DT_UNKNOWN;
};

class Walker {
 public:
  Walker(std::string root, const DiscoveryOptions& options)
      : root_(std::move(root)), options_(options) {}

  void locate_repository();
  // Returns false (with `error` set) when the input stops the scan.
  bool add_input(const std::string& rel, const std::string& shown, Error& error);
  void run_linked_dirs();
  DiscoveryResult finish();

 private:
  std::string abs_of(std::string_view rel) const { return join(root_, rel); }
  std::vector<std::string_view> components_of(std::string_view rel) const;
  bool excluded_dir_name(std::string_view name) const;
  void diagnose(std::string file, std::string_view kind, std::string message) {
    diagnostics_.push_back(
        Diagnostic{std::move(file), std::string(kind), std::move(message), 0, 0});
  }
  std::shared_ptr<const IgnoreLevel> load_level(const std::string& abs_folder, std::size_t depth,
                                                const std::string& diag_prefix, bool try_git,
                                                bool try_tool);
  std::shared_ptr<const IgnoreChain> chain_above(std::string_view rel);
  void drain(std::vector<DirTask>& stack);
  void walk_dir(DirTask task, std::vector<DirTask>& stack);
  void take_file(const std::string& rel, const struct stat& st, bool via_symlink);
  void handle_symlink(int dir_fd, const Entry& entry, const std::string& rel,
                      const std::shared_ptr<const IgnoreChain>& chain,
                      std::span<const std::string_view> components);
  bool ignored(const IgnoreChain* chain, std::span<const std::string_view> components,
               bool is_dir) const {
    if (!options_.ignore_globs.empty() && components.size() > root_prefix_.size() &&
        options_.ignore_globs.match(components.subspan(root_prefix_.size()), is_dir) ==
            IgnoreVerdict::kIgnore) {
      return true;
    }
    return options_.use_ignore_files &&
           is_ignored(chain, repo_exclude_ ? &*repo_exclude_ : nullptr, components, is_dir);
  }
  void diagnose_linked_again(const LinkedDir& link);

  std::string root_;  // canonical, no trailing slash (except "/")
  const DiscoveryOptions& options_;
  std::string anchor_;                      // repository top, or the root outside a repo
  std::vector<std::string> root_prefix_;    // the root's components below the anchor
  std::optional<IgnoreFile> repo_exclude_;  // .git/info/exclude
  std::unordered_map<std::string, std::shared_ptr<const IgnoreLevel>> levels_;  // by abs folder
  std::unordered_set<FileId, FileIdHash> visited_dirs_;
  std::deque<LinkedDir> linked_;
  std::vector<Found> found_;
  std::vector<Diagnostic> diagnostics_;
};

std::vector<std::string_view> Walker::components_of(std::string_view rel) const {
  std::vector<std::string_view> parts;
  parts.reserve(root_prefix_.size() + 8);
  for (const std::string& c : root_prefix_) parts.emplace_back(c);
  for (std::string_view c : split_rel(rel)) parts.push_back(c);
  return parts;
}

bool Walker::excluded_dir_name(std::string_view name) const {
  if (name == ".git" || name == "node_modules") return true;
  return std::find(options_.default_excluded_dirs.begin(), options_.default_excluded_dirs.end(),
                   name) != options_.default_excluded_dirs.end();
}

void Walker::locate_repository() {
  anchor_ = root_;
  if (!options_.use_ignore_files) return;
  // Like ripgrep, ignore files above the root count only up to the enclosing repository: outside
  // one there is no project boundary, and a stray ~/.gitignore must not hide a project's files.
  std::string dir = root_;
  for (;;) {
    struct stat st {};
    const std::string dot_git = join(dir, ".git");
    if (::lstat(dot_git.c_str(), &st) == 0) {
      anchor_ = dir;
      std::string git_dir = dot_git;
      if (S_ISREG(st.st_mode)) {  // worktree or submodule: "gitdir: <path>"
        std::string text;
        int err = 0;
        if (read_small_file(dot_git, text, err) == ReadStatus::kOk && text.starts_with("gitdir:")) {
          std::string target(text.substr(7));
          while (!target.empty() &&
                 (target.back() == '\n' || target.back() == '\r' || target.back() == ' ')) {
            target.pop_back();
          }
          while (!target.empty() && target.front() == ' ') target.erase(0, 1);
          git_dir = target.starts_with('/') ? target : join(dir, target);
          std::string common;
          if (read_small_file(join(git_dir, "commondir"), common, err) == ReadStatus::kOk) {
            while (!common.empty() && (common.back() == '\n' || common.back() == '\r')) {
              common.pop_back();
            }
            if (!common.empty()) git_dir = common.starts_with('/') ? common : join(git_dir, common);
          }
        }
      }
      std::string text;
      int err = 0;
      const std::string exclude = join(git_dir, "info/exclude");
      const ReadStatus status = read_small_file(exclude, text, err);
      if (status == ReadStatus::kOk) {
        repo_exclude_ = IgnoreFile::parse(text);
      } else if (status == ReadStatus::kFailed) {
        diagnose("", diag::kUnreadable,
                 exclude + ": cannot read ignore file (" + errno_text(err) +
                     "); its patterns were not applied");
      }
      break;
    }
    if (dir == "/") break;
    const std::size_t slash = dir.rfind('/');
    dir = slash == 0 ? std::string("/") : dir.substr(0, slash);
  }
  if (anchor_ != root_) {
    const std::string below = rel_under(anchor_, root_).value_or("");
    for (std::string_view c : split_rel(below)) root_prefix_.emplace_back(c);
  }
}

std::shared_ptr<const IgnoreLevel> Walker::load_level(const std::string& abs_folder,
                                                      std::size_t depth,
                                                      const std::string& diag_prefix, bool try_git,
                                                      bool try_tool) {
  if (auto it = levels_.find(abs_folder); it != levels_.end()) return it->second;
  auto level = std::make_shared<IgnoreLevel>();
  level->depth = depth;
  bool any = false;
  for (int which = 0; which < 2; ++which) {
    if (which == 0 ? !try_git : !try_tool) continue;
    const std::string_view name = which == 0 ? kGitIgnoreName : kToolIgnoreName;
    std::string text;
    int err = 0;
    const ReadStatus status = read_small_file(join(abs_folder, name), text, err);
    if (status == ReadStatus::kFailed) {
      // Scanning files the user meant to exclude is worse than a note that we could not tell.
      diagnose(diag_prefix.empty() && depth < root_prefix_.size() ? std::string()
                                                                  : join(diag_prefix, name),
               diag::kUnreadable,
               (depth < root_prefix_.size() ? join(abs_folder, name) + ": " : std::string()) +
                   "cannot read ignore file (" + errno_text(err) +
                   "); its patterns were not applied");
      continue;
    }
    if (status != ReadStatus::kOk) continue;
    (which == 0 ? level->git : level->tool) = IgnoreFile::parse(text);
    any = any || !(which == 0 ? level->git : level->tool).empty();
  }
  std::shared_ptr<const IgnoreLevel> result = any ? std::move(level) : nullptr;
  levels_.emplace(abs_folder, result);
  return result;
}

// The chain of every folder from the anchor down to the parent of `rel`.
std::shared_ptr<const IgnoreChain> Walker::chain_above(std::string_view rel) {
  std::shared_ptr<const IgnoreChain> chain;
  if (!options_.use_ignore_files) return chain;
  std::string folder = anchor_;
  std::size_t depth = 0;
  for (const std::string& c : root_prefix_) {
    if (auto level = load_level(folder, depth, "", true, true)) chain = push_level(chain, level);
    folder = join(folder, c);
    ++depth;
  }
  const std::vector<std::string_view> parts = split_rel(rel);
  std::string folder_rel;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (auto level = load_level(abs_of(folder_rel), depth, folder_rel, true, true)) {
      chain = push_level(chain, level);
    }
    folder_rel = join(folder_rel, parts[i]);
    ++depth;
  }
  return chain;
}

void Walker::take_file(const std::string& rel, const struct stat& st, bool via_symlink) {
  found_.push_back(Found{rel, static_cast<std::uint64_t>(st.st_size), id_of(st), via_symlink});
}

bool Walker::add_input(const std::string& rel, const std::string& shown, Error& error) {
  const std::string abs = abs_of(rel);
  struct stat lst {};
  if (::lstat(abs.c_str(), &lst) != 0) {
    const int err = errno;
    error = (err == ENOENT || err == ENOTDIR)
                ? Error{shown + ": no such file or directory; check the path"}
                : Error{shown + ": cannot access (" + errno_text(err) + "); check its permissions"};
    return false;
  }
  int err = 0;
  const std::optional<std::string> real = real_path(abs, err);
  if (!real) {
    if (err == ENOENT || err == ENOTDIR) {
      error = Error{shown + ": is a broken symbolic link; check the path"};
      return false;
    }
    if (err == ELOOP) {
      diagnose(rel, diag::kSymlinkLoop,
               "symbolic link cannot be resolved (it loops back on itself); not followed");
      return true;
    }
    error = Error{shown + ": cannot access (" + errno_text(err) + "); check its permissions"};
    return false;
  }
  if (!rel_under(root_, *real)) {
    diagnose(rel, diag::kSymlinkOutsideRoot,
             "symbolic link leads outside the scan root; not followed (scan its target as a root "
             "of its own to include it)");
    return true;
  }
  struct stat st {};
  if (::stat(abs.c_str(), &st) != 0) {
    error = Error{shown + ": cannot access (" + errno_text(errno) + "); check its permissions"};
    return false;
  }
  const bool via_symlink = *real != abs;
  if (S_ISDIR(st.st_mode)) {
    // An explicitly named folder is walked even when excluded or ignored (as ripgrep does with
    // named paths); only what lies below it is filtered.
    if (S_ISLNK(lst.st_mode)) {
      linked_.push_back(LinkedDir{rel, chain_above(rel), id_of(st), *real});
      return true;
    }
    std::vector<DirTask> stack;
    stack.push_back(DirTask{rel, chain_above(rel), via_symlink, true});
    drain(stack);
    return true;
  }
  if (S_ISREG(st.st_mode)) {
    // Taken even when ignored: the user named it. Non-JS files are simply not sources.
    if (language_of(rel) || is_project_file(base_name(rel))) take_file(rel, st, via_symlink);
    return true;
  }
  diagnose(rel, diag::kNotAFile,
           "is " + std::string(special_kind(st.st_mode)) + ", not a regular file; not read");
  return true;
}

void Walker::drain(std::vector<DirTask>& stack) {
  while (!stack.empty()) {
    DirTask task = std::move(stack.back());
    stack.pop_back();
    walk_dir(std::move(task), stack);
  }
}

void Walker::walk_dir(DirTask task, std::vector<DirTask>& stack) {
  const std::string abs = abs_of(task.rel);
  const int fd =
      ::open(abs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (task.follow ? 0 : O_NOFOLLOW));
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return;  // vanished since it was listed
    diagnose(task.rel, diag::kUnreadable,
             "cannot open folder (" + errno_text(err) + "); its files were not scanned");
    return;
  }
  struct stat dir_st {};
  if (::fstat(fd, &dir_st) != 0 || !visited_dirs_.insert(id_of(dir_st)).second) {
    // Already walked by another route (overlapping inputs, a bind mount): nothing new below.
    ::close(fd);
    return;
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    diagnose(task.rel, diag::kUnreadable,
             "cannot open folder (" + errno_text(err) + "); its files were not scanned");
    return;
  }
  std::vector<Entry> entries;
  bool has_git_ignore = false;
  bool has_tool_ignore = false;
  for (;;) {
    errno = 0;
    const dirent* de = ::readdir(dir);
    if (de == nullptr) {
      if (errno != 0) {
        diagnose(task.rel, diag::kUnreadable,
                 "cannot list folder completely (" + errno_text(errno) +
                     "); some of its files were not scanned");
      }
      break;
    }
    const std::string_view name(de->d_name);
    if (name == "." || name == "..") continue;
    if (name == kGitIgnoreName) has_git_ignore = true;
    if (name == kToolIgnoreName) has_tool_ignore = true;
    entries.push_back(Entry{std::string(name), de->d_type});
  }
  // Sorted so diagnostics and link discovery order never depend on the file system's order.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });

  std::vector<std::string_view> components = components_of(task.rel);
  std::shared_ptr<const IgnoreChain> chain = task.parent_chain;
  if (options_.use_ignore_files && (has_git_ignore || has_tool_ignore)) {
    if (auto level =
            load_level(abs, components.size(), task.rel, has_git_ignore, has_tool_ignore)) {
      chain = push_level(chain, level);
    }
  }

  const int dir_fd = ::dirfd(dir);
  std::vector<std::string> subdirs;
  for (const Entry& entry : entries) {
    components.emplace_back(entry.name);
    const std::string rel = join(task.rel, entry.name);
    unsigned char type = entry.type;
    struct stat st {};
    bool have_stat = false;
    if (type == DT_UNKNOWN) {  // some file systems do not fill d_type
      if (::fstatat(dir_fd, entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        components.pop_back();
        continue;
      }
      have_stat = true;
      type = S_ISDIR(st.st_mode)   ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
             : S_ISLNK(st.st_mode) ? DT_LNK
                                   : DT_FIFO;  // any special file
    }
    if (type == DT_DIR) {
      if (!excluded_dir_name(entry.name) && !ignored(chain.get(), components, true)) {
        subdirs.push_back(rel);
      }
    } else if (type == DT_LNK) {
      handle_symlink(dir_fd, entry, rel, chain, components);
    } else {
      const bool wanted = language_of(entry.name) || is_project_file(entry.name);
      if (wanted && !ignored(chain.get(), components, false)) {
        if (!have_stat && ::fstatat(dir_fd, entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
          if (errno != ENOENT) {
            diagnose(rel, diag::kUnreadable, "cannot stat file (" + errno_text(errno) + ")");
          }
        } else if (S_ISREG(st.st_mode)) {
          take_file(rel, st, task.via_symlink);
        } else {
          // FIFOs and devices are never opened: reading one could block the scan forever.
          diagnose(
              rel, diag::kNotAFile,
              "is " + std::string(special_kind(st.st_mode)) + ", not a regular file; not read");
        }
      }
    }
    components.pop_back();
  }
  ::closedir(dir);
  // Pushed in reverse so the stack pops them in name order.
  for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) {
    stack.push_back(DirTask{std::move(*it), chain, task.via_symlink, false});
  }
}

void Walker::handle_symlink(int dir_fd, const Entry& entry, const std::string& rel,
                            const std::shared_ptr<const IgnoreChain>& chain,
                            std::span<const std::string_view> components) {
  struct stat st {};
  if (::fstatat(dir_fd, entry.name.c_str(), &st, 0) != 0) {
    const int err = errno;
    // Dangling links are common (build outputs not built yet) and git ignores them too.
    if (err == ENOENT || err == ENOTDIR) return;
    if (excluded_dir_name(entry.name) || ignored(chain.get(), components, false)) return;
    if (err == ELOOP) {
      diagnose(rel, diag::kSymlinkLoop,
               "symbolic link cannot be resolved (it loops back on itself); not followed");
    } else {
      diagnose(rel, diag::kUnreadable,
               "cannot resolve symbolic link (" + errno_text(err) + "); not followed");
    }
    return;
  }
  const bool is_dir = S_ISDIR(st.st_mode);
  if (is_dir) {
    if (excluded_dir_name(entry.name)) return;
  } else if (!language_of(entry.name) && !is_project_file(entry.name)) {
    return;  // not a file we would read, wherever it points
  }
  if (ignored(chain.get(), components, is_dir)) return;
  int err = 0;
  const std::optional<std::string> real = real_path(abs_of(rel), err);
  if (!real) {
    if (err == ENOENT || err == ENOTDIR) return;
    diagnose(rel, err == ELOOP ? diag::kSymlinkLoop : diag::kUnreadable,
             "cannot resolve symbolic link (" + errno_text(err) + "); not followed");
    return;
  }
  if (!rel_under(root_, *real)) {
    diagnose(rel, diag::kSymlinkOutsideRoot,
             "symbolic link leads outside the scan root; not followed (scan its target as a root "
             "of its own to include it)");
    return;
  }
  if (is_dir) {
    linked_.push_back(LinkedDir{rel, chain, id_of(st), *real});
  } else if (S_ISREG(st.st_mode)) {
    take_file(rel, st, true);
  } else {
    diagnose(
        rel, diag::kNotAFile,
        "leads to " + std::string(special_kind(st.st_mode)) + ", not a regular file; not read");
  }
}

void Walker::diagnose_linked_again(const LinkedDir& link) {
  // A target that contains the link is a true loop (`a -> .`, `a -> ..`); any other already
  // walked target would only repeat files found under their own paths.
  int err = 0;
  const std::string_view parent_rel =
      link.rel.find('/') == std::string::npos
          ? std::string_view()
          : std::string_view(link.rel).substr(0, link.rel.rfind('/'));
  const std::optional<std::string> parent = real_path(abs_of(parent_rel), err);
  const bool contains = parent && rel_under(link.canonical_target, *parent).has_value();
  diagnose(link.rel, diag::kSymlinkLoop,
           contains ? "symbolic link points to a folder that contains it (a loop); not followed"
                    : "symbolic link leads to a folder that is already scanned; not followed");
}

void Walker::run_linked_dirs() {
  std::vector<DirTask> stack;
  while (!linked_.empty()) {
    LinkedDir link = std::move(linked_.front());
    linked_.pop_front();
    if (visited_dirs_.contains(link.target)) {
      diagnose_linked_again(link);
      continue;
    }
    stack.push_back(DirTask{link.rel, link.parent_chain, true, true});
    drain(stack);
  }
}

DiscoveryResult Walker::finish() {
  DiscoveryResult result;
  std::stable_sort(found_.begin(), found_.end(),
                   [](const Found& a, const Found& b) { return a.rel < b.rel; });
  found_.erase(std::unique(found_.begin(), found_.end(),
                           [](const Found& a, const Found& b) { return a.rel == b.rel; }),
               found_.end());
  // The same file reached through a symlink is kept once, under its first path in sorted order.
  // Hard links reached without symlinks stay separate files, as git treats them.
  std::unordered_map<FileId, bool, FileIdHash> kept;  // id -> the kept copy came via a symlink
  for (const Found& f : found_) {
    auto [it, inserted] = kept.try_emplace(f.id, f.via_symlink);
    if (!inserted && (f.via_symlink || it->second)) continue;
    const stdfs::path abs = abs_of(f.rel);
    if (const std::optional<Language> language = language_of(f.rel)) {
      result.sources.push_back(SourceEntry{f.rel, abs, *language, f.size});
    }
    if (is_project_file(base_name(f.rel))) {
      result.project_files.push_back(ProjectFileEntry{f.rel, abs, f.size});
    }
  }
  std::sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.kind, a.message) < std::tie(b.file, b.kind, b.message);
  });
  diagnostics_.erase(std::unique(diagnostics_.begin(), diagnostics_.end(),
                                 [](const Diagnostic& a, const Diagnostic& b) {
                                   return a.file == b.file && a.kind == b.kind &&
                                          a.message == b.message;
                                 }),
                     diagnostics_.end());
  result.diagnostics = std::move(diagnostics_);
  return result;
}

Expected<DiscoveryResult> discover_impl(const stdfs::path& root,
                                        const std::vector<stdfs::path>& inputs,
                                        const DiscoveryOptions& options) {
  std::error_code ec;
  const stdfs::path cwd = stdfs::current_path(ec);
  if (ec) return Error{"cannot read the current folder (" + ec.message() + ")"};
  auto absolute = [&](const stdfs::path& p) {
    return strip_trailing_slashes((p.is_absolute() ? p : cwd / p).lexically_normal().string());
  };
  const std::string shown_root = root.string();
  const std::string lexical_root = absolute(root);
  int err = 0;
  const std::optional<std::string> canonical_root = real_path(lexical_root, err);
  if (!canonical_root) {
    if (err == ENOENT || err == ENOTDIR) {
      return Error{shown_root + ": no such file or directory; check the path"};
    }
    return Error{shown_root + ": cannot read the scan root (" + errno_text(err) +
                 "); check its permissions"};
  }
  {
    const int fd = ::open(canonical_root->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      err = errno;
      if (err == ENOTDIR)
        return Error{shown_root + ": the scan root is not a folder; pass a folder"};
      return Error{shown_root + ": cannot read the scan root (" + errno_text(err) +
                   "); check its permissions"};
    }
    DIR* probe = ::fdopendir(fd);
    if (probe == nullptr) {
      err = errno;
      ::close(fd);
      return Error{shown_root + ": cannot read the scan root (" + errno_text(err) +
                   "); check its permissions"};
    }
    errno = 0;
    const bool listed = ::readdir(probe) != nullptr || errno == 0;
    err = errno;
    ::closedir(probe);
    if (!listed) {
      return Error{shown_root + ": cannot read the scan root (" + errno_text(err) +
                   "); check its permissions"};
    }
  }

  // Inputs as paths below the canonical root; sorted so an ancestor is walked before anything it
  // contains, which then finds its folders already visited.
  std::vector<std::pair<std::string, std::string>> rels;  // rel, as the user wrote it
  const std::vector<stdfs::path> all = inputs.empty() ? std::vector<stdfs::path>{root} : inputs;
  for (const stdfs::path& input : all) {
    const std::string shown = input.string();
    const std::string lexical = absolute(input);
    std::optional<std::string> rel = rel_under(lexical_root, lexical);
    if (!rel) rel = rel_under(*canonical_root, lexical);
    if (!rel) {
      // The root may be spelled through a symlink the input does not use, or vice versa: compare
      // physical locations, keeping the input's last component so a link stays a link.
      const stdfs::path lp(lexical);
      if (std::optional<std::string> parent = real_path(lp.parent_path().string(), err)) {
        rel = rel_under(*canonical_root, join(*parent, lp.filename().string()));
      } else if (err == ENOENT || err == ENOTDIR) {
        return Error{shown + ": no such file or directory; check the path"};
      }
    }
    if (!rel) {
      return Error{shown + ": is outside the scan root " + shown_root +
                   "; pass paths inside the root or choose another root"};
    }
    rels.emplace_back(std::move(*rel), shown);
  }
  std::sort(rels.begin(), rels.end());
  rels.erase(std::unique(rels.begin(), rels.end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; }),
             rels.end());

  Walker walker(*canonical_root, options);
  walker.locate_repository();
  for (const auto& [rel, shown] : rels) {
    Error error;
    if (!walker.add_input(rel, shown, error)) return error;
  }
  walker.run_linked_dirs();
  return walker.finish();
}

}  // namespace

std::optional<Language> language_of(std::string_view path) {
  const std::string_view name = base_name(path);
  for (std::string_view declaration : {".d.ts", ".d.mts", ".d.cts"}) {
    if (name.ends_with(declaration)) return std::nullopt;
  }
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string_view ext = name.substr(dot);
  if (ext == ".js" || ext == ".mjs" || ext == ".cjs" || ext == ".jsx") return Language::kJavaScript;
  if (ext == ".ts" || ext == ".mts" || ext == ".cts") return Language::kTypeScript;
  if (ext == ".tsx") return Language::kTsx;
  return std::nullopt;
}

namespace {

// Per-environment JSON settings (config/production.json, config.development.json): their names
// tell the report which environments exist.
bool is_env_config(std::string_view name) {
  if (!name.ends_with(".json")) return false;
  if (name.starts_with("config.")) name.remove_prefix(7);
  const std::string_view stem = name.substr(0, name.find('.'));
  static constexpr std::string_view kEnvs[] = {
      "development", "dev", "production", "prod",  "staging", "stage", "test",    "testing",
      "qa",          "uat", "preprod",    "local", "ci",      "demo",  "sandbox", "e2e"};
  for (std::string_view env : kEnvs) {
    if (stem == env) return true;
  }
  return false;
}

}  // namespace

bool is_project_file(std::string_view name) {
  static constexpr std::string_view kExact[] = {
      "package.json",  "jsconfig.json",  "package-lock.json", "npm-shrinkwrap.json",
      "yarn.lock",     "pnpm-lock.yaml", "bun.lock",          ".nvmrc",
      ".node-version", ".tool-versions", "Procfile",          ".nodescope.json",
      "bun.lockb"};
  for (std::string_view exact : kExact) {
    if (name == exact) return true;
  }
  const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
  return (name.starts_with("tsconfig") && name.ends_with(".json")) ||
         name.starts_with("Dockerfile") ||
         (yaml && (name.starts_with("docker-compose") || name.starts_with("compose"))) ||
         (name.starts_with("ecosystem.config.") && name.size() > 17) ||
         // Backend facts (#6): Prisma schemas, Prisma migration files (counted, not read), other
         // YAML (Kubernetes manifests, recognised by content), systemd units, and .env.* files
         // (listed by name for the environments; never read: they may hold secrets).
         name.ends_with(".prisma") || name == "migration.sql" || yaml ||
         (name.ends_with(".service") && name.size() > 8) ||
         (name.starts_with(".env.") && name.size() > 5) || is_env_config(name);
}

Expected<DiscoveryResult> discover(const std::filesystem::path& root,
                                   const std::vector<std::filesystem::path>& inputs,
                                   const DiscoveryOptions& options) {
  try {
    return discover_impl(root, inputs, options);
  } catch (const std::exception& e) {  // only allocation failures can get here
    return Error{"discovery failed: " + std::string(e.what())};
  }
}

}  // namespace nodescope::fs
