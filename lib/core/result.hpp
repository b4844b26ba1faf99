// Result<T>: a value or an Error, in the spirit of std::expected (which gcc 12 lacks).
// Used for everything that can fail in normal operation; exceptions are kept for startup failures.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace redline {

// What went wrong, coarse enough to pick an exit status or a retry policy.
enum class Errc {
  invalid_input,  // malformed data or arguments (exit 2)
  not_found,      // unknown article, file or version (exit 2)
  unavailable,    // a service or host could not be reached (exit 69)
  io,             // store or file I/O failed (exit 74)
  config,         // configuration is wrong (exit 78)
  conflict,       // the data changed since it was read (another process wrote): read again and retry (exit 75)
  internal,
};

struct Error {
  Errc code = Errc::internal;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(m_v);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(m_v);
  }
  // On a temporary, the value is moved out, so `for (auto& x : *f())` does not dangle.
  T value() && {
    assert(ok());
    return std::get<0>(std::move(m_v));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(m_v);
  }

 private:
  std::variant<T, Error> m_v;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return m_ok; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return m_error;
  }

 private:
  Error m_error;
  bool m_ok = true;
};

using Status = Result<void>;

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace redline
