// DefaultInitAllocator: a std::allocator whose value-less construct() default-initializes,
// so that vector<uint32_t>::resize(n) leaves the new elements unset instead of zeroing them.
//
// Why: the Normalizer sizes its offset maps to the comment's length and then writes every
// element it keeps; zero-filling them first cost ~650 instructions per comment of the
// bench corpus (callgrind, std::vector::_M_default_append), for values never read.
// Every other construct() (copies, push_back(v)) behaves as std::allocator's.
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace decorum {

template <class T>
class DefaultInitAllocator : public std::allocator<T> {
 public:
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };

  DefaultInitAllocator() noexcept = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    std::allocator_traits<std::allocator<T>>::construct(static_cast<std::allocator<T>&>(*this), p,
                                                        std::forward<Args>(args)...);
  }
};

}  // namespace decorum
