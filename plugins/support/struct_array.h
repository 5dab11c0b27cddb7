// StructArray: an engine-owned array of ABI structs (decorum_hit, decorum_target) read
// with the engine's stride.
//
// plugin.h lets a newer minor version append fields to a struct. An array of such
// structs, allocated by a newer engine, then has elements larger than this plugin's
// sizeof(T); indexing it as a T[] would read garbage from the second element on. Stepping
// by the first element's struct_size reads arrays from the same and from newer engines
// alike.
//
// Thread safety: a view over memory the engine owns for the duration of the call; read
// only, from the calling thread.
// Header-only because it is a template.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace decorum::plugins {

template <typename T>
class StructArray {
 public:
  // Throws std::runtime_error when the elements are smaller than this plugin's T, which
  // an engine that accepted the plugin's ABI version never passes.
  StructArray(const T* first, size_t count)
      : base_(reinterpret_cast<const char*>(first)), count_(first ? count : 0) {
    if (count_ == 0) return;
    stride_ = first->struct_size;
    if (stride_ < sizeof(T)) {
      throw std::runtime_error("array element struct_size " + std::to_string(stride_) +
                               " is smaller than " + std::to_string(sizeof(T)));
    }
  }

  size_t size() const { return count_; }
  // REQUIRES: i < size().
  const T& operator[](size_t i) const {
    return *reinterpret_cast<const T*>(base_ + i * stride_);
  }

  class Iterator {
   public:
    Iterator(const char* p, size_t stride) : p_(p), stride_(stride) {}
    const T& operator*() const { return *reinterpret_cast<const T*>(p_); }
    Iterator& operator++() {
      p_ += stride_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return p_ != o.p_; }

   private:
    const char* p_;
    size_t stride_;
  };
  Iterator begin() const { return Iterator(base_, stride_); }
  Iterator end() const { return Iterator(base_ + count_ * stride_, stride_); }

 private:
  const char* base_;
  size_t count_;
  size_t stride_ = sizeof(T);
};

}  // namespace decorum::plugins
