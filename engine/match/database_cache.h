// DatabaseCache: compiled Hyperscan databases kept on disk, so a restart or a reload of an
// unchanged rule set skips compilation (SPEC §7: start-up in well under a second).
//
// An entry holds one database or a group of them (a split's SOM groups: generation.cc),
// stored and loaded together. It is keyed by everything that decides its bytes: the
// expressions, their flags and ids, the Hyperscan version, the platform (CPU features and
// tuning) and our format version. A key therefore never names a stale database; an
// entry that fails to load (truncated, corrupt, another platform) is simply compiled
// again and overwritten. Writes go to a temporary file renamed into place, so a reader
// never sees half an entry. Only the most recently used entries are kept (Prune).
//
// Thread safety: Load and Store may run concurrently from different processes and threads:
// each touches one file, and rename() is atomic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "decorum/status.h"

struct hs_database;

namespace decorum {

class DatabaseCache {
 public:
  // REQUIRES: dir is not empty. The directory is created on the first Store().
  explicit DatabaseCache(std::string dir, size_t max_entries = 16);

  // The key for a database compiled from these parallel arrays in block mode.
  static uint64_t Key(const std::vector<const char*>& expressions, const std::vector<unsigned>& flags,
                      const std::vector<unsigned>& ids);

  // The databases deserialized from the entry for `key`, in the order stored; empty when
  // there is none or any part of it cannot be used. The caller owns them (hs_free_database).
  std::vector<hs_database*> LoadAll(uint64_t key) const;
  // The entry's database when it holds exactly one, else null. Owned by the caller.
  hs_database* Load(uint64_t key) const;

  // Saves `dbs` (REQUIRES: not empty) as the entry for `key`, then prunes. A failure
  // leaves the cache as it was; the caller logs it and carries on, since the cache only
  // saves time.
  Status StoreAll(uint64_t key, const std::vector<const hs_database*>& dbs) const;
  Status Store(uint64_t key, const hs_database* db) const { return StoreAll(key, {db}); }

  const std::string& dir() const { return dir_; }

 private:
  std::string PathFor(uint64_t key) const;
  void Prune() const;

  std::string dir_;
  size_t max_entries_;
};

// The default cache directory: $DECORUM_CACHE_DIR, else $XDG_CACHE_HOME/decorum, else
// $HOME/.cache/decorum; empty when none of them is set.
std::string DefaultCacheDir();

}  // namespace decorum
