#include "match/database_cache.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "rules/source_hash.h"

namespace decorum {
namespace {

namespace fs = std::filesystem;

// Bumped when the entry layout or the meaning of a key changes.
// Layout: kMagic, then per database its serialized size (uint64_t, host order: the key
// covers the platform) followed by Hyperscan's serialized bytes.
constexpr std::string_view kMagic = "decorum-hsdb-2\n";

void FreeAll(std::vector<hs_database*>* dbs) {
  for (hs_database* db : *dbs) hs_free_database(db);
  dbs->clear();
}

uint64_t HashPod(uint64_t h, uint64_t v) {
  return Fnv1a64(h, std::string_view(reinterpret_cast<const char*>(&v), sizeof(v)));
}

}  // namespace

DatabaseCache::DatabaseCache(std::string dir, size_t max_entries)
    : dir_(std::move(dir)), max_entries_(std::max<size_t>(max_entries, 1)) {}

uint64_t DatabaseCache::Key(const std::vector<const char*>& expressions,
                            const std::vector<unsigned>& flags, const std::vector<unsigned>& ids) {
  uint64_t h = Fnv1a64(kFnvOffset, kMagic);
  h = Fnv1a64(h, hs_version());
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    h = HashPod(h, platform.tune);
    h = HashPod(h, platform.cpu_features);
  }
  h = HashPod(h, expressions.size());
  for (size_t i = 0; i < expressions.size(); ++i) {
    const std::string_view e(expressions[i]);
    h = HashPod(h, e.size());
    h = Fnv1a64(h, e);
    h = HashPod(h, flags[i]);
    h = HashPod(h, ids[i]);
  }
  return h;
}

std::string DatabaseCache::PathFor(uint64_t key) const {
  char name[32];
  std::snprintf(name, sizeof(name), "%016llx.hsdb", static_cast<unsigned long long>(key));
  return (fs::path(dir_) / name).string();
}

std::vector<hs_database*> DatabaseCache::LoadAll(uint64_t key) const {
  std::vector<hs_database*> dbs;
  const std::string path = PathFor(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) return dbs;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() <= kMagic.size() || bytes.compare(0, kMagic.size(), kMagic) != 0) return dbs;
  size_t pos = kMagic.size();
  while (pos < bytes.size()) {
    uint64_t size = 0;
    if (bytes.size() - pos < sizeof(size)) {
      FreeAll(&dbs);
      return dbs;
    }
    std::memcpy(&size, bytes.data() + pos, sizeof(size));
    pos += sizeof(size);
    hs_database_t* db = nullptr;
    if (size == 0 || size > bytes.size() - pos ||
        hs_deserialize_database(bytes.data() + pos, size, &db) != HS_SUCCESS) {
      FreeAll(&dbs);
      return dbs;
    }
    dbs.push_back(db);
    pos += size;
  }
  // Mark the entry as recently used, for Prune().
  std::error_code ec;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
  return dbs;
}

hs_database* DatabaseCache::Load(uint64_t key) const {
  std::vector<hs_database*> dbs = LoadAll(key);
  if (dbs.size() == 1) return dbs[0];
  FreeAll(&dbs);
  return nullptr;
}

Status DatabaseCache::StoreAll(uint64_t key, const std::vector<const hs_database*>& dbs) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("cannot create cache directory '" + dir_ + "': " + ec.message());
  std::string entry(kMagic);
  for (const hs_database* db : dbs) {
    char* bytes = nullptr;
    size_t size = 0;
    if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS) {
      return Status::Internal("Hyperscan could not serialize a database");
    }
    const uint64_t size64 = size;
    entry.append(reinterpret_cast<const char*>(&size64), sizeof(size64));
    entry.append(bytes, size);
    std::free(bytes);  // hs_serialize_database allocates with the default misc allocator
  }
  const std::string path = PathFor(key);
  const std::string tmp = path + ".tmp." + std::to_string(std::random_device{}());
  bool ok = false;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(entry.data(), static_cast<std::streamsize>(entry.size()));
    ok = static_cast<bool>(out.flush());
  }
  if (!ok) {
    fs::remove(tmp, ec);
    return Status::IoError("cannot write cache entry '" + tmp + "'");
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::IoError("cannot install cache entry '" + path + "': " + ec.message());
  }
  Prune();
  return Status::Ok();
}

void DatabaseCache::Prune() const {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".hsdb") {
      entries.emplace_back(fs::last_write_time(it->path(), ec), it->path());
    }
  }
  if (entries.size() <= max_entries_) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = max_entries_; i < entries.size(); ++i) fs::remove(entries[i].second, ec);
}

std::string DefaultCacheDir() {
  if (const char* d = std::getenv("DECORUM_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return (fs::path(x) / "decorum").string();
  if (const char* h = std::getenv("HOME"); h && *h) return (fs::path(h) / ".cache" / "decorum").string();
  return "";
}

}  // namespace decorum
